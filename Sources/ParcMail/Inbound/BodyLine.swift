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

    /// Lines of plain text (LF-separated), with quotation depth read from leading `>` characters (`>>`, `> >`).
    static func lines(fromPlainText text: String) -> [BodyLine] {
        text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { rawLine in
            let (depth, contentStart) = quotation(of: rawLine)
            let content = rawLine[contentStart...]
            var end = content.endIndex
            while end > content.startIndex,
                content[content.index(before: end)] == 0x20 || content[content.index(before: end)] == 0x09
            {
                end = content.index(before: end)
            }
            var escaper = MarkdownEscaper()
            let markdown =
                end == content.startIndex ? "" : escaper.escape(String(decoding: content[..<end], as: UTF8.self))
            return BodyLine(
                depth: depth, plain: String(decoding: content, as: UTF8.self), markdown: markdown,
                raw: String(decoding: rawLine, as: UTF8.self))
        }
    }

    /// The quotation depth of a line and where its content starts (after the `>`s and one space).
    static func quotation(of line: Substring.UTF8View.SubSequence) -> (Int, Substring.UTF8View.Index) {
        var depth = 0
        var index = line.startIndex
        while index < line.endIndex {
            if line[index] == UInt8(ascii: ">") {
                depth += 1
                index = line.index(after: index)
            } else if line[index] == 0x20, line.index(after: index) < line.endIndex,
                line[line.index(after: index)] == UInt8(ascii: ">")
            {
                index = line.index(after: index)
            } else {
                break
            }
        }
        if depth > 0 && index < line.endIndex && line[index] == 0x20 {
            index = line.index(after: index)
        }
        return (depth, index)
    }
}
