import Foundation
import Testing
@testable import ParcCore

@Suite("SafeMarkdown: the Markdown technicians write, and nothing that runs")
struct SafeMarkdownTests {
    func html(_ markdown: String) -> String { SafeMarkdown.html(from: markdown) }

    @Test("headings, paragraphs, emphasis, code, rules and line breaks")
    func basics() {
        #expect(html("# Titre\n\nUn *mot* et **deux** et `code`.") ==
            "<h1>Titre</h1>\n<p>Un <em>mot</em> et <strong>deux</strong> et <code>code</code>.</p>\n")
        #expect(html("### Trois ###") == "<h3>Trois</h3>\n")
        #expect(html("####### sept") == "<p>####### sept</p>\n")
        #expect(html("ligne un\nligne deux") == "<p>ligne un<br>\nligne deux</p>\n")
        #expect(html("a  \nb") == "<p>a<br>\nb</p>\n")
        #expect(html("---") == "<hr>\n")
        #expect(html("***emph strong***") == "<p><em><strong>emph strong</strong></em></p>\n"
                || html("***emph strong***") == "<p><strong><em>emph strong</em></strong></p>\n")
        #expect(html("snake_case_name") == "<p>snake_case_name</p>\n", "no emphasis inside words with _")
        #expect(html("_souligné_ et __gras__") == "<p><em>souligné</em> et <strong>gras</strong></p>\n")
        #expect(html("2 * 3 * 4") == "<p>2 * 3 * 4</p>\n")
        #expect(html("\\*pas en italique\\*") == "<p>*pas en italique*</p>\n")
        #expect(html("``code avec ` dedans``") == "<p><code>code avec ` dedans</code></p>\n")
        #expect(html("`non fermé") == "<p>`non fermé</p>\n")
    }

    @Test("fenced code blocks keep their text, escaped, with a sanitised language")
    func codeBlocks() {
        #expect(html("```bash\nipconfig /flushdns\necho \"<ok>\"\n```") ==
            "<pre><code class=\"language-bash\">ipconfig /flushdns\necho &quot;&lt;ok&gt;&quot;</code></pre>\n")
        #expect(html("~~~\n# pas un titre\n~~~") == "<pre><code># pas un titre</code></pre>\n")
        #expect(html("```\" onmouseover=\"x\nbody\n```") == "<pre><code>body</code></pre>\n")
        #expect(html("```\nnever closed\n\n* still code") == "<pre><code>never closed\n\n* still code</code></pre>\n")
    }

    @Test("ordered, bullet and nested lists, quotes and tables")
    func containers() {
        #expect(html("- un\n- deux\n  - deux.un\n  - deux.deux\n- trois") ==
            "<ul>\n<li>un</li>\n<li>\n<p>deux</p>\n<ul>\n<li>deux.un</li>\n<li>deux.deux</li>\n</ul>\n</li>\n<li>trois</li>\n</ul>\n")
        #expect(html("3. trois\n4. quatre") == "<ol start=\"3\">\n<li>trois</li>\n<li>quatre</li>\n</ol>\n")
        #expect(html("1. a\n\n   suite de a\n2. b") ==
            "<ol>\n<li>\n<p>a</p>\n<p>suite de a</p>\n</li>\n<li>b</li>\n</ol>\n")
        #expect(html("> cité\n> > deux fois") ==
            "<blockquote>\n<p>cité</p>\n<blockquote>\n<p>deux fois</p>\n</blockquote>\n</blockquote>\n")
        #expect(html("| Poste | IP |\n|---|--:|\n| pc1 | 10.0.0.1 |\n| pc\\|2 |") ==
            "<div class=\"md-table\"><table>\n<thead><tr><th>Poste</th><th class=\"md-right\">IP</th></tr></thead>\n"
            + "<tbody>\n<tr><td>pc1</td><td class=\"md-right\">10.0.0.1</td></tr>\n<tr><td>pc|2</td><td class=\"md-right\"></td></tr>\n"
            + "</tbody>\n</table></div>\n")
        #expect(html("texte\n- puce") == "<p>texte</p>\n<ul>\n<li>puce</li>\n</ul>\n")
    }

    @Test("links with safe targets, autolinks, and images shown as links")
    func links() {
        #expect(html("[Doc](https://example.org/a_(b) \"titre\")") ==
            "<p><a href=\"https://example.org/a_(b)\" rel=\"nofollow noopener noreferrer\">Doc</a></p>\n")
        #expect(html("[relatif](/kb/12?x=1&y=2#p)") ==
            "<p><a href=\"/kb/12?x=1&amp;y=2#p\" rel=\"nofollow noopener noreferrer\">relatif</a></p>\n")
        #expect(html("<mailto:support@example.org> et <support@example.org>") ==
            "<p><a href=\"mailto:support@example.org\" rel=\"nofollow noopener noreferrer\">mailto:support@example.org</a>"
            + " et <a href=\"mailto:support@example.org\" rel=\"nofollow noopener noreferrer\">support@example.org</a></p>\n")
        #expect(html("![schéma](https://example.org/s.png)") ==
            "<p><a href=\"https://example.org/s.png\" rel=\"nofollow noopener noreferrer\">schéma</a></p>\n")
        #expect(html("[*gras* `x`](https://e.org)") ==
            "<p><a href=\"https://e.org\" rel=\"nofollow noopener noreferrer\"><em>gras</em> <code>x</code></a></p>\n")
        #expect(html("[pas un lien] (x)") == "<p>[pas un lien] (x)</p>\n")
    }

    @Test("safeURL accepts http, https, mailto and relative targets only", arguments: [
        ("https://example.org/x?y=1", true), ("HTTP://example.org", true), ("mailto:a@b.fr", true), ("/kb/1", true),
        ("page.html", true), ("#section", true), ("?q=1", true), ("//cdn.example.org/a", true),
        ("javascript:alert(1)", false), ("JaVaScRiPt:alert(1)", false), (" javascript:alert(1)", false),
        ("java\tscript:alert(1)", false), ("java&#x09;script:alert(1)", false), ("javascript&colon;alert(1)", false),
        ("java\u{0}script:alert(1)", false), ("java\u{200B}script:alert(1)", false), ("data:text/html,<script>", false),
        ("vbscript:msgbox", false), ("file:///etc/passwd", false), ("%6Aavascript:alert(1)", false),
        ("http:evil", false), ("https:\\\\evil", false), ("\u{FF4A}avascript:alert(1)", false), ("mailto:", false),
        ("x\" onclick=\"y", false), ("", false),
    ])
    func safeURLs(_ url: String, _ accepted: Bool) {
        #expect((SafeMarkdown.safeURL(url) != nil) == accepted, "\(url)")
    }

    /// Hostile inputs in the manner of the XSS filter evasion cheat sheet: none may yield a tag, an attribute or a
    /// link target that runs script.
    static let hostile = [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<IMG SRC=\"javascript:alert('XSS');\">",
        "<a href=\"javascript:alert(1)\">x</a>",
        "[clic](javascript:alert(1))",
        "[clic](JAVASCRIPT:alert(1))",
        "[clic]( javascript:alert(1) )",
        "[clic](java&#x09;script:alert(1))",
        "[clic](java&#0000106;ava&#115;cript:alert(1))",
        "[clic](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))",
        "[clic](<javascript:alert(1)>)",
        "[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[clic](vbscript:msgbox(1))",
        "[clic](https://e.org\" onmouseover=\"alert(1))",
        "[clic](https://e.org 'x' onmouseover='alert(1)')",
        "![x](javascript:alert(1))",
        "![x\" onerror=\"alert(1)](https://e.org/a.png)",
        "<javascript:alert(1)>",
        "<svg/onload=alert(1)>",
        "<iframe src=//evil>",
        "```\"><script>alert(1)</script>\ncode\n```",
        "<<script>script>alert(1)<</script>/script>",
        "<div style=\"background:url(javascript:alert(1))\">",
        "[a](https://e.org)<style>*{x:expression(alert(1))}</style>",
        "| <b onclick=alert(1)> | x |\n|---|---|\n| <script> | y |",
        "> <script>alert(1)</script>\n- <img onerror=alert(1)>",
        "`<script>alert(1)</script>`",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "[x](#\" onclick=\"alert(1))",
        "\u{0}<script>",
    ]

    @Test("hostile input is inert: no tag or attribute but the renderer's own, no script target",
          arguments: Self.hostile)
    func hostileInput(_ input: String) throws {
        let output = html(input)
        let allowedTags: Set<String> = ["p", "br", "em", "strong", "code", "pre", "a", "h1", "h2", "h3", "h4", "h5",
                                        "h6", "ul", "ol", "li", "blockquote", "hr", "div", "table", "thead", "tbody",
                                        "tr", "th", "td"]
        // Every `<` in the output opens one of the renderer's tags, with only its fixed attributes, all quoted.
        let tagPattern = try NSRegularExpression(pattern: #"^/?([a-z0-9]+)((?: [a-z]+="[^"<>]*")*)$"#)
        let attributePattern = try NSRegularExpression(pattern: #" ([a-z]+)="([^"]*)""#)
        var rest = output[...]
        while let open = rest.firstIndex(of: "<") {
            let close = try #require(rest[open...].firstIndex(of: ">"), "\(output)")
            let inside = String(rest[rest.index(after: open)..<close])
            let whole = NSRange(inside.startIndex..., in: inside)
            let match = try #require(tagPattern.firstMatch(in: inside, range: whole), "malformed tag <\(inside)> in \(output)")
            let name = String(inside[Range(match.range(at: 1), in: inside)!])
            #expect(allowedTags.contains(name), "unexpected tag <\(inside)> in \(output)")
            for attribute in attributePattern.matches(in: inside, range: whole) {
                let attributeName = String(inside[Range(attribute.range(at: 1), in: inside)!])
                let value = String(inside[Range(attribute.range(at: 2), in: inside)!])
                #expect(["href", "rel", "class", "start"].contains(attributeName), "attribute \(attributeName) in \(output)")
                if attributeName == "href" {
                    #expect(SafeMarkdown.safeURL(value.replacingOccurrences(of: "&amp;", with: "&")) != nil, "\(output)")
                }
            }
            rest = rest[rest.index(after: close)...]
        }
        #expect(!output.lowercased().contains("href=\"javascript"), "\(output)")
        #expect(!output.lowercased().contains("href=\"data"), "\(output)")
        #expect(!output.contains("<script"), "\(output)")
    }

    @Test("raw HTML shows as text")
    func rawHTML() {
        #expect(html("<b>gras</b> & co") == "<p>&lt;b&gt;gras&lt;/b&gt; &amp; co</p>\n")
        #expect(html("[clic](javascript:alert(1))") == "<p>clic</p>\n", "an unsafe link keeps only its text")
    }

    @Test("deep nesting is cut to text, and big or pathological input stays linear")
    func limits() {
        let deepQuote = String(repeating: ">", count: 10_000) + " fond"
        let quoted = html(deepQuote)
        #expect(quoted.components(separatedBy: "<blockquote>").count - 1 == SafeMarkdown.maximumDepth - 1)
        let deepList = (0..<400).map { String(repeating: "  ", count: $0) + "- niveau \($0)" }.joined(separator: "\n")
        #expect(html(deepList).components(separatedBy: "<ul>").count - 1 <= SafeMarkdown.maximumDepth)
        let inlineList = String(repeating: "- ", count: 5_000) + "x"
        #expect(!html(inlineList).isEmpty)

        // Inputs that make naive renderers quadratic (or recurse without end): 200 KB of each. A quadratic renderer
        // would take minutes here; timings themselves belong to benchmarks, not tests.
        let patterns = ["[", "[](", "*a _b ", "`", "<a", "![x](y", "**", "\\", "[a](<", "_", "> - 1. ", "| a |\n", "\n\n"]
        for pattern in patterns {
            let input = String(repeating: pattern, count: 200_000 / pattern.utf8.count)
            let output = html(input)
            #expect(!output.isEmpty || pattern == "\n\n", "\(pattern.debugDescription)")
        }
    }

    @Test("plain text drops the markup and keeps the words")
    func plainText() {
        #expect(SafeMarkdown.plainText(from: "# Imprimante\n\nRedémarrer le **spouleur** via [la doc](https://e.org).")
                == "Imprimante\nRedémarrer le spouleur via la doc.")
        #expect(SafeMarkdown.plainText(from: "- un\n- deux") == "- un\n- deux")
        #expect(SafeMarkdown.plainText(from: "<b>x</b>") == "<b>x</b>")
    }
}
