/// A block of a Markdown text, as ``MarkdownBlockParser`` reads it. Inline text stays Markdown until it is written.
enum MarkdownBlock: Equatable, Sendable {
    enum Alignment: Equatable, Sendable { case none, left, center, right }

    case paragraph(String)
    case heading(level: Int, text: String)
    /// A fenced code block; `language` holds only letters, digits, `+`, `-` and `_`.
    case code(language: String?, text: String)
    case quote([MarkdownBlock])
    case list(ordered: Bool, start: Int, items: [[MarkdownBlock]])
    case table(header: [String], alignments: [Alignment], rows: [[String]])
    case rule
}
