/// Reads Message-ID, In-Reply-To and References fields (RFC 5322 section 3.6.4).
///
/// Identifiers are returned without their angle brackets, like ``MailMessage/messageID``. Leniencies: whitespace,
/// line breaks and comments inside the brackets (obsolete syntax) are removed, text between identifiers (such as an
/// old `In-Reply-To: <id> (John's message of …)`) is ignored, and a field without any brackets is read as
/// whitespace-separated identifiers that contain an `@`.
public enum InboundMessageIDParser {
    /// The identifiers in `value`, in order, each once.
    public static func parse(_ value: String) -> [String] {
        var identifiers: [String] = []
        var seen = Set<String>()
        func add(_ identifier: String) {
            if !identifier.isEmpty, identifier.utf8.count <= 998, seen.insert(identifier).inserted {
                identifiers.append(identifier)
            }
        }
        var scanner = HeaderValueScanner(value)
        var sawBracket = false
        while let scalar = scanner.current {
            if scalar == "(" {
                _ = scanner.readComment()
            } else if scalar == "\"" {
                _ = scanner.readQuotedString()
            } else if scalar == "<" {
                sawBracket = true
                scanner.advance()
                var identifier = String.UnicodeScalarView()
                while let inner = scanner.current, inner != ">", inner != "<" {
                    if inner == "(" {
                        _ = scanner.readComment()
                        continue
                    }
                    if inner != " " && inner != "\t" && inner != "\r" && inner != "\n" && inner != "\"" {
                        identifier.append(inner)
                    }
                    scanner.advance()
                }
                if scanner.current == ">" {
                    scanner.advance()
                }
                add(String(identifier))
            } else {
                scanner.advance()
            }
        }
        if !sawBracket {
            for word in value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," || $0 == "\n" })
            where word.contains("@") {
                add(String(word))
            }
        }
        return identifiers
    }
}

extension InboundMessageIDParser {
    /// Whether a Return-Path value is the null reverse path `<>` (spaces and comments allowed inside).
    static func isNullPath(_ value: String) -> Bool {
        var scanner = HeaderValueScanner(value)
        var text = String.UnicodeScalarView()
        while let scalar = scanner.current {
            if scalar == "(" {
                _ = scanner.readComment()
                continue
            }
            if scalar != " " && scalar != "\t" {
                text.append(scalar)
            }
            scanner.advance()
        }
        return String(text) == "<>"
    }
}
