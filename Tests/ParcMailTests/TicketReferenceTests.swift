import Foundation
import Testing

@testable import ParcMail

/// Ticket references in subject tags and Parc Message-IDs.
struct TicketReferenceTests {
    @Test("the default tag wraps the reference, and tagging a subject twice adds it once")
    func defaultTag() throws {
        let tag = TicketSubjectTag.default
        #expect(tag.template == "[Parc #{reference}]")
        #expect(try tag.tag(for: "2026-00042") == "[Parc #2026-00042]")
        let subject = try tag.subject("Imprimante en panne", taggedWith: "2026-00042")
        #expect(subject == "[Parc #2026-00042] Imprimante en panne")
        #expect(try tag.subject("Re: " + subject, taggedWith: "2026-00042") == "Re: " + subject)
        #expect(try tag.subject("", taggedWith: "42") == "[Parc #42]")
        #expect(throws: TicketReferenceError.invalidReference("20 26")) { try tag.tag(for: "20 26") }
    }

    @Test(
        "references are found in subjects the way people and clients mangle them",
        arguments: [
            ("[Parc #2026-00042] Printer", ["2026-00042"]),
            ("RE: TR: [parc#2026-00042] Printer", ["2026-00042"]),
            ("Re: [PARC   #2026-00042]", ["2026-00042"]),
            ("[Parc #2026-00042] and [Parc #2026-00051]", ["2026-00042", "2026-00051"]),
            ("[Parc #42]", ["42"]),
            ("Réponse automatique : [Parc #2026-00042]", ["2026-00042"]),
            ("[Parc #]", []),
            ("[Parc #2026-00042", []),
            ("[Parc #2026-00042-]", []),
            ("[Parc #2026 00042]", []),
            ("[Other #2026-00042]", []),
            ("[#2026-00042]", []),
            ("[Parc #" + String(repeating: "9", count: 33) + "]", []),
            ("", []),
        ])
    func findInSubject(subject: String, expected: [String]) {
        #expect(TicketSubjectTag.default.references(in: subject) == expected)
    }

    @Test("other templates: a bare hash, a branded label, no closing sign")
    func otherTemplates() throws {
        let bare = try TicketSubjectTag(template: "[#{reference}]")
        #expect(bare.references(in: "Re: [#2026-00042] x") == ["2026-00042"])
        #expect(try bare.tag(for: "2026-00042") == "[#2026-00042]")
        let branded = try TicketSubjectTag(template: "[Support Mairie #{reference}]")
        #expect(branded.references(in: "[support  mairie#7]") == ["7"])
        let open = try TicketSubjectTag(template: "Ticket #{reference}")
        #expect(open.references(in: "About Ticket #2026-00042, again") == ["2026-00042"])
        #expect(open.references(in: "Ticket #2026-00042.") == ["2026-00042"])
        #expect(open.references(in: "Ticket #2026-00042x") == ["2026-00042x"])
    }

    @Test(
        "unusable templates are refused with the reason",
        arguments: [
            ("[Parc #]", "exactly once"),
            ("{reference} {reference}", "exactly once"),
            ("{reference}]", "text before"),
            ("Ticket{reference}", "must end with"),
            ("[#{reference}x]", "must start with"),
            ("[Parc\n#{reference}]", "line break"),
            (String(repeating: "x", count: 60) + " #{reference}", "longer than 64"),
        ])
    func invalidTemplates(template: String, reason: String) {
        do {
            _ = try TicketSubjectTag(template: template)
            Issue.record("\(template) should be refused")
        } catch {
            #expect(error.description.contains(reason), "\(error)")
        }
    }

    @Test(
        "a ticket title comes from the subject without reply prefixes and tags",
        arguments: [
            ("Re: [Parc #2026-00042] Imprimante en panne", "Imprimante en panne"),
            ("RE : TR: Fwd: AW: Réseau lent", "Réseau lent"),
            ("Re[2]: Re(3): [parc#7] Écran noir", "Écran noir"),
            ("Réponse automatique : absence", "Réponse automatique : absence"),
            ("Resolution needed", "Resolution needed"),
            ("Re:", ""),
            ("[Parc #2026-00042]", ""),
            ("  Probl\u{E8}me   d'acc\u{E8}s  ", "Problème d'accès"),
            ("Re: Re: the [Parc #1] printer [Parc #2] again", "the printer again"),
        ])
    func titles(subject: String, title: String) {
        #expect(TicketSubjectTag.default.title(fromSubject: subject) == title)
    }

    // MARK: - Message-IDs

    @Test("a Parc Message-ID round-trips, is a valid Message-ID, and parses only in Parc's domains")
    func messageIDs() throws {
        let id = try ParcMessageID(
            ticketReference: "2026-00042", followupID: "7", token: "q8w7e6", domain: "parc.example.org")
        #expect(id.value == "ticket-2026-00042.followup-7.q8w7e6@parc.example.org")
        #expect(ParcMessageID(parsing: id.value, domains: ["parc.example.org"]) == id)
        #expect(ParcMessageID(parsing: "<" + id.value + ">", domains: ["PARC.example.org"]) == id)
        #expect(ParcMessageID(parsing: id.value, domains: ["other.example"]) == nil)
        let ticketOnly = try ParcMessageID(ticketReference: "42", token: "abc", domain: "parc.example.org")
        #expect(ticketOnly.value == "ticket-42.abc@parc.example.org")
        #expect(ParcMessageID(parsing: ticketOnly.value, domains: ["parc.example.org"])?.followupID == nil)

        var message = MailMessageRendererTests.message()
        message.messageID = id.value
        #expect(throws: Never.self) { try message.render() }
    }

    @Test(
        "look-alike identifiers are not Parc's",
        arguments: [
            "ticket-42@parc.example.org", "ticket-42.x.y.z@parc.example.org", "tickets-42.abc@parc.example.org",
            "ticket-42.comment-7.abc@parc.example.org", "ticket-4 2.abc@parc.example.org",
            "ticket-42.a_b@parc.example.org",
            "ticket-.abc@parc.example.org", "ticket-42.abc", "",
        ])
    func notParcIDs(identifier: String) {
        #expect(ParcMessageID(parsing: identifier, domains: ["parc.example.org"]) == nil)
    }

    @Test("generated identifiers are unique and refuse unusable parts")
    func makeIDs() throws {
        let first = try ParcMessageID.make(ticketReference: "2026-00042", followupID: "7", domain: "parc.example.org")
        let second = try ParcMessageID.make(ticketReference: "2026-00042", followupID: "7", domain: "parc.example.org")
        #expect(first != second)
        #expect(first.token.count == 16)
        #expect(throws: TicketReferenceError.self) {
            try ParcMessageID.make(ticketReference: "bad ref", domain: "parc.example.org")
        }
        #expect(throws: TicketReferenceError.self) {
            try ParcMessageID.make(ticketReference: "42", followupID: "", domain: "parc.example.org")
        }
        #expect(throws: TicketReferenceError.self) {
            try ParcMessageID(ticketReference: "42", token: "a.b", domain: "parc.example.org")
        }
        #expect(throws: TicketReferenceError.self) {
            try ParcMessageID.make(ticketReference: "42", domain: "not a domain")
        }
    }

    // MARK: - Finder

    @Test("In-Reply-To wins over References (newest first), which win over the subject")
    func finderOrder() {
        let finder = TicketReferenceFinder(messageIDDomains: ["parc.example.org"])
        let older = "ticket-2026-00001.aaa@parc.example.org"
        let newer = "ticket-2026-00002.followup-3.bbb@parc.example.org"
        let replied = "ticket-2026-00003.ccc@parc.example.org"
        #expect(
            finder.find(subject: "[Parc #2026-00009]", inReplyTo: [replied], references: [older, newer])?.reference
                == "2026-00003")
        let fromReferences = finder.find(
            subject: "[Parc #2026-00009]", inReplyTo: ["x@gmail.com"], references: [older, newer, "y@gmail.com"])
        #expect(fromReferences?.reference == "2026-00002")
        #expect(fromReferences?.source == .references)
        #expect(fromReferences?.messageID?.followupID == "3")
        #expect(
            finder.find(subject: "Re: [Parc #2026-00009]", inReplyTo: [], references: ["x@gmail.com"])
                == TicketReferenceMatch(reference: "2026-00009", source: .subject))
        #expect(
            finder.find(subject: "New printer", inReplyTo: ["ticket-2026-00003.ccc@other.example"], references: [])
                == nil)
    }
}
