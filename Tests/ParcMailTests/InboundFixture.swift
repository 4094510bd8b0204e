import Foundation
import Testing

@testable import ParcMail

/// The real-world-shaped messages in InboundFixtures/, written for these tests.
enum InboundFixture {
    static let names = [
        "thunderbird-flowed", "outlook-reply", "gmail-html-only", "apple-mail-inline-image", "french-encoded-words",
        "latin1-quoted-printable", "rfc2231-attachment", "bounce-delivery-status", "vacation-auto-reply",
        "mailing-list", "reply-with-reference", "hostile-html",
    ]

    static func bytes(_ name: String) throws -> [UInt8] {
        let url = Bundle.module.url(forResource: name, withExtension: "eml", subdirectory: "InboundFixtures")
        let found = try #require(url, "fixture \(name).eml is missing from the test bundle")
        return Array(try Data(contentsOf: found))
    }

    static func message(_ name: String, limits: InboundMailLimits = .default) throws -> InboundMessage {
        try InboundMessageParser(limits: limits).parse(bytes(name))
    }

    /// The classifier as a Parc installation at parc.example.org would configure it.
    static let classifier = InboundMailClassifier(
        configuration: .init(
            instanceID: "parc-7f3a9c", ownAddresses: ["support@parc.example.org"],
            messageIDDomains: ["parc.example.org"]))

    static let finder = TicketReferenceFinder(messageIDDomains: ["parc.example.org"])

    /// 2025-06-02 12:21:05 UTC and friends, from their RFC 3339 form.
    static func date(_ text: String) -> Date {
        ISO8601DateFormatter().date(from: text)!
    }
}
