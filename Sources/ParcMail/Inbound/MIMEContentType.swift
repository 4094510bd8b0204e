/// A MIME media type with its parameters, as read from a Content-Type field (RFC 2045 section 5).
public struct MIMEContentType: Sendable, Hashable, CustomStringConvertible {
    /// The top-level type, lowercased: `text`, `multipart`, `image` …
    public var type: String
    /// The subtype, lowercased: `plain`, `mixed`, `png` …
    public var subtype: String
    /// The parameters by lowercased name, RFC 2231 sections joined and decoded.
    public var parameters: [String: String]

    /// Creates a content type; `type` and `subtype` are lowercased.
    public init(type: String, subtype: String, parameters: [String: String] = [:]) {
        self.type = type.asciiLowercased
        self.subtype = subtype.asciiLowercased
        self.parameters = parameters
    }

    /// Reads a Content-Type value such as `text/plain; charset="iso-8859-1"`; nil when it has no `type/subtype`.
    public init?(parsing value: String) {
        var scanner = HeaderValueScanner(value)
        scanner.skipWhitespaceAndComments()
        let type = scanner.read(while: HeaderValueScanner.isTokenCharacter)
        scanner.skipWhitespaceAndComments()
        guard !type.isEmpty, scanner.current == "/" else {
            return nil
        }
        scanner.advance()
        scanner.skipWhitespaceAndComments()
        let subtype = scanner.read(while: HeaderValueScanner.isTokenCharacter)
        guard !subtype.isEmpty else {
            return nil
        }
        self.init(type: type, subtype: subtype, parameters: MIMEParameters.parse(&scanner))
    }

    /// `text/plain; charset=us-ascii`, the type of a part without a Content-Type (RFC 2045 section 5.2).
    public static let defaultText = MIMEContentType(type: "text", subtype: "plain", parameters: ["charset": "us-ascii"])

    /// `message/rfc822`, the default type inside a `multipart/digest` (RFC 2046 section 5.1.5).
    public static let message = MIMEContentType(type: "message", subtype: "rfc822")

    /// `type/subtype`, e.g. `text/html`.
    public var mimeType: String { type + "/" + subtype }

    /// Whether this is `type/subtype` (compared without case).
    public func `is`(_ type: String, _ subtype: String) -> Bool {
        self.type == type.asciiLowercased && self.subtype == subtype.asciiLowercased
    }

    /// Whether the top-level type is `multipart`.
    public var isMultipart: Bool { type == "multipart" }

    /// The `charset` parameter.
    public var charset: String? { parameters["charset"] }

    /// The `boundary` parameter of a multipart.
    public var boundary: String? { parameters["boundary"] }

    /// `type/subtype` followed by the parameters, sorted by name, as `; name="value"`.
    public var description: String {
        parameters.keys.sorted().reduce(mimeType) { text, name in
            text + "; \(name)=\"\(parameters[name]!.replacingBackslashesAndQuotes())\""
        }
    }
}

extension String {
    fileprivate func replacingBackslashesAndQuotes() -> String {
        var result = ""
        for character in self {
            if character == "\\" || character == "\"" {
                result.append("\\")
            }
            result.append(character)
        }
        return result
    }
}
