/// Writes parsed Markdown blocks as HTML, or as plain text. Every character of the source reaches the output escaped;
/// the only markup is the writer's own.
struct MarkdownHTMLWriter {
    enum Mode { case html, plain }

    let mode: Mode

    static func appendEscaped(_ scalar: Unicode.Scalar, to out: inout String) {
        switch scalar {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.unicodeScalars.append(scalar)
        }
    }

    private func text(_ value: some StringProtocol, into out: inout String) {
        if mode == .plain {
            out += value
        } else {
            for scalar in value.unicodeScalars { Self.appendEscaped(scalar, to: &out) }
        }
    }

    private func tag(_ markup: String, into out: inout String) {
        if mode == .html { out += markup }
    }

    private func inline(_ source: String, into out: inout String) {
        MarkdownInlineRenderer(mode: mode).render(source, into: &out)
    }

    func write(_ blocks: [MarkdownBlock], into out: inout String) {
        for block in blocks { write(block, into: &out) }
    }

    private func write(_ block: MarkdownBlock, into out: inout String) {
        switch block {
        case .paragraph(let source):
            tag("<p>", into: &out)
            inline(source, into: &out)
            tag("</p>", into: &out)
            out += "\n"
        case .heading(let level, let source):
            tag("<h\(level)>", into: &out)
            inline(source, into: &out)
            tag("</h\(level)>", into: &out)
            out += "\n"
        case .code(let language, let code):
            tag(language.map { "<pre><code class=\"language-\($0)\">" } ?? "<pre><code>", into: &out)
            text(code, into: &out)
            tag("</code></pre>", into: &out)
            out += "\n"
        case .quote(let inner):
            tag("<blockquote>\n", into: &out)
            write(inner, into: &out)
            tag("</blockquote>\n", into: &out)
        case .list(let ordered, let start, let items):
            tag(ordered ? (start == 1 ? "<ol>\n" : "<ol start=\"\(start)\">\n") : "<ul>\n", into: &out)
            for item in items {
                tag("<li>", into: &out)
                if mode == .plain { out += "- " }
                // An item of one paragraph shows without the paragraph's margins.
                if item.count == 1, case .paragraph(let source) = item[0] {
                    inline(source, into: &out)
                    if mode == .plain { out += "\n" }
                } else {
                    if mode == .html { out += "\n" }
                    write(item, into: &out)
                }
                tag("</li>\n", into: &out)
            }
            tag(ordered ? "</ol>\n" : "</ul>\n", into: &out)
        case .table(let header, let alignments, let rows):
            tag("<div class=\"md-table\"><table>\n<thead><tr>", into: &out)
            func cells(_ values: [String], element: String) {
                for (index, value) in values.enumerated() {
                    let alignment = index < alignments.count ? alignments[index] : .none
                    switch alignment {
                    case .none: tag("<\(element)>", into: &out)
                    case .left: tag("<\(element) class=\"md-left\">", into: &out)
                    case .center: tag("<\(element) class=\"md-center\">", into: &out)
                    case .right: tag("<\(element) class=\"md-right\">", into: &out)
                    }
                    inline(value, into: &out)
                    tag("</\(element)>", into: &out)
                    if mode == .plain { out += index + 1 < values.count ? " | " : "\n" }
                }
            }
            cells(header, element: "th")
            tag("</tr></thead>\n<tbody>\n", into: &out)
            for row in rows {
                tag("<tr>", into: &out)
                cells(row, element: "td")
                tag("</tr>\n", into: &out)
            }
            tag("</tbody>\n</table></div>\n", into: &out)
        case .rule:
            tag("<hr>\n", into: &out)
        }
    }
}
