import Foundation
import Testing
@testable import ParcMail

struct ZZDebugDump {
    func time(_ label: String, _ body: () throws -> Void) rethrows {
        let start = Date()
        try body()
        print(label, String(format: "%.2f", Date().timeIntervalSince(start)))
    }
    @Test func profile() throws {
        let line = [UInt8](repeating: 0x61, count: 10 * 1024 * 1024)
        let header = Array("From: a@example.org\nSubject: x\n".utf8)
        let bytes = header + [0x0A] + line
        try time("parse plain") { _ = try InboundMessageParser().parse(bytes) }
        var notes: [InboundParseNote] = []
        try time("header") { _ = try InboundHeaderBlockParser(limits: .default).parse(bytes, in: 0..<bytes.count, part: "", notes: &notes) }
        time("decode") { _ = MailCharset.decode(line, charset: "utf-8") }
        let text = String(decoding: line, as: UTF8.self)
        time("normalize") { _ = InboundText.normalizedBody(text) }
        var lines: [BodyLine] = []
        time("lines") { lines = BodyLine.lines(fromPlainText: text) }
        time("plainText") { _ = BodyLine.plainText(lines) }
        time("markdown") { _ = BodyLine.markdown(lines) }
        time("strip") { _ = ReplyQuoteStripper.newLines(in: lines, isForward: false) }
        time("mime") { var p = InboundMIMEParser(limits: .default); _ = try? p.parseEntity(bytes, headers: InboundHeaderFields(), body: 32..<bytes.count, number: "", depth: 0, defaultType: .defaultText) }
        let encoded = Array(Data(line).base64EncodedString().utf8)
        time("base64") { _ = TransferDecoding.base64(encoded) }
        time("qp") { _ = TransferDecoding.quotedPrintable(line) }
        time("html") { _ = HTMLTextConverter.lines(fromHTML: text) }
    }
}
