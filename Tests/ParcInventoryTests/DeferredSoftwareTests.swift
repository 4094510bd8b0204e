import Foundation
import ParcCore
import Testing
@testable import ParcInventory

/// Decision 0082: an XML request's programs can be logged as scanner events and read later. Reading the log must
/// give exactly what reading the request at once gives, refusals included, and the log must change exactly when
/// the programs do.
@Suite("XML programs read later from their logged events")
struct DeferredSoftwareTests {
    static let fixtures = [
        "agent-protocols/fusioninventory-zlib-send/02-POST-INVENTORY.request-body.xml",
        "agent-protocols/ocsinventory-agent/02-POST-INVENTORY.request-body.xml",
        "inventory/fusion-xml/1.xml", "inventory/fusion-xml/2.xml", "inventory/fusion-xml/3.xml",
        "inventory/fusion-xml/4.xml", "inventory/fusion-xml/5-good.xml", "inventory/fusion-xml/6.xml",
        "inventory/fusion-xml/7.xml", "inventory/fusion-xml/8.xml", "inventory/fusion-xml/9.xml",
    ]

    static func inventory(_ request: AgentXMLRequest) -> InventoryReport? {
        if case .inventory(let report) = request { return report }
        return nil
    }

    static func request(_ content: String, query: String = "INVENTORY") -> Data {
        Data("<REQUEST><CONTENT>\(content)</CONTENT><DEVICEID>pc-1</DEVICEID><QUERY>\(query)</QUERY></REQUEST>".utf8)
    }

    /// The error reading `body` at once gives, and the one reading it deferred gives (at the scan or at the read).
    static func errors(_ body: Data, limits: InventoryLimits = .default)
        -> (direct: InventoryFormatError?, deferred: InventoryFormatError?)
    {
        var direct: InventoryFormatError?
        do { _ = try InventoryXML.readRequest(body, limits: limits) } catch { direct = error }
        var deferred: InventoryFormatError?
        do {
            let (_, software) = try InventoryXML.readRequestDeferringSoftware(body, limits: limits)
            _ = try software?.read(limits: limits)
        } catch {
            deferred = error
        }
        return (direct, deferred)
    }

    @Test("every XML fixture reads the same, programs and all the rest, at once or from the log",
          arguments: fixtures)
    func sameReport(_ path: String) throws {
        let body = try Fixture.data(path)
        let direct = try #require(Self.inventory(try InventoryXML.readRequest(body)))
        let (request, software) = try InventoryXML.readRequestDeferringSoftware(body)
        var deferred = try #require(Self.inventory(request))
        // Until read, the report says it carries programs but holds none.
        #expect(deferred.software.isEmpty)
        #expect(deferred.sections.contains(.software) == direct.sections.contains(.software))
        if direct.sections.contains(.software) {
            let software = try #require(software)
            #expect(software.entries >= direct.software.count)
            deferred.software = try software.read()
        } else {
            #expect(software == nil)
        }
        #expect(deferred == direct)
        #expect(!direct.software.isEmpty || !path.hasPrefix("agent-protocols"))
    }

    @Test("the log changes with the programs, and only with them")
    func logFollowsPrograms() throws {
        let body = String(decoding: try Fixture.data(Self.fixtures[0]), as: UTF8.self)
        func log(_ text: String) throws -> XMLEventLog {
            try #require(try InventoryXML.readRequestDeferringSoftware(Data(text.utf8)).software).events
        }
        let first = try log(body)
        #expect(try log(body) == first)
        // The next run: another date, another uptime-like value outside the programs.
        let logDate = try #require(body.range(of: #"<LOGDATE>[^<]*</LOGDATE>"#, options: .regularExpression))
        let nextRun = body.replacingCharacters(in: logDate, with: "<LOGDATE>2031-01-02 03:04:05</LOGDATE>")
        #expect(nextRun != body)
        #expect(try log(nextRun) == first)
        // One program upgraded.
        let programs = try #require(body.range(of: "<SOFTWARES>"))
        let version = try #require(body.range(of: #"<VERSION>[^<]*</VERSION>"#, options: .regularExpression,
                                              range: programs.lowerBound..<body.endIndex))
        let upgraded = body.replacingCharacters(in: version, with: "<VERSION>999.1</VERSION>")
        #expect(try log(upgraded) != first)
        // One program removed.
        let entry = try #require(body.range(of: #"(?s)<SOFTWARES>.*?</SOFTWARES>"#, options: .regularExpression))
        #expect(try log(body.replacingCharacters(in: entry, with: "")) != first)
        // Entities and CDATA are logged as the text they stand for: the same program however it is written.
        let plain = try log(String(decoding: Self.request("<SOFTWARES><NAME>A &amp; B</NAME></SOFTWARES>"), as: UTF8.self))
        let cdata = try log(String(decoding: Self.request("<SOFTWARES><NAME><![CDATA[A & B]]></NAME></SOFTWARES>"),
                                   as: UTF8.self))
        let direct = try InventoryXML.readInventory(Self.request("<SOFTWARES><NAME>A &amp; B</NAME></SOFTWARES>"))
        #expect(direct.software.map(\.name) == ["A & B"])
        #expect(try XMLEventLogProbe.programs(plain) == ["A & B"])
        #expect(try XMLEventLogProbe.programs(cdata) == ["A & B"])
    }

    @Test("refusals inside the programs come when the log is read, the same as reading at once")
    func sameRefusals() throws {
        let long = String(repeating: "x", count: 70_000)
        let bodies = [
            // An entry with no field.
            Self.request("<SOFTWARES><NAME>a</NAME></SOFTWARES><SOFTWARES></SOFTWARES>"),
            // A kept text over the limit.
            Self.request("<SOFTWARES><NAME>a</NAME></SOFTWARES><SOFTWARES><NAME>\(long)</NAME></SOFTWARES>"),
        ]
        for body in bodies {
            let (direct, deferred) = Self.errors(body)
            #expect(direct != nil)
            #expect(deferred == direct)
            // The scan itself accepts the request: the programs were not read.
            #expect((try? InventoryXML.readRequestDeferringSoftware(body)) != nil)
        }
        #expect(Self.errors(bodies[0]).direct == .emptyEntry(path: "REQUEST/CONTENT/SOFTWARES[2]"))
        #expect(Self.errors(bodies[1]).direct == .stringTooLong(path: "REQUEST/CONTENT/SOFTWARES[2]/NAME", limit: 65_536))

        // Too many fields in one entry, with a small limit.
        var limits = InventoryLimits.default
        limits.maxEntriesPerSection = 3
        let wide = Self.request("<SOFTWARES><NAME>a</NAME><VERSION>1</VERSION><FROM>deb</FROM><ARCH>x</ARCH></SOFTWARES>")
        let (direct, deferred) = Self.errors(wide, limits: limits)
        #expect(direct != nil)
        #expect(deferred == direct)
    }

    @Test("limits on size, depth, element count and entries still stop the scan inside the programs")
    func scanLimitsStillApply() throws {
        var limits = InventoryLimits.default
        limits.maxDepth = 6
        let deep = Self.request("<SOFTWARES><NAME><A><B><C><D>x</D></C></B></A></NAME></SOFTWARES>")
        #expect(throws: InventoryFormatError.self) { _ = try InventoryXML.readRequestDeferringSoftware(deep, limits: limits) }

        limits = .default
        limits.maxEntriesPerSection = 2
        let many = Self.request(String(repeating: "<SOFTWARES><NAME>a</NAME></SOFTWARES>", count: 3))
        #expect(throws: InventoryFormatError.tooManyEntries(path: "REQUEST/CONTENT/SOFTWARES", limit: 2)) {
            _ = try InventoryXML.readRequestDeferringSoftware(many, limits: limits)
        }

        limits = .default
        limits.maxNodes = 20
        let nodes = Self.request(String(repeating: "<SOFTWARES><NAME>a</NAME><VERSION>1</VERSION></SOFTWARES>", count: 10))
        #expect(throws: InventoryFormatError.tooManyNodes(limit: 20)) {
            _ = try InventoryXML.readRequestDeferringSoftware(nodes, limits: limits)
        }

        // Malformed XML inside the programs is refused by the scan, as always.
        let broken = Self.request("<SOFTWARES><NAME>a</VERSION></SOFTWARES>")
        let (direct, deferred) = Self.errors(broken)
        #expect(direct != nil)
        #expect(deferred == direct)
        #expect(throws: InventoryFormatError.self) { _ = try InventoryXML.readRequestDeferringSoftware(broken) }
    }

    @Test("no programs, or a PROLOG: nothing is deferred")
    func nothingDeferred() throws {
        let none = try InventoryXML.readRequestDeferringSoftware(Self.request("<BIOS><SSN>1</SSN></BIOS>"))
        #expect(none.software == nil)
        #expect(Self.inventory(none.request)?.sections.contains(.software) == false)
        let prolog = try InventoryXML.readRequestDeferringSoftware(
            Data("<REQUEST><DEVICEID>pc-1</DEVICEID><QUERY>PROLOG</QUERY></REQUEST>".utf8))
        #expect(prolog.software == nil)
        // Entries without a name are kept out of the programs, but the section was sent: a machine that lists
        // none any more is told apart from one that did not say.
        let unnamed = try InventoryXML.readRequestDeferringSoftware(Self.request("<SOFTWARES><VERSION>1</VERSION></SOFTWARES>"))
        #expect(Self.inventory(unnamed.request)?.sections.contains(.software) == true)
        #expect(try unnamed.software?.read() == [])
    }
}

/// Reads programs from a bare log, as a ``DeferredXMLSoftware`` does.
enum XMLEventLogProbe {
    static func programs(_ log: XMLEventLog) throws -> [String] {
        try DeferredXMLSoftware(events: log, entries: 1).read().map(\.name)
    }
}
