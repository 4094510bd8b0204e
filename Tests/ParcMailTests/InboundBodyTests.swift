import Foundation
import Testing

@testable import ParcMail

/// HTML to text and Markdown, Markdown inertness, format=flowed, and reply stripping.
struct InboundBodyTests {
    private func text(_ html: String) -> String {
        HTMLTextConverter.plainText(fromHTML: html)
    }

    private func markdown(_ html: String) -> String {
        HTMLTextConverter.markdown(fromHTML: html)
    }

    // MARK: - HTML structure

    @Test("paragraphs, line breaks and divs become blank lines and line breaks; whitespace collapses")
    func blocks() {
        #expect(
            text("<p>One\n   two</p><p>Three<br>four</p><div>five</div><div>six</div>")
                == "One two\n\nThree\nfour\n\nfive\nsix")
        #expect(markdown("<p>Three<br>four</p>") == "Three  \nfour")
        #expect(text("  <b>bold</b>  and  <i>italic</i>  ") == "bold and italic")
        #expect(text("<p></p><p></p><br><br><br><p>x</p>") == "x")
    }

    @Test("lists, nested lists and headings keep their structure in Markdown")
    func listsAndHeadings() {
        let html =
            "<h2>Steps</h2><ol><li>Restart</li><li>Check <ul><li>cable</li><li>power</li></ul></li></ol><p>End</p>"
        #expect(text(html) == "Steps\n\n1. Restart\n2. Check\n    - cable\n    - power\n\nEnd")
        #expect(markdown(html) == "## Steps\n\n1. Restart  \n2. Check  \n    - cable  \n    - power\n\nEnd")
    }

    @Test("blockquotes become quotation depth; a depth change never merges paragraphs in Markdown")
    func blockquotes() {
        let html = "<p>New</p><blockquote>Old<blockquote>Older</blockquote>Old again</blockquote><p>After</p>"
        #expect(text(html) == "New\n\n> Old\n>\n>> Older\n>\n> Old again\n\nAfter")
        #expect(markdown(html) == "New\n\n> Old\n>\n> > Older\n>\n> Old again\n\nAfter")
    }

    @Test("pre keeps spaces and line breaks; tables separate cells; hr is a rule")
    func preTablesRules() {
        #expect(text("<pre>  a  b\n    c</pre>") == "  a  b\n    c")
        #expect(
            text("<table><tr><td>Name</td><td>Ana</td></tr><tr><td>Poste</td><td>PC-42</td></tr></table>")
                == "Name Ana\nPoste PC-42")
        #expect(text("<p>a</p><hr><p>b</p>") == "a\n\n----------\n\nb")
        #expect(markdown("<p>a</p><hr><p>b</p>") == "a\n\n* * *\n\nb")
    }

    @Test("character references: named, numeric, legacy without semicolon, Windows-1252 range, invalid")
    func entities() {
        #expect(text("caf&eacute; &#233;&#xE9;&#XE9; &amp;&lt;&gt;&quot;&apos; a&nbsp;b") == "café ééé &<>\"' a b")
        #expect(text("&copy 2025 &amp co") == "© 2025 & co")
        #expect(text("&#128; &#x92; &#0; &#xD800; &#x110000;") == "€ ’ \u{FFFD} \u{FFFD} \u{FFFD}")
        #expect(text("&unknown; &#; &") == "&unknown; &#; &")
        #expect(text("soft&shy;hyphen") == "softhyphen")
    }

    @Test("comments, conditional comments, declarations and CDATA; a literal '<' stays text")
    func markupOddities() {
        #expect(text("a<!-- hidden -->b<!--[if mso]>mso only<![endif]-->c") == "abc")
        #expect(text("<![if !supportLists]>1.<![endif]> item") == "1. item")
        #expect(text("<?xml version=\"1.0\"?><!DOCTYPE html>x<![CDATA[ <kept> ]]>") == "x <kept>")
        #expect(text("a < b and 1<2 and <3") == "a < b and 1<2 and <3")
        // As in a browser, "<d" opens a tag, and a tag the document never closes shows nothing.
        #expect(text("c<d and more") == "c")
        #expect(text("<!-- never closed <script>x</script>") == "")
        #expect(text("<P>Upper<BR>Case</P>") == "Upper\nCase")
        #expect(text("<embed src=\"x.swf\">after <svg/>still <svg /><template/>shown") == "after still shown")
        #expect(text("<html><head><meta charset=utf-8><style>p{}</style><body>shown") == "shown")
        #expect(text("<svg><text>hidden</text></svg>shown <math><mi>x</mi></math>too") == "shown too")
        #expect(text("<a title=\"a > b\" href='https://x.example'>link</a>") == "link (https://x.example)")
    }

    // MARK: - Links

    @Test(
        "only http, https and mailto links survive, written so they cannot break out of the link",
        arguments: [
            ("<a href=\"https://example.org/a b(c)\">go</a>", "[go](https://example.org/a%20b%28c%29)"),
            ("<a href=\"HTTP://Example.org\">go</a>", "[go](HTTP://Example.org)"),
            ("<a href=\"mailto:ana@example.org\">Ana</a>", "[Ana](mailto:ana@example.org)"),
            ("<a href=\"javascript:alert(1)\">go</a>", "go"),
            ("<a href=\" JAVASCRIPT:alert(1)\">go</a>", "go"),
            ("<a href=\"java&#10;script:alert(1)\">go</a>", "go"),
            ("<a href=\"&#106;avascript:alert(1)\">go</a>", "go"),
            ("<a href=\"data:text/html,x\">go</a>", "go"),
            ("<a href=\"/relative\">go</a>", "go"),
            ("<a href=\"cid:image001\">go</a>", "go"),
            ("<a>no href</a>", "no href"),
            ("<a href=\"https://example.org\"></a>", ""),
            ("<a href=\"https://example.org\"><img src=x></a>", ""),
            (
                "<a href=\"https://example.org\">[x](javascript:y)</a>",
                "[&#91;x&#93;(javascript:y)](https://example.org)"
            ),
        ])
    func links(html: String, expected: String) {
        #expect(markdown(html) == expected)
    }

    @Test("a link whose text is its address is not repeated in plain text; mailto addresses are not added")
    func linkPlainText() {
        #expect(text("<a href=\"https://example.org/x\">https://example.org/x</a>") == "https://example.org/x")
        #expect(text("<a href=\"mailto:a@example.org\">write to us</a>") == "write to us")
        #expect(text("see <a href=\"https://example.org\">this</a>.") == "see this (https://example.org).")
    }

    // MARK: - Markdown inertness

    @Test("every character that could become Markdown or HTML markup is escaped in plain-text bodies")
    func plainTextMarkdown() throws {
        let body =
            "<b>x</b> & [a](javascript:b) ![i](j) *em* _em_ `code` ~~s~~ | a\\b\n# heading\n- item\n+ item\n1. one\n2) two\n= rule\n    indented"
        let message = try InboundMessageParser().parse("From: a@example.org\n\n" + body)
        let markdown = message.body.markdown
        #expect(!markdown.contains("<"))
        #expect(!markdown.contains("]("))
        #expect(
            markdown
                == "&lt;b&gt;x&lt;/b&gt; &amp; &#91;a&#93;(javascript:b) !&#91;i&#93;(j) \\*em\\* \\_em\\_ \\`code\\` "
                + "\\~\\~s\\~\\~ \\| a\\\\b  \n\\# heading  \n\\- item  \n\\+ item  \n1\\. one  \n2\\) two  \n\\= rule  \n"
                + "    indented")
        #expect(message.body.text == body)
    }

    @Test("quoted plain text is rendered as Markdown quotation with escaped content")
    func plainQuotes() throws {
        let message = try InboundMessageParser().parse("From: a@example.org\n\nnew\n\n> old <b>\n>> older\n> back")
        #expect(message.body.markdown == "new\n\n> old &lt;b&gt;\n\n> > older\n\n> back")
    }

    // MARK: - format=flowed

    @Test("format=flowed lines join; delsp removes the joining space; quotes and signatures are respected")
    func flowed() {
        #expect(FormatFlowed.unflow("a \nb \nc\nd", deleteSpace: false) == "a b c\nd")
        #expect(FormatFlowed.unflow("long wo \nrd", deleteSpace: true) == "long word")
        #expect(
            FormatFlowed.unflow("> quoted \n> more\n>> deeper \nnot quoted", deleteSpace: false)
                == "> quoted more\n>> deeper \nnot quoted")
        #expect(FormatFlowed.unflow("text\n-- \nsig", deleteSpace: false) == "text\n-- \nsig")
        #expect(FormatFlowed.unflow(" From space-stuffed", deleteSpace: false) == "From space-stuffed")
    }

    // MARK: - Reply stripping

    private func newText(_ body: String, subject: String = "Re: x") throws -> String {
        try InboundMessageParser().parse("From: a@example.org\nSubject: \(subject)\n\n" + body).body.newText
    }

    @Test(
        "top-posted replies are cut at the attribution line, in the languages Parc's users write",
        arguments: [
            "On Mon, Jun 2, 2025 at 2:03 PM Parc <support@parc.example.org> wrote:",
            "On 02/06/2025 14:03, Parc Helpdesk wrote:",
            "Le 02/06/2025 à 14:03, Parc Helpdesk a écrit :",
            "Le lun. 2 juin 2025 à 14:03, Parc <support@parc.example.org> a\u{A0}écrit\u{A0}:",
            "Am 02.06.25 um 14:03 schrieb Hans Müller:",
            "El lun, 2 jun 2025 a las 14:03, Parc (<support@parc.example.org>) escribió:",
            "Il giorno lun 2 giu 2025 alle ore 14:03 Parc <support@parc.example.org> ha scritto:",
            "Op ma 2 jun. 2025 om 14:03 schreef Jan <jan@example.nl>:",
            "Em seg., 2 de jun. de 2025 às 14:03, Parc <support@parc.example.org> escreveu:",
            "Parc Helpdesk <support@parc.example.org> wrote:",
        ])
    func attributions(attribution: String) throws {
        #expect(try newText("Thanks, it works.\n\n\(attribution)\n> Did it work?\n> Parc") == "Thanks, it works.")
    }

    @Test("an attribution wrapped over two or three lines is found")
    func wrappedAttribution() throws {
        #expect(
            try newText(
                "Fine now.\n\nOn Mon, Jun 2, 2025 at 2:03 PM Parc Helpdesk\n<support@parc.example.org> wrote:\n\n> old")
                == "Fine now.")
        #expect(
            try newText(
                "Fine now.\n\nLe lun. 2 juin 2025 à 14:03,\nParc Helpdesk <support@parc.example.org>\na écrit :\n> old")
                == "Fine now.")
    }

    @Test("Outlook separators and header blocks are cut, with the rule line above them")
    func outlookMarkers() throws {
        #expect(try newText("Done.\n\n-----Original Message-----\nFrom: Parc\nSent: today\n\nold") == "Done.")
        #expect(try newText("Fait.\n\n-----Message d'origine-----\nDe : Parc\n\nancien") == "Fait.")
        #expect(
            try newText(
                "Done.\n\n________________________________\nFrom: Parc Helpdesk <support@parc.example.org>\nSent: Monday, June 2, 2025 9:12 AM\nTo: Ana\nSubject: [Parc #2026-00042] Printer\n\nold text"
            )
                == "Done.")
        #expect(
            try newText(
                "Fait.\n\nDe : Parc Helpdesk\nEnvoyé : lundi 2 juin 2025 09:12\nÀ : Marc\nObjet : RE: test\n\nancien")
                == "Fait.")
    }

    @Test("bottom-posted and interleaved replies keep every answer and drop the quotations")
    func bottomAndInline() throws {
        #expect(try newText("On Mon, Jun 2, 2025, Parc wrote:\n> Did it work?\n\nYes it did.") == "Yes it did.")
        #expect(
            try newText("Parc wrote:\n> Which floor?\nSecond floor.\n> Which room?\nRoom B.\n")
                == "Second floor.\nRoom B.")
        #expect(try newText("> quoted with no attribution\nmy answer") == "my answer")
    }

    @Test("what only looks like a marker is kept, forwards are never cut, and an all-quote reply keeps everything")
    func nonMarkers() throws {
        #expect(
            try newText("The technician wrote:\nplease restart.\nI did.")
                == "The technician wrote:\nplease restart.\nI did.")
        #expect(
            try newText("From: the accounting team, we need a new printer.\nThanks")
                == "From: the accounting team, we need a new printer.\nThanks")
        let forward =
            "Please see below.\n\n---------- Forwarded message ---------\nFrom: Vendor <v@example.com>\nDate: Mon, Jun 2, 2025\nSubject: Licence expiry\nTo: Ana\n\nYour licence expires."
        #expect(try newText(forward, subject: "Fwd: Licence expiry") == forward)
        #expect(
            try newText(
                forward.replacingOccurrences(of: "Licence expiry\nTo", with: "Fwd: Licence expiry\nTo"), subject: "x"
            ).contains("Your licence"))
        #expect(try newText("> only\n> quotes") == "> only\n> quotes")
    }
}
