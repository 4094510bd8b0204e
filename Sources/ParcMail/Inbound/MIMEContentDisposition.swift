/// A Content-Disposition field (RFC 2183): whether a part is shown inline or offered as an attachment, and its
/// filename.
public struct MIMEContentDisposition: Sendable, Hashable {
    /// The disposition type, lowercased: `inline`, `attachment`, or another token a sender used.
    public var kind: String
    /// The parameters by lowercased name, RFC 2231 sections joined and decoded.
    public var parameters: [String: String]

    /// Creates a disposition; `kind` is lowercased.
    public init(kind: String, parameters: [String: String] = [:]) {
        self.kind = kind.asciiLowercased
        self.parameters = parameters
    }

    /// Reads a Content-Disposition value such as `attachment; filename*=UTF-8''devis%20n%C2%B01.pdf`. A value
    /// without a disposition type (`; filename=a.pdf`, seen in the wild) is read as `attachment`.
    public init(parsing value: String) {
        var scanner = HeaderValueScanner(value)
        scanner.skipWhitespaceAndComments()
        let kind = scanner.read(while: HeaderValueScanner.isTokenCharacter)
        self.init(kind: kind.isEmpty ? "attachment" : kind, parameters: MIMEParameters.parse(&scanner))
    }

    /// Whether the sender marked the part as an attachment.
    public var isAttachment: Bool { kind == "attachment" }

    /// Whether the sender marked the part as inline.
    public var isInline: Bool { kind == "inline" }

    /// The `filename` parameter as sent (not sanitised).
    public var filename: String? { parameters["filename"] }
}
