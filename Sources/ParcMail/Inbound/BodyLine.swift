/// One line of a message body, as the body extractor, the HTML converter and the reply stripper see it: its quoting
/// depth and its content as plain text and as inert Markdown.
struct BodyLine: Hashable {
    /// How many levels of quotation (`>` or `<blockquote>`) the line is in.
    var depth: Int
    /// The content without the quotation prefix.
    var plain: String
    /// The content as Markdown in which every character of the sender's text is literal (see ``MarkdownEscaper``);
    /// only structure the converter added (list markers, headings, links to http, https and mailto) is markup.
    var markdown: String
    /// For a plain-text source, the line exactly as received (quotation prefix included).
    var raw: String?

    var isBlank: Bool {
        plain.allSatisfy { $0 == " " || $0 == "\t" }
    }

    /// The deepest quotation that is rendered; deeper lines are shown at this depth, so hostile nesting cannot make
    /// the output grow with the square of its size.
    static let deepestRenderedDepth = 10

    /// Plain text: each line with its `>` prefix, joined by LF.
    static func plainText(_ lines: [BodyLine]) -> String {
        lines.map { line in
            if let raw = line.raw {
                return raw
            }
            guard line.depth > 0 else {
                return line.plain
            }
            let prefix = String(repeating: ">", count: min(line.depth, deepestRenderedDepth))
            return line.isBlank ? prefix : prefix + " " + line.plain
        }.joined(separator: "\n")
    }

    /// Markdown: consecutive lines of a paragraph joined by hard breaks (two trailing spaces), so the line breaks
    /// the sender typed survive; quotation as `> ` prefixes, with a blank line wherever the depth changes so a
    /// quoted paragraph never swallows the next line.
    static func markdown(_ lines: [BodyLine]) -> String {
        var output: [String] = []
        for (index, line) in lines.enumerated() {
            let depth = min(line.depth, deepestRenderedDepth)
            let prefix = String(repeating: "> ", count: depth)
            if index > 0 && min(lines[index - 1].depth, deepestRenderedDepth) != depth && !lines[index - 1].isBlank
                && !line.isBlank
            {
                output.append("")
            }
            if line.isBlank || line.markdown.isEmpty {
                output.append(String(prefix.dropLast()))
                continue
            }
            var text = prefix + line.markdown
            if index + 1 < lines.count, !lines[index + 1].isBlank,
                min(lines[index + 1].depth, deepestRenderedDepth) == depth
            {
                text += "  "
            }
            output.append(text)
        }
        return output.joined(separator: "\n")
    }

    /// Lines of plain text (LF-separated), with quotation depth read from leading `>` characters.
    static func lines(fromPlainText text: String) -> [BodyLine] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { rawLine in
            var depth = 0
            var rest = rawLine[...]
            while true {
                if rest.first == ">" {
                    depth += 1
                    rest = rest.dropFirst()
                } else if rest.first == " " && rest.dropFirst().first == ">" {
                    rest = rest.dropFirst()
                } else {
                    break
                }
            }
            if depth > 0 && rest.first == " " {
                rest = rest.dropFirst()
            }
            let content = String(rest)
            var escaper = MarkdownEscaper()
            let trimmedEnd = content.trimmed(where: { $0 == " " || $0 == "\t" })
            let leading = content.prefix { $0 == " " || $0 == "\t" }
            return BodyLine(
                depth: depth, plain: content,
                markdown: trimmedEnd.isEmpty ? "" : String(leading) + escaper.escape(String(trimmedEnd)),
                raw: String(rawLine))
        }
    }
}
