/// One header field of an inbound message or MIME part, as received.
public struct InboundHeaderField: Sendable, Hashable {
    /// The field name as written, e.g. `Subject` or `X-Parc-Loop`; compare names without case.
    public var name: String
    /// The value unfolded (line breaks that continue the field removed) and trimmed, with any raw 8-bit bytes read
    /// as UTF-8 (or Windows-1252 when not valid UTF-8) and control characters replaced by spaces. Encoded-words are
    /// left as they are; see ``text``.
    public var value: String

    /// Creates a field.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// The value as readable text: RFC 2047 encoded-words decoded, then made one clean line (no control
    /// characters, single spaces). Use it for unstructured fields such as Subject or Comments.
    public var text: String {
        EncodedWordDecoder.decode(value)
    }

    /// Whether the field is called `name`, compared without case.
    public func hasName(_ name: String) -> Bool {
        self.name.utf8.count == name.utf8.count && self.name.asciiLowercased == name.asciiLowercased
    }
}
