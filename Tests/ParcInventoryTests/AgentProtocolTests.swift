import Foundation
import ParcCore
import Testing

@testable import ParcInventory

@Suite("FusionInventory/OCS protocol: PROLOG, replies, compression")
struct AgentProtocolTests {
    /// The reply a capture's fake server sent, decompressed: what follows `# decompressed:`.
    static func capturedReply(_ path: String) throws -> Data {
        let text = String(decoding: try Fixture.data("agent-protocols/" + path), as: UTF8.self)
        let marker = "# decompressed:\n"
        let start = try #require(text.range(of: marker)).upperBound
        return Data(text[start...].utf8)
    }

    /// The reply's exact bytes on the wire, from the capture's hex dump (uncompressed captures only).
    static func wireBytes(_ path: String) throws -> Data {
        let text = String(decoding: try Fixture.data("agent-protocols/" + path), as: UTF8.self)
        let line = try #require(text.split(whereSeparator: \.isNewline).first { $0.hasPrefix("# wire body hex: ") })
        let hex = Array(line.dropFirst("# wire body hex: ".count).utf8)
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: hex.count, by: 2) {
            bytes.append(UInt8(String(decoding: hex[index..<index + 2], as: UTF8.self), radix: 16)!)
        }
        return Data(bytes)
    }

    @Test(
        "PROLOG requests of both agents read",
        arguments: [
            ("fusioninventory-zlib-send/01-POST-PROLOG.request-body.xml", "vm-2026-11-29-10-52-28", "12345678"),
            ("fusioninventory-nosend/01-POST-PROLOG.request-body.xml", "vm-2026-11-29-10-52-28", "12345678"),
            ("fusioninventory-second-run/03-POST-PROLOG.request-body.xml", "vm-2026-11-29-10-52-28", "12345678"),
            ("fusioninventory-no-compression/01-POST-PROLOG.request-body.xml", "vm-2026-11-29-10-52-28", "12345678"),
            ("ocsinventory-agent/01-POST-PROLOG.request-body.xml", "vm-2026-11-29-10-53-41", nil),
        ])
    func prolog(path: String, deviceID: String, token: String?) throws {
        let request = try InventoryXML.readRequest(Fixture.data("agent-protocols/" + path))
        #expect(request == .prolog(PrologRequest(deviceID: deviceID, token: token)))
    }

    @Test("an INVENTORY request reads as an inventory, a PROLOG is not one")
    func dispatch() throws {
        let inventory = try InventoryXML.readRequest(
            Fixture.data("agent-protocols/fusioninventory-zlib-send/02-POST-INVENTORY.request-body.xml"))
        guard case .inventory(let report) = inventory else {
            Issue.record("expected an inventory")
            return
        }
        #expect(report.agent.deviceID == "vm-2026-11-29-10-52-28")
        #expect(throws: InventoryFormatError.notAnInventory(query: "PROLOG")) {
            try InventoryXML.readInventory(
                Fixture.data("agent-protocols/fusioninventory-zlib-send/01-POST-PROLOG.request-body.xml"))
        }
    }

    @Test(
        "the PROLOG reply SEND is byte for byte the one the agents accepted",
        arguments: [
            "fusioninventory-zlib-send/01-POST-PROLOG.response.txt",
            "fusioninventory-second-run/03-POST-PROLOG.response.txt",
            "fusioninventory-no-compression/01-POST-PROLOG.response.txt",
            "ocsinventory-agent/01-POST-PROLOG.response.txt",
        ])
    func prologSend(path: String) throws {
        let reply = PrologReply(response: .send, prologFrequencyHours: 24).xml
        #expect(reply == (try Self.capturedReply(path)))
        #expect(
            String(decoding: reply, as: UTF8.self)
                == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<REPLY><PROLOG_FREQ>24</PROLOG_FREQ><RESPONSE>SEND</RESPONSE></REPLY>\n")
    }

    @Test("the uncompressed replies match the captured wire bytes exactly")
    func wireExact() throws {
        #expect(
            PrologReply(response: .send).xml
                == (try Self.wireBytes("fusioninventory-no-compression/01-POST-PROLOG.response.txt")))
        #expect(
            InventoryXMLReply.noAccountUpdate.xml
                == (try Self.wireBytes("fusioninventory-no-compression/02-POST-INVENTORY.response.txt")))
    }

    @Test("the PROLOG reply STOP is the one after which the agent sent nothing")
    func prologStop() throws {
        let reply = PrologReply(response: .stop, prologFrequencyHours: 24).xml
        #expect(reply == (try Self.capturedReply("fusioninventory-nosend/01-POST-PROLOG.response.txt")))
        #expect(
            String(decoding: PrologReply(response: .send, prologFrequencyHours: nil).xml, as: UTF8.self)
                == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<REPLY><RESPONSE>SEND</RESPONSE></REPLY>\n")
        #expect(PrologReply(response: .send, prologFrequencyHours: 0).prologFrequencyHours == nil)
    }

    @Test(
        "the inventory reply is the one the agents accepted",
        arguments: [
            "fusioninventory-zlib-send/02-POST-INVENTORY.response.txt",
            "fusioninventory-second-run/04-POST-INVENTORY.response.txt",
            "fusioninventory-no-compression/02-POST-INVENTORY.response.txt",
            "ocsinventory-agent/02-POST-INVENTORY.response.txt",
        ])
    func inventoryReply(path: String) throws {
        #expect(InventoryXMLReply.noAccountUpdate.xml == (try Self.capturedReply(path)))
    }

    @Test("ACCOUNT_UPDATE sets the agent's tag, escaped")
    func accountUpdate() throws {
        let reply = String(decoding: InventoryXMLReply.accountUpdate(tag: "R&D <lab> \u{1}\r").xml, as: UTF8.self)
        // The control character is dropped (XML 1.0 forbids it even as a reference); the carriage return is a
        // reference, which parsers do not turn into a line feed.
        #expect(
            reply
                == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<REPLY><RESPONSE>ACCOUNT_UPDATE</RESPONSE>"
                + "<ACCOUNTINFO><KEYNAME>TAG</KEYNAME><KEYVALUE>R&amp;D &lt;lab&gt; &#13;</KEYVALUE></ACCOUNTINFO></REPLY>\n")
        // And our own reader reads it back as XML.
        var parser = XMLSectionParser(limits: .default, wanted: { _ in false }, section: { _, _ in })
        #expect(throws: InventoryFormatError.unexpectedRoot(found: "REPLY")) {
            try parser.parse(Data(reply.utf8))
        }
    }

    @Test(
        "Content-Type and magic bytes give the compression, as PROTOCOL.md says",
        arguments: [
            ("application/x-compress-zlib", [0x78, 0x9C], InventoryCompression.zlib),
            ("application/x-compress-gzip", [0x1F, 0x8B, 0x08], .gzip),
            ("application/x-compress-deflate", [0xED, 0x7D], .deflate),
            ("Application/X-Compress-Zlib; charset=UTF-8", [0x78, 0x9C], .zlib),
            ("application/x-compress", [0x78, 0x9C], .zlib),
            ("application/x-compress", [0x1F, 0x8B, 0x08], .gzip),
            ("application/xml", Array("<?xml".utf8), InventoryCompression.none),
            ("application/json", Array("{\"a\"".utf8), InventoryCompression.none),
            ("application/xml", [0x78, 0x9C], .zlib),
            ("application/x-www-form-urlencoded", [0x78, 0xDA], .zlib),
            ("application/octet-stream", [0x1F, 0x8B, 0x08], .gzip),
            ("text/plain", [0xEF, 0xBB, 0xBF, 0x3C], InventoryCompression.none),
        ] as [(String, [UInt8], InventoryCompression)])
    func compression(contentType: String, bytes: [UInt8], expected: InventoryCompression) {
        #expect(InventoryCompression.of(contentType: contentType, firstBytes: bytes) == expected)
    }

    @Test("a body nobody can recognise has no compression; replies use the request's")
    func compressionEdges() {
        #expect(InventoryCompression.of(contentType: nil, firstBytes: [0x00, 0x01]) == nil)
        #expect(InventoryCompression.of(contentType: nil, firstBytes: []) == nil)
        #expect(InventoryCompression.of(contentType: nil, firstBytes: Array("  <REQUEST>".utf8)) == InventoryCompression.none)
        #expect(InventoryCompression.reply(to: .zlib) == .zlib)
        #expect(InventoryCompression.reply(to: .gzip) == .gzip)
        #expect(InventoryCompression.reply(to: .deflate) == .zlib)
        #expect(InventoryCompression.reply(to: .none) == InventoryCompression.none)
        #expect(InventoryCompression.zlib.contentType(plain: "application/xml") == "application/x-compress-zlib")
        #expect(InventoryCompression.none.contentType(plain: "application/json") == "application/json")
    }

    @Test("a body's format is told by its first byte")
    func formatDetection() throws {
        #expect(InventoryFormat.detect(Data("  {\"content\":{}}".utf8)) == .glpiJSON)
        #expect(InventoryFormat.detect(Data("\u{FEFF}<?xml version=\"1.0\"?><REQUEST/>".utf8)) == .xml)
        #expect(InventoryFormat.detect(Data("hello".utf8)) == nil)
        #expect(InventoryFormat.detect(Data()) == nil)
        #expect(
            InventoryFormat.detect(try Fixture.data("inventory/glpi-json/computer_1.json")) == .glpiJSON)
    }
}

@Suite("FusionInventory/OCS protocol: replies as an agent reads them")
struct ServerXMLReplyTests {
    @Test(
        "the captured replies read, from their wire bytes, compressed or not",
        arguments: [
            ("fusioninventory-zlib-send/01-POST-PROLOG.response.txt", "SEND"),
            ("fusioninventory-zlib-send/02-POST-INVENTORY.response.txt", "no_account_update"),
            ("fusioninventory-nosend/01-POST-PROLOG.response.txt", "STOP"),
            ("fusioninventory-no-compression/02-POST-INVENTORY.response.txt", "no_account_update"),
            ("ocsinventory-agent/02-POST-INVENTORY.response.txt", "no_account_update"),
        ])
    func capturedReplies(path: String, response: String) throws {
        let wire = try AgentProtocolTests.wireBytes(path)
        #expect(ServerXMLReply.read(wire) == ServerXMLReply(response: response))
        let plain = try AgentProtocolTests.capturedReply(path)
        #expect(ServerXMLReply.read(plain) == ServerXMLReply(response: response))
        #expect(ServerXMLReply.read(InventoryCompression.gzip.compress(plain)) == ServerXMLReply(response: response))
    }

    @Test("Parc's error reply gives its message, entities decoded")
    func errorReply() {
        let body = Data(("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<REPLY><ERROR>inventory_address_refused: "
            + "Inventories from 10.1.2.3 are not accepted &amp; &lt;so&gt; on.</ERROR></REPLY>\n").utf8)
        #expect(ServerXMLReply.read(body) == ServerXMLReply(
            error: "inventory_address_refused: Inventories from 10.1.2.3 are not accepted & <so> on."))
        #expect(ServerXMLReply.read(InventoryXMLReply.accountUpdate(tag: "HQ").xml)?.response == "ACCOUNT_UPDATE")
    }

    @Test(
        "what is not a <REPLY> reads as nothing",
        arguments: [
            "", "   ", "<html><body><h1>404 Not Found</h1></body></html>", "{\"error\": {\"message\": \"no\"}}",
            "<REQUEST><QUERY>PROLOG</QUERY></REQUEST>", "<REPLY><RESPONSE>SEND</RESPONSE>",
            "<!DOCTYPE REPLY [<!ENTITY e \"SEND\">]><REPLY><RESPONSE>&e;</RESPONSE></REPLY>", "\u{1}\u{2}garbage",
        ])
    func notReplies(body: String) {
        #expect(ServerXMLReply.read(Data(body.utf8)) == nil)
    }

    @Test("broken compression and a decompression bomb read as nothing")
    func brokenCompression() {
        #expect(ServerXMLReply.read(Data([0x78, 0x9C, 0x01, 0x02, 0x03])) == nil)
        let bomb = InventoryCompression.zlib.compress(
            Data("<REPLY><RESPONSE>".utf8) + Data(repeating: 0x41, count: ServerXMLReply.maxBytes) + Data("</RESPONSE></REPLY>".utf8))
        #expect(bomb.count < 10_000)
        #expect(ServerXMLReply.read(bomb) == nil)
    }
}
