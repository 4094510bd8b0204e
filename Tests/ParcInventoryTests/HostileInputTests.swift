import Foundation
import ParcCore
import Testing

@testable import ParcInventory

/// Bad input is a test case: malformed, truncated, huge and hostile bodies end in an InventoryFormatError that names
/// the place, never in a crash, a hang or an exhausted machine.
@Suite("Hostile and broken input")
struct HostileInputTests {
    static func json(_ text: String) throws(InventoryFormatError) -> InventoryReport {
        try GLPIInventoryJSON.read(Data(text.utf8))
    }

    static func xml(_ text: String) throws(InventoryFormatError) -> AgentXMLRequest {
        try InventoryXML.readRequest(Data(text.utf8))
    }

    /// The error `body` throws, nil when it throws none; any other error type is a failure.
    static func error(_ body: () throws -> Void) -> InventoryFormatError? {
        do {
            try body()
            return nil
        } catch let error as InventoryFormatError {
            return error
        } catch {
            Issue.record("unexpected error type: \(error)")
            return nil
        }
    }

    // MARK: XML entities and DTDs

    @Test("an XXE payload is refused before parsing, and nothing is read from the disk")
    func xxe() {
        let payload = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE REQUEST [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
            <REQUEST><CONTENT><HARDWARE><NAME>&xxe;</NAME></HARDWARE></CONTENT>
            <DEVICEID>x</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>
            """
        #expect(throws: InventoryFormatError.documentTypeDeclaration) { try Self.xml(payload) }
        let lowercase = payload.replacingOccurrences(of: "<!DOCTYPE", with: "<!doctype")
        #expect(throws: InventoryFormatError.documentTypeDeclaration) { try Self.xml(lowercase) }
        let afterComment = payload.replacingOccurrences(of: "<!DOCTYPE", with: "<!-- x --><!DOCTYPE")
        #expect(throws: InventoryFormatError.documentTypeDeclaration) { try Self.xml(afterComment) }
    }

    @Test("a billion-laughs payload is refused before any expansion")
    func billionLaughs() {
        var entities = #"<!ENTITY lol0 "lollollollollollollollollollol">"#
        for level in 1...9 {
            entities += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1);", count: 10) + "\">"
        }
        let payload = """
            <?xml version="1.0"?><!DOCTYPE REQUEST [\(entities)]>
            <REQUEST><CONTENT><HARDWARE><NAME>&lol9;</NAME></HARDWARE></CONTENT>
            <DEVICEID>x</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>
            """
        #expect(throws: InventoryFormatError.documentTypeDeclaration) { try Self.xml(payload) }
    }

    @Test("an entity that was never declared is a malformed body, not a lookup")
    func undeclaredEntity() {
        let payload = "<REQUEST><CONTENT><HARDWARE><NAME>&xxe;</NAME></HARDWARE></CONTENT><QUERY>INVENTORY</QUERY></REQUEST>"
        guard case .malformedXML(_, _, let path, let detail)? = Self.error({ _ = try Self.xml(payload) }) else {
            Issue.record("expected malformedXML")
            return
        }
        #expect(path == "REQUEST/CONTENT/HARDWARE[1]/NAME")
        #expect(detail.contains("not declared"))
    }

    @Test("comments, CDATA and the predefined entities are fine")
    func harmlessMarkup() throws {
        let payload = """
            <?xml version="1.0"?><!-- an agent --><REQUEST><CONTENT><HARDWARE><NAME>R&amp;D&#x2D;<![CDATA[01<]]></NAME>
            </HARDWARE></CONTENT><DEVICEID>d</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>
            """
        guard case .inventory(let report) = try Self.xml(payload) else {
            Issue.record("expected an inventory")
            return
        }
        #expect(report.hardware?.name == "R&D-01<")
    }

    // MARK: Truncated and garbage bodies

    @Test("the FusionInventory inventory cut anywhere is refused, at the place of the cut")
    func truncatedXML() throws {
        let data = try Fixture.data("inventory/fusion-xml/1.xml")
        for cut in stride(from: 1, to: data.count, by: 1_997) {
            let error = Self.error { _ = try InventoryXML.readRequest(data.prefix(cut)) }
            guard case .malformedXML(let line, _, _, _)? = error else {
                Issue.record("cut at \(cut): \(String(describing: error))")
                continue
            }
            #expect(line > 0)
        }
    }

    @Test("the GLPI inventory cut anywhere is refused, naming where it ends")
    func truncatedJSON() throws {
        let data = try Fixture.data("inventory/glpi-json/computer_1.json")
        var truncated = 0
        for cut in stride(from: 1, to: data.count, by: 613) {
            switch Self.error({ _ = try GLPIInventoryJSON.read(data.prefix(cut)) }) {
            case .truncatedJSON(let path)?:
                truncated += 1
                #expect(path.hasPrefix("content") || path == "the document", "\(path)")
            case .some: break
            case nil: Issue.record("a JSON cut at \(cut) was accepted")
            }
        }
        #expect(truncated > 0)
        #expect(throws: InventoryFormatError.truncatedJSON(path: "content.softwares[1].name")) {
            try Self.json(#"{"deviceid":"d","content":{"versionclient":"v","softwares":[{"name":"a"},{"name":"b"#)
        }
    }

    @Test("garbage, empty and non-UTF-8 bodies are refused with their reason")
    func garbage() {
        #expect(throws: InventoryFormatError.empty) { try Self.json("") }
        #expect(throws: InventoryFormatError.empty) { try Self.json(" \n\t") }
        #expect(throws: InventoryFormatError.empty) { try Self.xml("   ") }
        #expect(throws: InventoryFormatError.unknownFormat(start: "\"hello world\"")) { try Self.json("hello world") }
        #expect(throws: InventoryFormatError.unknownFormat(start: "\"hello world\"")) { try Self.xml("hello world") }
        #expect(throws: InventoryFormatError.wrongType(path: "the document", expected: "a JSON object")) {
            try Self.json("[1, 2]")
        }
        let latin1 = Data("<REQUEST><CONTENT><HARDWARE><NAME>".utf8) + Data([0xE9, 0xFF]) + Data(
            "</NAME></HARDWARE></CONTENT></REQUEST>".utf8)
        guard case .malformedXML(_, _, _, let detail)? = Self.error({ _ = try InventoryXML.readRequest(latin1) }) else {
            Issue.record("expected malformedXML")
            return
        }
        #expect(detail.contains("UTF-8"))
        let badJSON = Data(#"{"deviceid":"d","content":{"versionclient":""#.utf8) + Data([0xFF, 0xFE]) + Data(#""}}"#.utf8)
        #expect(Self.error({ _ = try GLPIInventoryJSON.read(badJSON) }) != nil)
        #expect(throws: InventoryFormatError.self) { try Self.json(#"{"deviceid":"d","content":{"versionclient":"v"}} trailing"#) }
        #expect(throws: InventoryFormatError.self) { try Self.json(#"{"deviceid":"d","content":{"versionclient":"v",]}"#) }
    }

    @Test("JSON that is not well-formed is refused at the place it goes wrong")
    func malformedJSON() {
        let cases: [(String, String, String)] = [
            (#"{"deviceid":"d","content":{"versionclient":"v","hardware":{"memory":tru}}}"#, "content.hardware.memory", "an unknown word"),
            (#"{"deviceid":"d","content":{"versionclient":"v","cpus":[{"speed" 1}]}}"#, "content.cpus[0].speed", "a : expected"),
            (#"{"deviceid":"d","content":{"versionclient":"v","softwares":[{"name":"a\qb"}]}}"#, "content.softwares[0].name", "an unknown escape"),
            (#"{"deviceid":"d","content":{"versionclient":"v","cpus":[{"speed":01}]}}"#, "content.cpus[0].speed", "after a number"),
            (#"{"deviceid":"d","content":{"versionclient":"v","x":[1 2]}}"#, "content.x[0]", "a , or ] expected"),
            (#"{"deviceid":"d","content":{"versionclient":"v"}}}"#, "the document", "more content after the end"),
            (#"{"deviceid":"d","content":{"versionclient":"v","softwares":[{"name":"a"# + "\u{9}" + #"b"}]}}"#, "content.softwares[0].name", "a control character"),
        ]
        for (body, path, detail) in cases {
            guard case .malformedJSON(let foundPath, let foundDetail)? = Self.error({ _ = try Self.json(body) }) else {
                Issue.record("\(body) was not refused as malformed")
                continue
            }
            #expect(foundPath == path, "\(body)")
            #expect(foundDetail.contains(detail), "\(foundDetail)")
        }
        var notUTF8 = Data(#"{"deviceid":"d","content":{"versionclient":"ab"#.utf8)
        notUTF8.append(contentsOf: [0xC3, 0x28])
        notUTF8.append(contentsOf: Array(#""}}"#.utf8))
        guard case .malformedJSON(let path, let detail)? = Self.error({ _ = try GLPIInventoryJSON.read(notUTF8) }) else {
            Issue.record("invalid UTF-8 accepted")
            return
        }
        #expect(path == "content.versionclient")
        #expect(detail.contains("not UTF-8"))
    }

    @Test("random bytes and flipped bytes never crash the readers")
    func mutations() throws {
        var generator = SeededGenerator(seed: 0x5EED)
        let xml = try Fixture.data("inventory/fusion-xml/2.xml")
        let json = try Fixture.data("inventory/glpi-json/computer_1.json")
        for round in 0..<150 {
            var mutatedXML = xml
            var mutatedJSON = json
            for _ in 0..<(1 + round % 4) {
                mutatedXML[Int.random(in: 0..<mutatedXML.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                mutatedJSON[Int.random(in: 0..<mutatedJSON.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            _ = try? InventoryXML.readRequest(mutatedXML)
            _ = try? GLPIInventoryJSON.read(mutatedJSON)
            let noise = Data((0..<Int.random(in: 0...512, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) })
            #expect(throws: InventoryFormatError.self) { try GLPIInventoryJSON.read(noise) }
            #expect(throws: InventoryFormatError.self) { try InventoryXML.readRequest(noise) }
        }
    }

    // MARK: Wrong types and missing fields

    @Test("a value of the wrong JSON type is refused with its path and the type it must have")
    func wrongTypes() {
        #expect(throws: InventoryFormatError.wrongType(path: "content.softwares", expected: "an array")) {
            try Self.json(#"{"deviceid":"d","content":{"versionclient":"v","softwares":"firefox"}}"#)
        }
        #expect(throws: InventoryFormatError.wrongType(path: "content.hardware.memory", expected: "an integer")) {
            try Self.json(#"{"deviceid":"d","content":{"versionclient":"v","hardware":{"memory":"lots"}}}"#)
        }
        #expect(throws: InventoryFormatError.wrongType(path: "content.hardware", expected: "an object")) {
            try Self.json(#"{"deviceid":"d","content":{"versionclient":"v","hardware":[]}}"#)
        }
        #expect(throws: InventoryFormatError.wrongType(path: "deviceid", expected: "a string")) {
            try Self.json(#"{"deviceid":5,"content":{"versionclient":"v"}}"#)
        }
        #expect(throws: InventoryFormatError.wrongType(path: "content.networks[0].virtualdev", expected: "a boolean (true or false)")) {
            try Self.json(#"{"deviceid":"d","content":{"versionclient":"v","networks":[{"description":"e","virtualdev":"yes"}]}}"#)
        }
        #expect(throws: InventoryFormatError.wrongType(path: "content.cpus[0].speed", expected: "an integer")) {
            try Self.json(#"{"deviceid":"d","content":{"versionclient":"v","cpus":[{"speed":99999999999999999999999}]}}"#)
        }
        #expect(throws: InventoryFormatError.wrongType(path: "content.memories[1].capacity", expected: "an integer")) {
            try Self.json(#"{"deviceid":"d","content":{"versionclient":"v","memories":[{},{"capacity":4096.5}]}}"#)
        }
        let whole = try? Self.json(#"{"deviceid":"d","content":{"versionclient":"v","hardware":{"memory":2048.0}}}"#)
        #expect(whole?.hardware?.memoryBytes == 2048 << 20, "2048.0 is an integer, as JSON Schema counts")
        let message = InventoryFormatError.wrongType(path: "content.hardware.memory", expected: "an integer").message
        #expect(message == "content.hardware.memory must be an integer, as the GLPI inventory schema says; fix the agent or file that sent it.")
    }

    @Test("a field the format requires is missing: the path says which")
    func missingFields() {
        #expect(throws: InventoryFormatError.missingField(path: "deviceid")) {
            try Self.json(#"{"content":{"versionclient":"v"}}"#)
        }
        #expect(throws: InventoryFormatError.missingField(path: "content.versionclient")) {
            try Self.json(#"{"deviceid":"d","content":{}}"#)
        }
        #expect(throws: InventoryFormatError.missingField(path: "content.softwares[1].name")) {
            try Self.json(#"{"deviceid":"d","content":{"versionclient":"v","softwares":[{"name":"a"},{"version":"1"}]}}"#)
        }
        #expect(throws: InventoryFormatError.missingField(path: "content.softwares[0].name")) {
            try Self.json(#"{"deviceid":"d","content":{"versionclient":"v","softwares":[{"name":null}]}}"#)
        }
        #expect(throws: InventoryFormatError.missingField(path: "deviceid")) {
            try Self.json(#"{"deviceid":"   ","content":{"versionclient":"v"}}"#)
        }
        #expect(throws: InventoryFormatError.missingQuery) {
            try Self.xml("<REQUEST><DEVICEID>d</DEVICEID></REQUEST>")
        }
        #expect(throws: InventoryFormatError.missingField(path: "REQUEST/DEVICEID")) {
            try Self.xml("<REQUEST><QUERY>PROLOG</QUERY></REQUEST>")
        }
        #expect(throws: InventoryFormatError.unsupportedQuery("UPDATE")) {
            try Self.xml("<REQUEST><DEVICEID>d</DEVICEID><QUERY>UPDATE</QUERY></REQUEST>")
        }
        #expect(throws: InventoryFormatError.unexpectedRoot(found: "html")) {
            try Self.xml("<html><body>proxy error</body></html>")
        }
    }

    @Test("XML text where a number belongs is dropped, not refused")
    func xmlNonsenseValues() throws {
        let payload = """
            <REQUEST><CONTENT><HARDWARE><NAME>pc</NAME><MEMORY>lots</MEMORY><SWAP>-5</SWAP></HARDWARE>
            <SOFTWARES><NAME>a</NAME><INSTALLDATE>31/02/2020</INSTALLDATE><FILESIZE>1e999</FILESIZE></SOFTWARES>
            <NETWORKS><DESCRIPTION>eth0</DESCRIPTION><MACADDR>not a mac</MACADDR><IPADDRESS>999.1.1.1</IPADDRESS>
            <STATUS>sideways</STATUS></NETWORKS></CONTENT><DEVICEID>d</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>
            """
        guard case .inventory(let report) = try Self.xml(payload) else {
            Issue.record("expected an inventory")
            return
        }
        #expect(report.hardware?.memoryBytes == nil)
        #expect(report.hardware?.swapBytes == nil)
        #expect(report.software.first?.installDate == nil)
        #expect(report.software.first?.sizeBytes == nil)
        #expect(report.networkInterfaces.first?.macAddress == nil)
        #expect(report.networkInterfaces.first?.ipv4 == [])
        #expect(report.networkInterfaces.first?.status == nil)
    }

    // MARK: Limits

    @Test("nesting deeper than the limit is refused, in JSON and in XML")
    func tooDeep() {
        let deepJSON = #"{"deviceid":"d","content":{"versionclient":"v","x":"# + String(repeating: "[", count: 100)
            + String(repeating: "]", count: 100) + "}}"
        // The root and content objects, then 30 arrays: the 31st would be level 33.
        let path = "content.x" + String(repeating: "[0]", count: 30)
        #expect(throws: InventoryFormatError.tooDeep(path: path, limit: 32)) {
            try Self.json(deepJSON)
        }
        let deepXML = "<REQUEST><CONTENT>" + String(repeating: "<A>", count: 40) + String(repeating: "</A>", count: 40)
            + "</CONTENT></REQUEST>"
        guard case .tooDeep(_, let limit)? = Self.error({ _ = try Self.xml(deepXML) }) else {
            Issue.record("expected tooDeep")
            return
        }
        #expect(limit == 32)
    }

    @Test("a kept value longer than the limit is refused with its path")
    func stringTooLong() {
        let long = String(repeating: "x", count: 70_000)
        #expect(throws: InventoryFormatError.stringTooLong(path: "content.softwares[0].name", limit: 65_536)) {
            try Self.json(#"{"deviceid":"d","content":{"versionclient":"v","softwares":[{"name":""# + long + #""}]}}"#)
        }
        #expect(throws: InventoryFormatError.stringTooLong(path: "REQUEST/CONTENT/SOFTWARES[2]/NAME", limit: 65_536)) {
            try Self.xml(
                "<REQUEST><CONTENT><SOFTWARES><NAME>a</NAME></SOFTWARES><SOFTWARES><NAME>" + long
                    + "</NAME></SOFTWARES></CONTENT><DEVICEID>d</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>")
        }
        // Text in sections Parc does not read (a long process command line) is not held against the body.
        let process = "<PROCESSES><CMD>" + long + "</CMD></PROCESSES>"
        #expect((try? Self.xml("<REQUEST><CONTENT>\(process)</CONTENT><DEVICEID>d</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>")) != nil)
    }

    @Test("a body over the size limit is refused before it is parsed")
    func tooLarge() {
        let limits = InventoryLimits(maxInputBytes: 1_000)
        let big = Data(repeating: UInt8(ascii: " "), count: 1_001)
        #expect(throws: InventoryFormatError.tooLarge(bytes: 1_001, limit: 1_000)) {
            try GLPIInventoryJSON.read(big, limits: limits)
        }
        #expect(throws: InventoryFormatError.tooLarge(bytes: 1_001, limit: 1_000)) {
            try InventoryXML.readRequest(big, limits: limits)
        }
    }

    @Test("more entries or values than the limits allow are refused with the section's path")
    func tooManyEntries() {
        let limits = InventoryLimits(maxEntriesPerSection: 1_000, maxNodes: 50_000)
        let entries = Array(repeating: #"{"name":"a"}"#, count: 1_001).joined(separator: ",")
        #expect(throws: InventoryFormatError.tooManyEntries(path: "content.softwares", limit: 1_000)) {
            try GLPIInventoryJSON.read(
                Data(#"{"deviceid":"d","content":{"versionclient":"v","softwares":[\#(entries)]}}"#.utf8), limits: limits)
        }
        let elements = String(repeating: "<SOFTWARES><NAME>a</NAME></SOFTWARES>", count: 1_001)
        #expect(throws: InventoryFormatError.tooManyEntries(path: "REQUEST/CONTENT/SOFTWARES", limit: 1_000)) {
            try InventoryXML.readRequest(
                Data("<REQUEST><CONTENT>\(elements)</CONTENT><QUERY>INVENTORY</QUERY></REQUEST>".utf8), limits: limits)
        }
        let ports = String(repeating: "<PORT><IFNUMBER>1</IFNUMBER></PORT>", count: 1_001)
        #expect(throws: InventoryFormatError.tooManyEntries(path: "REQUEST/CONTENT/DEVICE[1]/PORTS", limit: 1_000)) {
            try InventoryXML.readRequest(
                Data("<REQUEST><CONTENT><DEVICE><PORTS>\(ports)</PORTS></DEVICE></CONTENT></REQUEST>".utf8), limits: limits)
        }
        let numbers = Array(repeating: "1", count: 60_000).chunked(900).map { "[" + $0.joined(separator: ",") + "]" }
        #expect(throws: InventoryFormatError.tooManyNodes(limit: 50_000)) {
            try GLPIInventoryJSON.read(
                Data(#"{"deviceid":"d","content":{"versionclient":"v","x":[\#(numbers.joined(separator: ","))]}}"#.utf8),
                limits: limits)
        }
    }

    @Test("with the default limits, 250 001 programs are refused by count")
    func defaultEntryLimit() {
        let entry = Data(#"{"name":"a"},"#.utf8)
        var body = Data(#"{"deviceid":"d","content":{"versionclient":"v","softwares":["#.utf8)
        body.reserveCapacity(body.count + entry.count * 250_001 + 16)
        let block = Data(repeating: 0, count: 0) + Array(repeating: entry, count: 1_000).reduce(Data(), +)
        for _ in 0..<250 { body.append(block) }
        body.append(Data(#"{"name":"last"}]}}"#.utf8))
        #expect(throws: InventoryFormatError.tooManyEntries(path: "content.softwares", limit: 250_000)) {
            try GLPIInventoryJSON.read(body)
        }
    }

    @Test("ten million programs are refused with a clear error, before any parsing")
    func tenMillion() {
        let entry = Data(#"{"name":"a"},"#.utf8)
        let block = Array(repeating: entry, count: 10_000).reduce(Data(), +)
        var body = Data(#"{"deviceid":"d","content":{"versionclient":"v","softwares":["#.utf8)
        body.reserveCapacity(block.count * 1_000 + 64)
        for _ in 0..<1_000 { body.append(block) }
        body.append(Data(#"{"name":"a"}]}}"#.utf8))
        let error = Self.error { _ = try GLPIInventoryJSON.read(body) }
        #expect(error == .tooLarge(bytes: body.count, limit: 64 << 20))
        #expect(error?.message.contains("over the limit of 67108864 bytes") == true)
    }

    @Test("100 000 programs still read, in JSON and in XML")
    func hundredThousandPrograms() throws {
        var json = #"{"deviceid":"d","content":{"versionclient":"v","softwares":["#
        var xml = "<REQUEST><CONTENT>"
        json.reserveCapacity(16 << 20)
        xml.reserveCapacity(16 << 20)
        for index in 0..<100_000 {
            if index > 0 { json += "," }
            json += #"{"name":"package-\#(index)","version":"1.\#(index)","publisher":"Debian","arch":"amd64","#
                + #""from":"deb","filesize":\#(index * 10),"install_date":"2025-04-20"}"#
            xml += "<SOFTWARES><ARCH>amd64</ARCH><FILESIZE>\(index * 10)</FILESIZE><FROM>deb</FROM>"
                + "<NAME>package-\(index)</NAME><PUBLISHER>Debian</PUBLISHER><VERSION>1.\(index)</VERSION></SOFTWARES>"
        }
        json += "]}}"
        xml += "</CONTENT><DEVICEID>d</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>"

        let fromJSON = try GLPIInventoryJSON.read(Data(json.utf8))
        #expect(fromJSON.software.count == 100_000)
        #expect(fromJSON.software.last?.name == "package-99999")
        #expect(fromJSON.software.last?.installDate == InventoryDate(year: 2025, month: 4, day: 20))
        let fromXML = try InventoryXML.readInventory(Data(xml.utf8))
        #expect(fromXML.software.count == 100_000)
        #expect(fromXML.software.last == fromJSON.software.last.map {
            var program = $0
            program.installDate = nil
            return program
        })
    }
}

/// A small deterministic generator (SplitMix64), so mutation tests repeat exactly.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}

extension Array {
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
