import Foundation

/// Markdown to HTML that is safe to put in a page as is, whoever wrote the Markdown (decision 0040).
///
/// It renders the Markdown technicians write — headings, paragraphs, emphasis, inline code, fenced code blocks,
/// ordered, bullet and nested lists, block quotes, links, tables, rules and line breaks — and nothing that can run:
///
/// - raw HTML is never passed through: `<script>` shows as the text `<script>`;
/// - links keep only `http`, `https`, `mailto` and relative targets (``safeURL(_:)``); any other scheme, however it is
///   spelled or obfuscated, leaves the link text without a link;
/// - images are not loaded (a remote image reveals who reads the page): `![alt](https://…)` becomes a link to it;
/// - every attribute value and text is escaped, and the renderer writes no attribute but `href`, `rel`, `start`
///   and `class` with fixed values.
///
/// A newline inside a paragraph is a line break, as in comments on the big forges: support texts are typed in a
/// text area, not prepared for print. Nesting (lists, quotes) beyond ``maximumDepth`` levels is shown as text, and the
/// work is linear in the input's length whatever the input, so a hostile text cannot exhaust the server.
public enum SafeMarkdown {
    /// How deep lists and block quotes may nest before the rest is shown as text.
    public static let maximumDepth = 16

    /// The HTML of a Markdown text, safe to insert in a page without further escaping.
    public static func html(from markdown: String) -> String {
        var out = ""
        out.reserveCapacity(markdown.utf8.count + markdown.utf8.count / 4)
        MarkdownHTMLWriter(mode: .html).write(MarkdownBlockParser.parse(markdown), into: &out)
        return out
    }

    /// The text of a Markdown text without its markup (for search indexes, snippets and mail previews): one line per
    /// block, link targets dropped.
    public static func plainText(from markdown: String) -> String {
        var out = ""
        out.reserveCapacity(markdown.utf8.count)
        MarkdownHTMLWriter(mode: .plain).write(MarkdownBlockParser.parse(markdown), into: &out)
        while out.last == "\n" { out.removeLast() }
        return out
    }

    /// The link target as written when it is one a page may link to, nil otherwise.
    ///
    /// Accepted: `http:` and `https:` URLs with a host part, `mailto:`, and relative targets (`/kb/…`, `page`,
    /// `#part`, `?q=…`, `//host/…`). Refused: every other scheme (`javascript:`, `data:`, `vbscript:`, `file:`, …) in
    /// any case; any control character, space or invisible format character anywhere (browsers drop some of them,
    /// which is how `java&#x09;script:` works); character references and percent escapes before the path (`&`, `%`),
    /// backslashes, quotes and angle brackets; and targets over 2,048 characters.
    public static func safeURL(_ raw: String) -> String? {
        let url = raw.trimmingCharacters(in: .whitespaces)
        guard !url.isEmpty, url.utf8.count <= 2048 else { return nil }
        for scalar in url.unicodeScalars {
            if scalar.value <= 0x20 || (0x7F...0xA0).contains(scalar.value) { return nil }
            if scalar.properties.isWhitespace || scalar.properties.generalCategory == .format { return nil }
            if "\\<>\"'`".unicodeScalars.contains(scalar) { return nil }
        }
        let head = url.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if head.contains("&") || head.contains("%") { return nil }
        guard let colon = head.firstIndex(of: ":") else { return url }
        switch head[..<colon].lowercased() {
        case "http", "https":
            return url[url.index(after: colon)...].hasPrefix("//") ? url : nil
        case "mailto":
            return url.count > 7 ? url : nil
        default:
            return nil
        }
    }

    /// The text with `&`, `<`, `>`, `"` and `'` as character references: safe in element content and quoted
    /// attribute values.
    public static func escape(_ text: some StringProtocol) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars { MarkdownHTMLWriter.appendEscaped(scalar, to: &out) }
        return out
    }
}
