import Fluent
import FluentKit
import Foundation
import ParcCore
import ParcMail
import SQLKit
import Vapor

/// Mail to tickets (docs/mail-in.md §3): a message quoting a ticket's reference becomes a followup of that ticket
/// when its sender is on the ticket or works it; any other personal message opens a ticket in the mailbox's entity,
/// its sender the requester. Automatic replies, bounces, bulk mail and Parc's own mail coming back are dropped.
/// A sender without an account follows the entity's policy (`unknown_senders`: `refuse` by default, or `accept`).
/// The message's files, inline images included, are kept on the ticket or followup within the entity's attachment
/// limits; those refused are named in the text with the reason (decision 0052).
struct TicketMailSink: InboundMailSink {
    let services: ParcServices

    static let actorName = "mail"

    func accept(_ raw: [UInt8], from source: InboundMailSource, on db: any Database) async throws -> InboundMailOutcome {
        let message: InboundMessage
        do {
            // An attachment over the parser's ceiling is left out and named rather than losing the whole message.
            message = try InboundMessageParser(limits: InboundMailLimits(oversizedAttachments: .omitAttachment))
                .parse(raw)
        } catch {
            return .dropped(.unreadable, detail: "\(error)")
        }
        let tree = try await HelpdeskClockJob.tree(db)
        let identity = try await Self.identity(tree: tree, services: services, on: db)
        let classification = InboundMailClassifier(configuration: .init(
            instanceID: identity.instanceID, ownAddresses: identity.ownAddresses,
            messageIDDomains: identity.domains)).classify(message)
        switch classification {
        case .personal: break
        case .loop: return .dropped(.loop, detail: classification.description)
        case .bounce: return .dropped(.bounce, detail: classification.description)
        case .autoReply: return .dropped(.autoReply, detail: classification.description)
        case .bulk: return .dropped(.refused, detail: classification.description)
        }
        guard let sender = (message.replyAddress ?? message.from)?.address.lowercased() else {
            return .dropped(.unreadable, detail: "the message names no sender (From)")
        }
        let now = services.clock.now()
        let audit = AuditLog(system: "\(Self.actorName) <\(sender)>", now: now)
        let user = try await UserModel.query(on: db).filter(\.$isActive == true).all()
            .first { $0.email?.lowercased() == sender }
        let scope = Set(tree.subtree(of: source.entityID))
        if let match = TicketReferenceFinder(subjectTag: .default, messageIDDomains: identity.domains).find(in: message),
           let ticket = try await TicketModel.query(on: db).filter(\.$reference == match.reference).first(),
           scope.contains(ticket.entityID) {
            let actors = try await TicketActorModel.query(on: db).filter(\.$ticketID == ticket.id!).all()
            var works = false
            if let user {
                works = try await TicketService.usersWhoMayWork([user.id!], entity: ticket.entityID, tree: tree, on: db)
                    .contains(user.id!)
            }
            let onTicket = actors.contains { actor in
                (user != nil && actor.userID == user?.id) || actor.email?.lowercased() == sender
            }
            guard works || onTicket else {
                return .dropped(.refused, detail: "\(sender) is neither on ticket \(ticket.reference) nor works it")
            }
            let files = Self.attachments(of: message, limits: try await TicketAttachmentStore.limits(
                for: ticket.entityID, tree: tree, on: db),
                alreadyOnTicket: try await TicketAttachmentStore.bytesOnTicket(ticket.id!, on: db))
            let body = Self.text(message.body.newMarkdown.isEmpty ? message.body.markdown : message.body.newMarkdown,
                                 kept: files.kept, refused: files.refused)
            guard !body.isEmpty else { return .dropped(.refused, detail: "the reply holds no new text") }
            _ = try await TicketService.appendFollowup(
                to: ticket.id!, body: body, isPrivate: false, source: .mail,
                author: (user?.id, user?.displayName ?? sender), byTechnician: works, audit: audit, now: now,
                services: services, on: db, attachments: files.kept, checkingAttachments: false)
            return .addedFollowup(ticketID: ticket.id!)
        }
        let configuration = try await HelpdeskConfiguration.load(for: source.entityID, tree: tree, on: db)
        if user == nil, configuration.unknownSenders != .accept {
            return .dropped(.unknownSender, detail: "\(sender) has no account and the entity refuses unknown senders")
        }
        var title = TicketSubjectTag.default.title(fromSubject: message.subject)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        title = String(title.unicodeScalars.filter { $0.properties.generalCategory != .control }
            .map(Character.init).prefix(TicketLimits.title))
        if title.isEmpty { title = "(no subject) — \(sender)" }
        let files = Self.attachments(of: message, limits: try await TicketAttachmentStore.limits(
            for: source.entityID, tree: tree, on: db), alreadyOnTicket: 0)
        var description = Self.text(message.body.markdown, kept: files.kept, refused: files.refused)
        if description.isEmpty { description = "—" }
        var opening = TicketService.TicketOpening(
            entityID: source.entityID, kind: .incident, title: title, description: description, urgency: 3, impact: 3,
            priority: nil, category: nil, source: .mail, location: nil, tags: [],
            requesters: user.map { [$0.id!] } ?? [], emailRequesters: user == nil ? [sender] : [], observers: [],
            assignees: [], groups: [], assets: [], createdBy: user?.id)
        opening.attachments = files.kept
        opening.authorName = user?.displayName ?? sender
        let ticket = try await TicketService.open(opening, audit: audit, now: now, tree: tree, services: services, on: db)
        return .createdTicket(id: ticket.id!)
    }

    /// The message's files, inline images included, sorted by the entity's limits into those kept and those refused
    /// with the reason (with those the parser left out for their size).
    static func attachments(of message: InboundMessage, limits: TicketAttachmentLimits, alreadyOnTicket: Int)
        -> (kept: [AttachmentUpload], refused: [(filename: String, reason: String)])
    {
        let files = message.attachments
        let (accepted, refusals) = limits.sort(files.map { ($0.filename, $0.size) }, alreadyOnTicket: alreadyOnTicket)
        let kept = accepted.map { index in
            AttachmentUpload(filename: files[index].filename, bytes: files[index].bytes, isInline: files[index].isInline,
                             contentID: files[index].contentID)
        }
        let refused = refusals.map { (filename: $0.refusal.filename, reason: $0.refusal.description) }
            + message.omittedAttachments.map { (filename: $0.filename, reason: $0.reason.description) }
        return (kept, refused)
    }

    /// The text of a ticket or followup from mail: within the limit, naming the files refused and why. A message
    /// with files and no text says which files it brought.
    static func text(_ markdown: String, kept: [AttachmentUpload], refused: [(filename: String, reason: String)])
        -> String
    {
        var text = String(markdown.unicodeScalars.filter {
            $0.properties.generalCategory != .control || $0 == "\n" || $0 == "\t"
        }.map(Character.init)).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty, !kept.isEmpty {
            text = "_Attached: " + kept.map(\.filename).joined(separator: ", ") + "_"
        }
        if !refused.isEmpty {
            text += "\n\n_Attachments not kept:_\n\n" + refused.map { "- \($0.filename): \($0.reason)" }
                .joined(separator: "\n")
            text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if text.count > TicketLimits.description {
            text = String(text.prefix(TicketLimits.description - 40)) + "\n\n_[truncated]_"
        }
        return text
    }

    struct Identity {
        let instanceID: String
        let ownAddresses: Set<String>
        let domains: Set<String>
    }

    /// How Parc recognises its own mail: the installation's identifier (its root entity's id, random and stable),
    /// the addresses it sends from and collects, and the domain of its Message-IDs.
    static func identity(tree: EntityTree, services: ParcServices, on db: any Database) async throws -> Identity {
        let instance = tree.roots.map(\.uuidString).sorted().first ?? "parc"
        var addresses = Set<String>()
        var domains = Set<String>()
        if let from = services.configuration.mail?.from.address.lowercased() {
            addresses.insert(from)
            if let domain = from.split(separator: "@").last { domains.insert(String(domain)) }
        }
        if let host = services.configuration.publicURL?.host?.lowercased() { domains.insert(host) }
        return Identity(instanceID: instance, ownAddresses: addresses, domains: domains)
    }
}
