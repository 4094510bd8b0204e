import Fluent
import Foundation
import ParcCore
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import ParcServer

@Suite("Helpdesk mail: messages become tickets and followups; automatic mail and strangers are dropped")
struct HelpdeskMailTests {
    static func message(from: String, subject: String, body: String, headers: [String] = [],
                        messageID: String = "<\(UUID().uuidString)@mail.example.org>") -> [UInt8] {
        Array(([
            "From: \(from)", "To: support@parc.example.org", "Subject: \(subject)",
            "Date: Mon, 30 Nov 2026 09:00:00 +0100", "Message-ID: \(messageID)", "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit",
        ] + headers + ["", body, ""]).joined(separator: "\r\n").utf8)
    }

    static func deliver(_ app: Application, _ raw: [UInt8], entity: UUID) async throws -> InboundMailOutcome {
        let sink = TicketMailSink(services: app.parc)
        return try await app.db.transaction { db in try await sink.accept(raw, from: .pipe(entityID: entity), on: db) }
    }

    @Test("a requester's mail opens a ticket, her reply follows it up without the quoted text", arguments: TestDatabase.all)
    func mailToTicket(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let w = try await HelpdeskWorld.make(app)
            let alpha = w.t.alpha.id!
            let created = try await Self.deliver(app, Self.message(
                from: "Rita <RITA@example.org>", subject: "Imprimante bloquée au 2e étage",
                body: "Bonjour,\nl'imprimante affiche « bourrage ».\nRita"), entity: alpha)
            guard case .createdTicket(let id) = created else { Issue.record("\(created)"); return }
            let ticket = try await w.get(w.t.alphaToken, id)
            #expect(ticket["title"] as? String == "Imprimante bloquée au 2e étage" && ticket["source"] as? String == "mail")
            #expect((ticket["requesters"] as? [[String: Any]])?.first?["name"] as? String == "Rita")
            #expect((ticket["description"] as? String)?.contains("bourrage") == true)
            let reference = try #require(ticket["reference"] as? String)
            // The reply quotes the reference in the subject; the quoted message is left out.
            let reply = try await Self.deliver(app, Self.message(
                from: "rita@example.org", subject: "RE: [Parc #\(reference)] Imprimante bloquée au 2e étage",
                body: "Elle refonctionne après redémarrage.\n\nLe 30/11/2026 à 09:00, Parc a écrit :\n> Bonjour,\n> ancien texte"),
                entity: alpha)
            #expect(reply == .addedFollowup(ticketID: id))
            let followups = try json(try await w.call(w.t.alphaToken, .GET, "/api/v1/tickets/\(id)/followups"))
            let bodies = (followups["items"] as? [[String: Any]])?.compactMap { $0["body"] as? String } ?? []
            #expect(bodies.count == 1 && bodies[0].contains("redémarrage") && !bodies[0].contains("ancien texte"), "\(bodies)")
            // Automatic replies and bounces are dropped.
            let away = try await Self.deliver(app, Self.message(
                from: "rita@example.org", subject: "Absence : [Parc #\(reference)]", body: "Je suis absente.",
                headers: ["Auto-Submitted: auto-replied"]), entity: alpha)
            if case .dropped(.autoReply, _) = away {} else { Issue.record("\(away)") }
            let bounce = try await Self.deliver(app, Array("""
                From: MAILER-DAEMON@example.org\r\nTo: support@parc.example.org\r\nSubject: Undelivered Mail Returned to Sender\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nThis is the mail system.\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; example.org\r\n\r\nFinal-Recipient: rfc822; nobody@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n--b--\r\n
                """.utf8), entity: alpha)
            if case .dropped(.bounce, _) = bounce {} else { Issue.record("\(bounce)") }
            // Someone not on the ticket cannot follow it up by quoting its reference.
            let outsider = try await Self.deliver(app, Self.message(
                from: "carol@example.org", subject: "Re: [Parc #\(reference)]", body: "Moi aussi"), entity: alpha)
            if case .dropped(.refused, _) = outsider {} else { Issue.record("\(outsider)") }
            #expect(try await TicketFollowupModel.query(on: app.db).count() == 1)
        }
    }

    @Test("strangers: refused by default, accepted when the entity says so, and their replies follow up",
          arguments: TestDatabase.all)
    func strangers(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let w = try await HelpdeskWorld.make(app)
            let alpha = w.t.alpha.id!
            let first = try await Self.deliver(app, Self.message(from: "parent@famille.example", subject: "Cantine",
                                                                 body: "Le site ne marche pas."), entity: alpha)
            if case .dropped(.unknownSender, _) = first {} else { Issue.record("\(first)") }
            #expect(try await TicketModel.query(on: app.db).count() == 0)
            let set = try await w.call(w.t.superToken, .PATCH, "/api/v1/helpdesk-settings/\(alpha)", #"{"unknown_senders":"accept"}"#)
            #expect(set.status == .ok)
            let again = try await Self.deliver(app, Self.message(from: "Parent <parent@famille.example>", subject: "Cantine",
                                                                 body: "Le site ne marche pas."), entity: alpha)
            guard case .createdTicket(let id) = again else { Issue.record("\(again)"); return }
            let ticket = try await w.get(w.t.alphaToken, id)
            #expect((ticket["requesters"] as? [[String: Any]])?.first?["email"] as? String == "parent@famille.example")
            let reference = try #require(ticket["reference"] as? String)
            let reply = try await Self.deliver(app, Self.message(from: "parent@famille.example",
                                                                 subject: "Re: [Parc #\(reference)] Cantine", body: "Merci !"),
                                               entity: alpha)
            #expect(reply == .addedFollowup(ticketID: id))
            // Mail to one entity never reaches another entity's ticket.
            let beta = try await Self.deliver(app, Self.message(from: "parent@famille.example",
                                                                subject: "Re: [Parc #\(reference)] Cantine", body: "?"),
                                              entity: w.t.beta.id!)
            if case .dropped(.unknownSender, _) = beta {} else { Issue.record("\(beta)") }
        }
    }
}
