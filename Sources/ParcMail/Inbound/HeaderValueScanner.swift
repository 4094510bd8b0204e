/// A cursor over a structured header value (RFC 5322 section 3.2): tokens, quoted-strings, comments and whitespace.
///
/// Shared by the Content-Type, Content-Disposition and Message-ID readers. Everything is bounded by the value's
/// length (itself bounded by ``InboundMailLimits/maximumHeaderFieldLength``), and comments nest at most 32 deep;
/// deeper ones are read as text.
struct HeaderValueScanner {
    let scalars: [Unicode.Scalar]
    var position = 0

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    var isAtEnd: Bool { position >= scalars.count }
    var current: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    mutating func advance() {
        position += 1
    }

    /// Skips whitespace and comments; returns the text of the comments skipped, for callers that use them
    /// (an old-style `user@example.org (Display Name)`).
    @discardableResult
    mutating func skipWhitespaceAndComments() -> [String] {
        var comments: [String] = []
        while let scalar = current {
            if scalar == " " || scalar == "\t" || scalar == "\r" || scalar == "\n" {
                advance()
            } else if scalar == "(" {
                comments.append(readComment())
            } else {
                break
            }
        }
        return comments
    }

    /// Reads a comment starting at `(`, nested ones included, to its closing `)` or the end; returns its text.
    mutating func readComment() -> String {
        var depth = 0
        var text = String.UnicodeScalarView()
        while let scalar = current {
            advance()
            switch scalar {
            case "(":
                depth += 1
                if depth > 1 {
                    text.append(scalar)
                }
            case ")":
                depth -= 1
                if depth == 0 {
                    return String(text)
                }
                text.append(scalar)
            case "\\":
                if let escaped = current {
                    text.append(escaped)
                    advance()
                }
            default:
                text.append(scalar)
            }
        }
        return String(text)
    }

    /// Reads a quoted-string starting at `"` to its closing quote (or the end), unescaping backslashes.
    mutating func readQuotedString() -> String {
        var text = String.UnicodeScalarView()
        advance()
        while let scalar = current {
            advance()
            if scalar == "\"" {
                break
            }
            if scalar == "\\", let escaped = current {
                text.append(escaped)
                advance()
                continue
            }
            text.append(scalar)
        }
        return String(text)
    }

    /// Reads characters while `accept` holds.
    mutating func read(while accept: (Unicode.Scalar) -> Bool) -> String {
        let start = position
        while let scalar = current, accept(scalar) {
            advance()
        }
        return String(String.UnicodeScalarView(scalars[start..<position]))
    }

    /// RFC 2045 `token` characters: printable ASCII except space and tspecials; non-ASCII is accepted too, as
    /// sloppy writers put raw UTF-8 in parameter values.
    static func isTokenCharacter(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value > 0x7E {
            return scalar.value >= 0xA0
        }
        if scalar.value <= 0x20 {
            return false
        }
        return !"()<>@,;:\\\"/[]?=".unicodeScalars.contains(scalar)
    }
}
