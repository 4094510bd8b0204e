import Foundation

/// The tag that carries a ticket's reference in mail subjects, such as `[Parc #2026-00042]`, built from a
/// configurable template.
///
/// The template holds the text around the reference with `{reference}` where it goes: the default is
/// `[Parc #{reference}]`; `[#{reference}]`, `[Support #{reference}]` or `(Ticket {reference})` work the same way. A
/// label (`Parc`) keeps Parc's tag apart from the `[#12345]` tags of other helpdesks a conversation may cross.
///
/// Finding is lenient where people and mail clients are careless: letters compare without case, and a space in
/// the template matches any run of spaces, or none (`[parc#2026-00042]`). The reference must have
/// ``TicketReferenceSyntax``.
public struct TicketSubjectTag: Sendable, Hashable {
    /// Where the reference goes in a template.
    public static let placeholder = "{reference}"

    /// The template, e.g. `[Parc #{reference}]`.
    public let template: String
    private let prefix: [Character]
    private let suffix: [Character]

    /// The default tag, `[Parc #{reference}]`.
    public static let `default` = try! TicketSubjectTag(template: "[Parc #{reference}]")

    /// Creates a tag from `template`, which must contain `{reference}` once, some visible text before it (so the
    /// tag cannot match any word), no line breaks or control characters, and at most 64 characters.
    public init(template: String) throws(TicketReferenceError) {
        let parts = template.components(separatedBy: Self.placeholder)
        guard parts.count == 2 else {
            throw .invalidTemplate(template, reason: "it must contain \(Self.placeholder) exactly once")
        }
        guard template.count <= 64 else {
            throw .invalidTemplate(template, reason: "it is longer than 64 characters")
        }
        guard !template.unicodeScalars.contains(where: InboundText.isControl) else {
            throw .invalidTemplate(template, reason: "it contains a line break or control character")
        }
        let prefix = String(parts[0].trimmed(where: { $0 == " " }).isEmpty ? "" : parts[0])
        guard !prefix.isEmpty else {
            throw .invalidTemplate(template, reason: "it needs text before \(Self.placeholder), such as \"[Parc #\"")
        }
        if let last = prefix.unicodeScalars.last, TicketReferenceSyntax.isReferenceCharacter(last) {
            throw .invalidTemplate(
                template, reason: "the text before \(Self.placeholder) must end with a space or a sign such as '#'")
        }
        if let first = parts[1].unicodeScalars.first, TicketReferenceSyntax.isReferenceCharacter(first) {
            throw .invalidTemplate(
                template, reason: "the text after \(Self.placeholder) must start with a space or a sign such as ']'")
        }
        self.template = template
        self.prefix = Array(prefix.lowercased())
        self.suffix = Array(parts[1].lowercased())
    }

    /// The tag for `reference`, e.g. `[Parc #2026-00042]`.
    public func tag(for reference: String) throws(TicketReferenceError) -> String {
        guard TicketReferenceSyntax.isValid(reference) else {
            throw .invalidReference(reference)
        }
        return template.replacingOccurrences(of: Self.placeholder, with: reference)
    }

    /// `subject` with the tag for `reference` in front, unless the subject already carries it (a reply keeps its
    /// `Re:` and one tag).
    public func subject(_ subject: String, taggedWith reference: String) throws(TicketReferenceError) -> String {
        let tag = try tag(for: reference)
        if references(in: subject).contains(where: { $0.asciiLowercased == reference.asciiLowercased }) {
            return subject
        }
        return subject.isEmpty ? tag : tag + " " + subject
    }

    /// The references tagged in `subject`, in order.
    public func references(in subject: String) -> [String] {
        matches(in: subject).map(\.reference)
    }

    /// A title for a ticket made from `subject`: reply and forward prefixes (`Re:`, `RE :`, `Fwd:`, `TR:`, `AW:`,
    /// `Re[2]:` …) and this tag removed, spaces collapsed. Empty when nothing is left.
    public func title(fromSubject subject: String) -> String {
        let characters = Array(subject)
        var kept: [Character] = []
        var index = 0
        for match in matches(in: subject) {
            kept += characters[index..<match.range.lowerBound]
            kept.append(" ")
            index = match.range.upperBound
        }
        kept += characters[index...]
        var title = InboundText.singleLine(String(kept))
        while let rest = Self.droppingReplyPrefix(title) {
            title = rest
        }
        return title
    }

    /// Reply and forward prefixes in the languages of Parc's users and of the major clients.
    private static let replyPrefixes = [
        "re", "fw", "fwd", "tr", "aw", "wg", "sv", "vs", "antw", "rif", "r", "i", "ref", "réf", "rép", "enc", "rv",
    ]

    /// `title` without one leading prefix, or nil when it has none.
    private static func droppingReplyPrefix(_ title: String) -> String? {
        let word = title.prefix { $0.isLetter }
        guard !word.isEmpty, replyPrefixes.contains(word.lowercased()) else {
            return nil
        }
        var rest = title.dropFirst(word.count)
        // A count: "Re[2]:", "Re(2):".
        if let open = rest.first, open == "[" || open == "(" {
            let digits = rest.dropFirst().prefix { $0.isNumber }
            let closing: Character = open == "[" ? "]" : ")"
            guard !digits.isEmpty, rest.dropFirst(1 + digits.count).first == closing else {
                return nil
            }
            rest = rest.dropFirst(2 + digits.count)
        }
        rest = rest.drop { $0 == " " }
        guard rest.first == ":" else {
            return nil
        }
        return String(rest.dropFirst().trimmed())
    }

    /// Each tag in `subject`: the reference and the range of the whole tag, in characters.
    private func matches(in subject: String) -> [(reference: String, range: Range<Int>)] {
        let characters = Array(subject.lowercased())
        let original = Array(subject)
        // Lowercasing can change the length (rare ligatures); fall back to the original case then.
        let source = characters.count == original.count ? original : characters
        var found: [(reference: String, range: Range<Int>)] = []
        var index = 0
        while index < characters.count {
            if let afterPrefix = match(prefix, in: characters, at: index) {
                var end = afterPrefix
                while end < characters.count, end - afterPrefix < TicketReferenceSyntax.maximumLength + 1,
                    let scalar = characters[end].unicodeScalars.first, characters[end].unicodeScalars.count == 1,
                    TicketReferenceSyntax.isReferenceCharacter(scalar)
                {
                    end += 1
                }
                var referenceEnd = end
                while referenceEnd > afterPrefix && characters[referenceEnd - 1] == "-" {
                    referenceEnd -= 1
                }
                let reference = String(source[afterPrefix..<referenceEnd])
                if TicketReferenceSyntax.isValid(reference), referenceEnd == end,
                    let afterSuffix = match(suffix, in: characters, at: end)
                {
                    found.append((reference, index..<afterSuffix))
                    index = afterSuffix
                    continue
                }
            }
            index += 1
        }
        return found
    }

    /// The index after `pattern` matched at `start`, a space in the pattern matching any run of spaces or none.
    private func match(_ pattern: [Character], in characters: [Character], at start: Int) -> Int? {
        var position = start
        for character in pattern {
            if character == " " {
                while position < characters.count && (characters[position] == " " || characters[position] == "\u{A0}") {
                    position += 1
                }
                continue
            }
            guard position < characters.count, characters[position] == character else {
                return nil
            }
            position += 1
        }
        return position
    }
}
