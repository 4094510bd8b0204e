import Fluent
import FluentKit
import Foundation
import ParcCore
import ParcMail
import SQLKit
import Vapor

/// The ticket mails (docs/helpdesk.md §Mail out).
enum TicketMailEvent: String, CaseIterable, Sendable {
    case new, assigned, followup, solved
    case slaWarning = "sla_warning"
    case slaBreach = "sla_breach"
    /// An SLA policy's escalation level fell (docs/helpdesk-sla.md §6).
    case escalation

    /// The catalogue template: `mail.ticket_<event>.subject` and `.body`.
    var template: String { "ticket_\(rawValue)" }
}

/// Queues the mails a ticket change causes, in the transaction of the change (the platform's outbox sends them).
///
/// - Nobody is told of their own action, and nobody who turned the event off (``NotificationOptOutModel``).
/// - Each account gets its own language; a requester known only by address gets French then English.
/// - The entity's own wording (``TicketMailTemplateModel``, the nearest entity up the tree that has one) replaces
///   the catalogue's.
/// - Every subject carries the ticket's tag (`[Parc #2026-00042]`), so that a reply becomes a followup.
struct TicketNotifier {
    let db: any Database
    let services: ParcServices
    let now: Date
    let tree: EntityTree

    /// Who receives what: assignees include the members of assigned groups.
    enum Audience {
        case requesters
        case requestersAndAssignees
        case assignees
        case users([UUID])
    }

    func notify(_ event: TicketMailEvent, _ ticket: TicketModel, audience: Audience, actorID: UUID?,
                text: String? = nil) async throws {
        let actors = try await TicketActorModel.query(on: db).filter(\.$ticketID == ticket.id!).all()
        var userIDs: [UUID] = []
        var addresses: [String] = []
        func requesters() {
            for actor in actors where actor.role != TicketActorRole.assignee.rawValue {
                if let id = actor.userID { userIDs.append(id) } else if let email = actor.email { addresses.append(email) }
            }
        }
        func assignees() async throws {
            userIDs += actors.filter { $0.role == TicketActorRole.assignee.rawValue }.compactMap(\.userID)
            let groups = actors.compactMap(\.groupID)
            if !groups.isEmpty {
                userIDs += try await SupportGroupMemberModel.query(on: db).filter(\.$groupID ~~ groups).all().map(\.userID)
            }
        }
        switch audience {
        case .requesters: requesters()
        case .requestersAndAssignees:
            requesters()
            try await assignees()
        case .assignees: try await assignees()
        case .users(let ids): userIDs = ids
        }
        userIDs = TicketService.unique(userIDs).filter { $0 != actorID }
        let optedOut = userIDs.isEmpty ? Set<UUID>() : Set(try await NotificationOptOutModel.query(on: db)
            .filter(\.$userID ~~ userIDs).filter(\.$event == event.rawValue).all().map(\.userID))
        let users = userIDs.isEmpty ? [] : try await UserModel.query(on: db).filter(\.$id ~~ userIDs)
            .filter(\.$isActive == true).all().filter { !optedOut.contains($0.id!) && !($0.email ?? "").isEmpty }
        let mailer = Mailer(db: db, catalog: services.catalog, now: now)
        for user in users.sorted(by: { $0.login < $1.login }) {
            let language = user.language.flatMap(Language.init(rawValue:)) ?? .en
            let timeZone = user.timeZone.flatMap(TimeZone.init(identifier:)) ?? .current
            let (subject, body) = try await render(event, ticket, language: language, timeZone: timeZone, text: text)
            try await send(mailer, to: user.email!, subject: subject, body: body, ticket: ticket)
        }
        let actorEmail = try await actorID.asyncMap { try await UserModel.find($0, on: db)?.email?.lowercased() } ?? nil
        for address in Set(addresses.map { $0.lowercased() }).sorted() where address != actorEmail {
            let paris = TimeZone(identifier: "Europe/Paris") ?? .current
            let french = try await render(event, ticket, language: .fr, timeZone: paris, text: text)
            let english = try await render(event, ticket, language: .en, timeZone: paris, text: text)
            try await send(mailer, to: address, subject: french.subject,
                           body: french.body + "\n\n— — —\n\n" + english.body, ticket: ticket)
        }
    }

    private func send(_ mailer: Mailer, to address: String, subject: String, body: String, ticket: TicketModel)
        async throws
    {
        do {
            // The Message-ID names the ticket (`ticket-2026-00042.…@domain`): a reply that drops the subject tag still
            // threads back through In-Reply-To (TicketReferenceFinder).
            let domain = services.configuration.mail.flatMap { $0.from.address.split(separator: "@").last.map(String.init) }
            let messageID = domain.flatMap { try? ParcMessageID.make(ticketReference: ticket.reference, domain: $0.lowercased()) }
            try await mailer.enqueue(to: [address], subject: subject, text: body, template: "ticket",
                                     entityID: ticket.entityID, messageID: messageID?.value)
        } catch let error as Mailer.MailError {
            // One bad address must not undo the change or the others' mails.
            Logger(label: "parc.helpdesk.mail").warning("ticket mail not queued", metadata: ["error": "\(error)"])
        }
    }

    /// The subject and body in `language`: the entity's wording if it has one, else the catalogue's.
    func render(_ event: TicketMailEvent, _ ticket: TicketModel, language: Language, timeZone: TimeZone,
                text: String?) async throws -> (subject: String, body: String) {
        let chain = Array((tree.ancestors(of: ticket.entityID) + [ticket.entityID]).reversed())
        let own = try await TicketMailTemplateModel.query(on: db).filter(\.$entityID ~~ chain)
            .filter(\.$event == event.rawValue).filter(\.$language == language.rawValue).all()
        let chosen = chain.lazy.compactMap { entity in own.first { $0.entityID == entity } }.first
        let catalog = services.catalog
        let subjectSource = chosen?.subject ?? catalog.text("mail.\(event.template).subject", language)
        let bodySource = chosen?.body ?? catalog.text("mail.\(event.template).body", language)
        let server = services.configuration.serverURL
        let values: [String: String] = [
            "reference": ticket.reference, "title": ticket.title,
            "status": catalog.text("tickets.status.\(ticket.status)", language),
            "priority": catalog.text("tickets.priority.\(ticket.priority)", language),
            "entity": tree.path(of: ticket.entityID),
            "url": server + "/tickets/\(ticket.id!.uuidString)",
            "text": text ?? "",
            "due": ticket.timeToResolveDue.map { ParcFormat.dateTime($0, language: language, timeZone: timeZone) } ?? "—",
        ]
        do {
            let subject = try TextTemplate(subjectSource).render(values)
            let body = try TextTemplate(bodySource).render(values)
            // The tag lets a reply find the ticket, whatever an entity's wording says.
            let tag = "[Parc #\(ticket.reference)]"
            return (subject.contains(tag) ? subject : tag + " " + subject, body)
        } catch {
            // A stored template that no longer renders falls back to the catalogue's (validated at save time).
            let subject = (try? TextTemplate(catalog.text("mail.\(event.template).subject", language)).render(values)) ?? ticket.title
            let body = (try? TextTemplate(catalog.text("mail.\(event.template).body", language)).render(values)) ?? ""
            return (subject, body)
        }
    }

    /// The placeholders a template may use.
    static let placeholders: Set<String> = ["reference", "title", "status", "priority", "entity", "url", "text", "due"]
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
