import Foundation
import Testing

/// What Python's standard email package reads from a stored message (Fixtures/decode_message.py): an independent
/// check of the encoding, not the library checking itself.
struct DecodedMessage: Decodable {
    struct Mailbox: Decodable, Equatable {
        var name: String
        var address: String
    }

    var subject: String?
    var from: [Mailbox]
    var to: [Mailbox]
    var cc: [Mailbox]
    var replyTo: [Mailbox]
    var headerNames: [String]
    var contentType: String
    var text: String?
    var html: String?
    var extra: [String: String]
    var defects: [String]

    static func decode(_ file: URL) throws -> DecodedMessage {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: SMTPFixtureServer.python)
        process.arguments = [try SMTPFixtureServer.fixturePath("decode_message", "py"), file.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "decode_message.py failed on \(file.path)")
        return try JSONDecoder().decode(DecodedMessage.self, from: data)
    }
}

extension String {
    /// The text with CRLF turned into LF, for comparing decoded bodies with the source text.
    var withUnixLineEndings: String {
        replacingOccurrences(of: "\r\n", with: "\n")
    }
}
