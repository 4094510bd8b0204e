/// Rules for text that goes into a header field value (subjects, display names, extra header values).
enum HeaderText {
    /// Longest unbreakable ASCII run kept as-is; longer runs are encoded so no line nears the 998-octet limit.
    static let longestPlainToken = 900

    /// What makes `text` unusable in a header, or nil when it is fine.
    ///
    /// CR and LF would end the header line and let the rest of the value inject fields or a body; the other C0
    /// controls and DEL are invalid in headers and have no legitimate use in Parc's values, so they are refused too.
    static func problem(with text: String) -> String? {
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0D, 0x0A:
                return "it contains a line break (CR or LF), which could inject header fields"
            case 0x09:
                continue
            case 0x00..<0x20, 0x7F:
                return "it contains the control character U+\(String(scalar.value, radix: 16, uppercase: true))"
            default:
                continue
            }
        }
        return nil
    }

    /// Whether `text` must be sent as RFC 2047 encoded-words rather than as it is.
    ///
    /// Plain ASCII that merely looks like an encoded-word (`=?`) is encoded too, so a reader never decodes text the
    /// sender did not encode.
    static func needsEncoding(_ text: String) -> Bool {
        if !text.unicodeScalars.allSatisfy(\.isASCII) || text.contains("=?") {
            return true
        }
        return text.split(separator: " ").contains { $0.utf8.count > longestPlainToken }
    }
}
