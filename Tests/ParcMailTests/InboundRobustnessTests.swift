import Foundation
import Testing

@testable import ParcMail

/// Fuzz-style robustness: deterministic truncations, byte flips, deletions and duplications of every fixture. Each
/// mutant either parses into a message that keeps the invariants (no control characters in text, inert Markdown,
/// safe filenames) or is refused with an ``InboundMailError``; nothing crashes or hangs.
struct InboundRobustnessTests {
    /// 300 by default; set PARC_MAIL_FUZZ_ROUNDS for a longer run.
    static let mutationsPerFixture =
        ProcessInfo.processInfo.environment["PARC_MAIL_FUZZ_ROUNDS"].flatMap(Int.init) ?? 300

    /// Bytes that matter to the parsers: line ends, NUL, MIME and header syntax, invalid and partial UTF-8.
    static let interestingBytes: [UInt8] = [
        0x00, 0x0D, 0x0A, 0x09, 0x20, 0x2D, 0x3D, 0x3F, 0x3C, 0x3E, 0x22, 0x3B, 0x3A, 0x5C, 0x28, 0x29, 0x26, 0x23,
        0x7F, 0x80, 0xC2, 0xC3, 0xE2, 0xFF,
    ]

    @Test("truncated and corrupted fixtures never crash", arguments: InboundFixture.names)
    func mutations(fixture: String) throws {
        let original = try InboundFixture.bytes(fixture)
        var generator = SeededGenerator(seed: UInt64(fixture.utf8.reduce(5381) { ($0 &* 33) &+ UInt64($1) }))
        var parsed = 0
        var refused = 0
        for round in 0..<Self.mutationsPerFixture {
            let mutant = Self.mutate(original, round: round, using: &generator)
            do {
                let message = try InboundMessageParser().parse(mutant)
                InboundInvariants.check(message)
                _ = InboundFixture.classifier.classify(message)
                _ = InboundFixture.finder.find(in: message)
                _ = InboundBounceReport.read(from: message)
                parsed += 1
            } catch {
                #expect(!error.description.isEmpty)
                refused += 1
            }
        }
        #expect(parsed + refused == Self.mutationsPerFixture)
        // Most damage is repaired rather than refused.
        #expect(parsed > Self.mutationsPerFixture / 2, "\(fixture): only \(parsed) of the mutants parsed")
    }

    @Test("every prefix of a multipart fixture parses or is refused cleanly")
    func everyPrefix() throws {
        let original = try InboundFixture.bytes("apple-mail-inline-image")
        for length in stride(from: 0, through: original.count, by: 7) {
            do {
                InboundInvariants.check(try InboundMessageParser().parse(Array(original.prefix(length))))
            } catch {
                #expect(error == .empty || error == .noHeaderFields)
            }
        }
    }

    @Test("the field readers take random strings of syntax characters without crashing")
    func fieldReaders() {
        var generator = SeededGenerator(seed: 2026)
        let alphabet = Array("<>@,;:.\"()[]\\=?_ \t\r\nabcQB-#&/é€\u{0}\u{202E}0123456789")
        for _ in 0..<3_000 {
            let length = Int.random(in: 0...80, using: &generator)
            let text = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
            _ = EncodedWordDecoder.decode(text)
            _ = InboundAddressParser.parse(text)
            _ = InboundDateParser.parse(text)
            _ = InboundMessageIDParser.parse(text)
            _ = MIMEContentType(parsing: text)
            _ = MIMEContentDisposition(parsing: "attachment; " + text).filename
            _ = TicketSubjectTag.default.references(in: text)
            _ = ParcMessageID(parsing: text, domains: ["parc.example.org"])
            let markdown = HTMLTextConverter.markdown(fromHTML: text)
            #expect(!markdown.contains("<"))
            let name = AttachmentFilename.sanitize(text, contentType: .defaultText)
            #expect(!name.isEmpty && !name.contains("/") && !name.contains("\\"))
        }
    }

    static func mutate(_ bytes: [UInt8], round: Int, using generator: inout SeededGenerator) -> [UInt8] {
        var mutant = bytes
        guard !mutant.isEmpty else {
            return mutant
        }
        func position() -> Int {
            Int.random(in: 0..<mutant.count, using: &generator)
        }
        switch round % 6 {
        case 0:
            mutant = Array(mutant.prefix(position()))
        case 1:
            for _ in 0..<Int.random(in: 1...16, using: &generator) {
                mutant[position()] = UInt8.random(in: 0...255, using: &generator)
            }
        case 2:
            for _ in 0..<Int.random(in: 1...16, using: &generator) {
                mutant[position()] = interestingBytes.randomElement(using: &generator)!
            }
        case 3:
            let start = position()
            let end = min(mutant.count, start + Int.random(in: 1...200, using: &generator))
            mutant.removeSubrange(start..<end)
        case 4:
            let start = position()
            let end = min(mutant.count, start + Int.random(in: 1...300, using: &generator))
            mutant.insert(contentsOf: mutant[start..<end], at: position())
        default:
            // A line of the message repeated elsewhere: stray boundaries, headers inside bodies, quotes.
            let lines = mutant.split(separator: 0x0A, omittingEmptySubsequences: false)
            if let line = lines.randomElement(using: &generator) {
                mutant.insert(contentsOf: Array(line) + [0x0A], at: position())
            }
            mutant[position()] = 0x0A
        }
        return mutant
    }
}
