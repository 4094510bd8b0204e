/// Makes text literal in Markdown, so a message body can be stored as a ticket description and rendered without
/// its sender's characters becoming markup.
///
/// What could become active markup is written as a character reference, which every Markdown renderer — CommonMark
/// or not — shows as the character itself: `<` and `>` (raw HTML, autolinks), `[` and `]` (links, images, reference
/// definitions) and `&` (references). Formatting characters are backslash-escaped (`\`, `` ` ``, `*`, `_`, `~`,
/// `|`), as are the characters that would start a block at the beginning of a line (`#`, `-`, `+`, `=`, `1.`).
/// One escaper follows one line at a time; the line-start rules need its state.
struct MarkdownEscaper {
    private var atLineStart = true
    private var inLeadingDigits = false

    /// Starts a new line.
    mutating func startLine() {
        atLineStart = true
        inLeadingDigits = false
    }

    /// Marks the line as started (after a structural prefix the caller wrote, such as a list marker), so the
    /// line-start rules no longer apply.
    mutating func continueLine() {
        atLineStart = false
        inLeadingDigits = false
    }

    /// `text` escaped, continuing the current line.
    mutating func escape(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            append(scalar, to: &output)
        }
        return output
    }

    /// Appends `scalar` escaped to `output`.
    mutating func append(_ scalar: Unicode.Scalar, to output: inout String) {
        let wasAtLineStart = atLineStart
        if atLineStart && (scalar == " " || scalar == "\t") {
            output.unicodeScalars.append(scalar)
            return
        }
        atLineStart = false
        let isDigit = ("0"..."9").contains(scalar)
        if wasAtLineStart && isDigit {
            inLeadingDigits = true
        } else if inLeadingDigits && !isDigit {
            inLeadingDigits = false
            if scalar == "." || scalar == ")" {
                output += "\\"
                output.unicodeScalars.append(scalar)
                return
            }
        }
        switch scalar {
        case "<": output += "&lt;"
        case ">": output += "&gt;"
        case "[": output += "&#91;"
        case "]": output += "&#93;"
        case "&": output += "&amp;"
        case "\\", "`", "*", "_", "~", "|":
            output += "\\"
            output.unicodeScalars.append(scalar)
        case "#", "-", "+", "=":
            if wasAtLineStart {
                output += "\\"
            }
            output.unicodeScalars.append(scalar)
        default:
            output.unicodeScalars.append(scalar)
        }
    }
}
