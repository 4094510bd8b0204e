import Foundation
import Testing

@testable import ParcMail

/// Each fixture parsed end to end, checked field by field.
struct InboundFixtureTests {
    @Test("Thunderbird: a format=flowed UTF-8 reply has its paragraphs rejoined and its French quotation stripped")
    func thunderbird() throws {
        let message = try InboundFixture.message("thunderbird-flowed")
        #expect(message.from == MailAddress("jeanne.martin@example.fr", displayName: "Jeanne Martin"))
        #expect(message.to == [MailAddress("support@parc.example.org", displayName: "Parc Helpdesk")])
        #expect(message.subject == "Re: [Parc #2026-00042] Imprimante en panne à l'accueil")
        #expect(message.date == InboundFixture.date("2025-06-02T12:21:05Z"))
        #expect(message.messageID == "8f3e2a71-5c4d-4b9e-9f0a-2d6c1e7b3a55@example.fr")
        #expect(message.inReplyTo == ["ticket-2026-00042.followup-7.q8w7e6r5t4y3u2i1@parc.example.org"])
        #expect(message.references.count == 2)
        #expect(message.body.source == .plainText)
        #expect(
            message.body.text.contains(
                "mais le voyant orange clignote toujours et l'écran affiche « Erreur 0x4F ». Le bac 2 est bien fermé."))
        #expect(message.body.newText.hasPrefix("Bonjour,\n\nJ'ai redémarré l'imprimante"))
        #expect(message.body.newText.hasSuffix("Jeanne Martin\nAccueil – Mairie de Villeneuve"))
        #expect(!message.body.newText.contains("a écrit"))
        #expect(!message.body.newText.contains("Pouvez-vous"))
        #expect(
            message.body.text.contains("> Pouvez-vous redémarrer l'imprimante et nous dire si le voyant reste orange ?")
        )
        #expect(message.attachments.isEmpty)
        #expect(message.notes.isEmpty)
        #expect(InboundFixture.classifier.classify(message) == .personal)
        let match = try #require(InboundFixture.finder.find(in: message))
        #expect(match.reference == "2026-00042")
        #expect(match.source == .inReplyTo)
        #expect(match.messageID?.followupID == "7")
    }

    @Test("Outlook: the Windows-1252 plain alternative wins, the De/Envoyé/À/Objet block is cut, winmail.dat is kept")
    func outlook() throws {
        let message = try InboundFixture.message("outlook-reply")
        #expect(message.from?.address == "marc.dubois@example.com")
        #expect(message.to == [MailAddress("support@parc.example.org", displayName: "support@parc.example.org")])
        #expect(message.subject == "RE: [Parc #2026-00051] Poste comptabilité")
        #expect(message.date == InboundFixture.date("2025-06-02T07:47:29Z"))
        #expect(message.headers["Thread-Index"] == "AdnVb2Q1n4Z8y6T0QwqkYtq3Yb1X2gAAB3Ew")
        #expect(message.headers["X-MS-Has-Attach"] == "yes")
        #expect(message.body.source == .plainText)
        #expect(message.body.text.contains("J’ai essayé de le débrancher 30 secondes"))
        #expect(message.body.text.contains("Objet : [Parc #2026-00051] Poste comptabilité"))
        #expect(
            message.body.newText
                == "Bonjour,\n\nLe poste PC-COMPTA-03 ne démarre plus depuis ce matin : écran noir après le logo Dell. "
                + "J’ai essayé de le débrancher 30 secondes, sans succès.\n\nCordialement,\nMarc Dubois\n"
                + "Service comptabilité")
        #expect(message.attachments.count == 1)
        let winmail = try #require(message.attachments.first)
        #expect(winmail.filename == "winmail.dat")
        #expect(winmail.contentType == "application/ms-tnef")
        #expect(winmail.bytes.prefix(4) == [0x78, 0x9F, 0x3E, 0x22])
        #expect(!winmail.isInline)
        #expect(winmail.partNumber == "2")
        #expect(
            message.structure.children.map(\.contentType.mimeType) == ["multipart/alternative", "application/ms-tnef"])
        #expect(InboundFixture.classifier.classify(message) == .personal)
        #expect(InboundFixture.finder.find(in: message)?.reference == "2026-00051")
    }

    @Test("Outlook's HTML alternative converts to the same new text when read alone")
    func outlookHTML() throws {
        let message = try InboundFixture.message("outlook-reply")
        let html = try #require(message.structure.leaves.first { $0.contentType.subtype == "html" })
        let text = MailCharset.decode(html.content, charset: html.contentType.charset).text
        let lines = HTMLTextConverter.lines(fromHTML: text)
        let plain = BodyLine.plainText(lines)
        #expect(!plain.contains("Font Definitions"))
        #expect(!plain.contains("shapedefaults"))
        #expect(plain.hasPrefix("Bonjour,\n\nLe poste PC-COMPTA-03 ne démarre plus depuis ce matin : écran noir"))
        let newText = BodyLine.plainText(ReplyQuoteStripper.newLines(in: lines, isForward: false))
        #expect(newText.hasSuffix("Cordialement,\n\nMarc Dubois\nService comptabilité"))
        #expect(!newText.contains("Envoyé"))
    }

    @Test("Gmail HTML-only: converted to text and Markdown, link kept, gmail_quote stripped")
    func gmailHTMLOnly() throws {
        let message = try InboundFixture.message("gmail-html-only")
        #expect(message.from == MailAddress("paul.leroy@gmail.com", displayName: "Paul Leroy"))
        #expect(message.subject == "Wi-Fi invités en panne")
        #expect(message.body.source == .html)
        #expect(
            message.body.newText
                == "Bonjour,\n\nLe Wi-Fi invités ne fonctionne plus dans la salle de réunion B depuis la mise à jour "
                + "d'hier.\nLe lien du portail : portail invités (https://portail.example.fr/wifi?salle=B&etage=2)\n\n"
                + "Merci,\nPaul")
        #expect(message.body.text.contains("> Bonjour Paul,\n> Quelle salle exactement ?"))
        #expect(message.body.newMarkdown.contains("[portail invités](https://portail.example.fr/wifi?salle=B&etage=2)"))
        #expect(message.body.markdown.contains("> Bonjour Paul,  \n> Quelle salle exactement ?"))
        #expect(!message.body.newMarkdown.contains("Quelle salle"))
        #expect(message.attachments.isEmpty)
        #expect(InboundFixture.classifier.classify(message) == .personal)
        #expect(InboundFixture.finder.find(in: message) == nil)
    }

    @Test("Apple Mail: the plain alternative is the body and the inline screenshot is an inline attachment")
    func appleMail() throws {
        let message = try InboundFixture.message("apple-mail-inline-image")
        #expect(message.body.source == .plainText)
        #expect(message.body.text == "Bonjour,\n\nVoici une capture de l’erreur au démarrage de Teams :\n\nSophie")
        #expect(message.attachments.count == 1)
        let image = try #require(message.attachments.first)
        #expect(image.filename == "Capture d’écran.png")
        #expect(image.filename.unicodeScalars.count == "Capture d’écran.png".unicodeScalars.count)
        #expect(image.contentType == "image/png")
        #expect(image.contentID == "5E0F3B2A-9C1D-4E8F-A7B6-3C2D1E0F9A8B")
        #expect(image.isInline)
        #expect(image.bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(image.partNumber == "2.2")
        #expect(message.date == InboundFixture.date("2025-06-03T06:15:42Z"))
        #expect(message.messageID == "3C9E1F2A-7B8D-4C6E-A5F4-0E1D2C3B4A59@icloud.com")
    }

    @Test("French subjects: Q and B words across folded lines join into one subject; names decode; groups flatten")
    func frenchEncodedWords() throws {
        let message = try InboundFixture.message("french-encoded-words")
        #expect(message.subject == "Problème d'accès au réseau – étage 2 (bâtiment C)")
        #expect(message.from == MailAddress("renee.lefevre@example.fr", displayName: "Renée Lefèvre"))
        #expect(
            message.to == [
                MailAddress("support@parc.example.org", displayName: "Service informatique"),
                MailAddress("francois.muller@example.fr", displayName: "François Müller"),
            ])
        #expect(
            message.cc == [
                MailAddress("chloe.petit@example.fr", displayName: "Chloé Petit"),
                MailAddress("zoe@example.fr", displayName: "Zoé"),
            ])
        let cc = InboundAddressParser.parse(try #require(message.headers["Cc"]))
        #expect(cc.count == 1)
        if case .group(let name, let members) = cc.first {
            #expect(name == "Direction")
            #expect(members.count == 2)
        } else {
            Issue.record("Cc should be one group")
        }
        #expect(message.body.text.hasPrefix("Bonjour,\n\nDepuis ce matin, impossible d'accéder au réseau"))
        #expect(message.date == InboundFixture.date("2025-06-04T08:02:11Z"))
    }

    @Test("ISO-8859-1 quoted-printable: soft breaks joined, lowercase escapes read, trailing spaces dropped")
    func latin1QuotedPrintable() throws {
        let message = try InboundFixture.message("latin1-quoted-printable")
        #expect(message.from?.displayName == "Hélène Garçon")
        #expect(message.subject == "Scanner du secrétariat")
        #expect(
            message.body.text
                == "Bonjour,\n\nLe scanner du secrétariat n'envoie plus les documents numérisés vers le dossier partagé "
                + "\\\\serveur\\scans depuis le changement de mot de passe.\n\nMessage affiché : « Échec de "
                + "l'authentification SMB ».\n\nBien à vous,\nHélène Garçon")
        #expect(message.body.markdown.contains("\\\\\\\\serveur\\\\scans"))
        #expect(message.notes.isEmpty)
    }

    @Test("RFC 2231: a continued, percent-encoded UTF-8 filename decodes; hostile filenames are made safe")
    func rfc2231Attachment() throws {
        let message = try InboundFixture.message("rfc2231-attachment")
        #expect(message.body.text == "Bonjour,\n\nVous trouverez ci-joint le devis du réparateur.\n\nJulie")
        #expect(
            message.attachments.map(\.filename) == [
                "Devis n° 42 — réparation imprimante.pdf", "notestxt.exe", "passwd",
            ])
        let pdf = message.attachments[0]
        #expect(pdf.contentType == "application/pdf")
        #expect(pdf.bytes.starts(with: Array("%PDF-1.4".utf8)))
        #expect(pdf.originalFilename == "Devis n° 42 — réparation imprimante.pdf")
        // The notes part is text/plain but named, so it is a file, not body text.
        #expect(message.attachments[1].contentType == "text/plain")
        #expect(String(decoding: message.attachments[1].bytes, as: UTF8.self) == "numéro de série : CN-0X4F-2231")
        #expect(message.attachments[1].originalFilename == "..\\..\\Windows\\System32\\notes\u{202E}txt.exe")
        #expect(message.attachments[2].originalFilename == "../../etc/passwd")
        #expect(message.structure.children.count == 4)
        #expect(message.notes.isEmpty)
    }

    @Test("A delivery-status bounce is classified as a bounce with the failed recipient and the original Message-ID")
    func bounce() throws {
        let message = try InboundFixture.message("bounce-delivery-status")
        #expect(message.from == MailAddress("MAILER-DAEMON@mx.parc.example.org", displayName: "Mail Delivery System"))
        let classification = InboundFixture.classifier.classify(message)
        guard case .bounce(let signal, let report) = classification else {
            Issue.record("expected a bounce, got \(classification)")
            return
        }
        #expect(signal == .deliveryStatusReport)
        let readReport = try #require(report)
        #expect(readReport.recipients.count == 1)
        #expect(readReport.recipients.first?.address == "ancien.employe@example.com")
        #expect(readReport.recipients.first?.action == "failed")
        #expect(readReport.recipients.first?.status == "5.1.1")
        #expect(readReport.recipients.first?.diagnostic?.hasPrefix("smtp; 550 5.1.1") == true)
        #expect(readReport.recipients.first?.isPermanentFailure == true)
        #expect(readReport.originalMessageID == "ticket-2026-00042.followup-8.m3n4b5v6c7x8z9l0@parc.example.org")
        let original = ParcMessageID(parsing: readReport.originalMessageID!, domains: ["parc.example.org"])
        #expect(original?.ticketReference == "2026-00042")
        #expect(original?.followupID == "8")
        #expect(classification.shouldDrop)
        #expect(message.body.text.hasPrefix("This is the mail system at host mx.parc.example.org."))
        #expect(message.attachments.map(\.contentType) == ["message/delivery-status", "text/rfc822-headers"])
    }

    @Test("An Exchange out-of-office reply is an auto-reply, even though it quotes a ticket reference")
    func vacation() throws {
        let message = try InboundFixture.message("vacation-auto-reply")
        #expect(message.subject == "Réponse automatique : [Parc #2026-00042] Imprimante en panne")
        #expect(InboundFixture.classifier.classify(message) == .autoReply(.autoSubmitted("auto-replied")))
        #expect(InboundFixture.finder.find(in: message)?.reference == "2026-00042")
        #expect(message.body.text.contains("contactez le standard."))
    }

    @Test("A mailing-list message is bulk, and is accepted when its List-Id is Parc's own route")
    func mailingList() throws {
        let message = try InboundFixture.message("mailing-list")
        #expect(InboundFixture.classifier.classify(message) == .bulk(.precedence("list")))
        #expect(message.sender?.address == "infra-bounces+support=parc.example.org@lists.example.net")
        var configuration = InboundFixture.classifier.configuration
        configuration.acceptedListIDs = ["INFRA.lists.example.net"]
        var trimmed = message
        trimmed.headers.fields.removeAll { $0.hasName("Precedence") }
        #expect(InboundMailClassifier(configuration: configuration).classify(trimmed) == .personal)
        #expect(
            InboundFixture.classifier.classify(trimmed)
                == .bulk(.listField(name: "List-Id", value: "Equipe infrastructure <infra.lists.example.net>")))
    }

    @Test("A Gmail reply: plain alternative, attribution wrapped over two lines stripped, reference from In-Reply-To")
    func replyWithReference() throws {
        let message = try InboundFixture.message("reply-with-reference")
        #expect(message.from == MailAddress("ana.costa@example.org", displayName: "Ana Costa"))
        #expect(message.date == InboundFixture.date("2025-06-03T09:02:17Z"))
        #expect(message.body.source == .plainText)
        #expect(
            message.body.newText
                == "Hi,\n\nThe VPN works again after the reboot, thanks! You can close the ticket.\n\nBest,\nAna")
        #expect(message.body.hasQuotedReply)
        #expect(
            message.body.newMarkdown
                == "Hi,\n\nThe VPN works again after the reboot, thanks! You can close the ticket.\n\nBest,  \nAna")
        let match = try #require(InboundFixture.finder.find(in: message))
        #expect(
            match
                == TicketReferenceMatch(
                    reference: "2026-00077", source: .inReplyTo,
                    messageID: try ParcMessageID(
                        ticketReference: "2026-00077", followupID: "3", token: "p0o9i8u7y6t5r4e3",
                        domain: "parc.example.org")))
        #expect(InboundFixture.finder.find(subject: message.subject, inReplyTo: [], references: [])?.source == .subject)
    }

    @Test("Hostile HTML: scripts, styles, handlers and dangerous links are gone; typed markup stays literal text")
    func hostileHTML() throws {
        let message = try InboundFixture.message("hostile-html")
        // The subject's CR LF (an attempted header injection) became a space.
        #expect(message.subject == "<script>alert('subject')</script> Bcc: victim@example.org")
        #expect(message.from?.displayName == "<script>alert('name')</script>")
        let body = message.body
        #expect(body.source == .html)
        for text in [body.text, body.markdown, body.newText, body.newMarkdown] {
            for forbidden in [
                "alert('meta')", "alert('base')", "alert('css')", "document.cookie", "alert('body')",
                "alert('img')", "alert('svg", "alert('iframe')", "IFRAME FALLBACK", "OBJECT FALLBACK",
                "alert('noscript')",
                "alert('template')", "alert('comment')", "alert('textarea')", "alert('unterminated')", "SVG TEXT",
                "alert('link')", "alert('entity')", "alert('tab')", "data:text", "vbscript", "onclick",
                "Invoice", "evil.example/phish", "secret", "pixel.gif",
            ] {
                #expect(!text.lowercased().contains(forbidden.lowercased()), "\(forbidden) leaked")
            }
        }
        #expect(body.text.contains("Hello, my laptop is slow."))
        #expect(body.text.contains("Click here and here too and tabbed and data and vb and the help page"))
        #expect(body.markdown.contains("[the help page](https://example.org/help?q=a%20b&x=%281%29)"))
        #expect(
            body.text.contains("Typed as text: <script>alert('text')</script> and [a link](javascript:alert('md'))"))
        #expect(!body.markdown.contains("<"))
        #expect(body.markdown.contains("&lt;script&gt;alert('text')&lt;/script&gt;"))
        #expect(body.markdown.contains("&#91;a link&#93;(javascript:alert('md'))"))
        // "javascript:" and "onerror" survive only inside the text the sender typed, escaped.
        #expect(body.markdown.components(separatedBy: "javascript:").count == 2)
        #expect(body.markdown.components(separatedBy: "onerror").count == 2)
        #expect(body.markdown.contains("\\*not bold\\* \\_not italic\\_ \\`not code\\` # not a heading"))
        #expect(body.text.contains("Thanks"))
        // "<scr<script>ipt>" is a trick against filters that delete "<script>"; like a browser, the converter reads
        // an unknown "scr" element and leaves "ipt>…" as text, which stays text in the Markdown.
        #expect(body.markdown.contains("ipt&gt;alert('split')"))
        #expect(!body.markdown.contains("](javascript"))
        #expect(!body.newMarkdown.contains("](javascript"))
        // The only Markdown link is the safe one; the only bracket characters are entity-escaped.
        #expect(body.markdown.components(separatedBy: "](").count == 2)
    }

    @Test("every fixture parses without notes except where the sender was sloppy")
    func notes() throws {
        for name in InboundFixture.names {
            let message = try InboundFixture.message(name)
            #expect(message.notes.isEmpty, "\(name): \(message.notes)")
            #expect(message.size == (try InboundFixture.bytes(name)).count)
        }
    }
}
