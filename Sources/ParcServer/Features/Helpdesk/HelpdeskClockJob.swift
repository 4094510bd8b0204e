import Fluent
import FluentKit
import Foundation
import ParcCore
import SQLKit
import Vapor

/// What time alone changes on tickets, every minute (docs/helpdesk.md):
/// - a pending ticket whose resume date has come resumes (to assigned, or new without an assignee);
/// - a solution left unanswered for the entity's approval delay is approved, and the ticket closed;
/// - deadlines that passed raise the breach flags the lists filter on;
/// - SLA policies' escalation levels that fell fire, once each (``TicketEscalations``).
struct HelpdeskClockJob: JobHandler {
    let kind = "helpdesk.clock"

    func run(payload: String, context: JobContext) async throws -> String {
        let db = context.db
        let now = context.now
        let audit = AuditLog(system: "helpdesk clock", now: now)
        let services = context.application.parc
        var resumed = 0, closed = 0
        let resuming = try await TicketModel.query(on: db).filter(\.$status == TicketStatus.pending.rawValue)
            .filter(\.$pendingResumesAt <= now).limit(500).all()
        for ticket in resuming {
            let done: Bool = try await services.writeTransaction(on: db) { db in
                guard let stored = try await TicketModel.find(ticket.id, on: db), stored.ticketStatus == .pending,
                      let resumesAt = stored.pendingResumesAt, resumesAt <= now else { return false }
                let hasAssignee = try await TicketActorModel.query(on: db).filter(\.$ticketID == stored.id!)
                    .filter(\.$role == TicketActorRole.assignee.rawValue).count() > 0
                guard let target = TicketTransition.automaticResume(
                    of: TicketPendingDetails(reason: stored.pendingReason ?? "", resumesAt: resumesAt),
                    hasAssignee: hasAssignee, now: now) else { return false }
                let before = stored.auditSnapshot
                stored.status = target.rawValue
                stored.pendingReason = nil
                stored.pendingResumesAt = nil
                try await TicketService.recordStatus(target, of: stored.id!, at: resumesAt, actor: nil, on: db)
                try await TicketService.refreshSLA(of: stored, policy: try await TicketService.slaPolicy(id: stored.slaPolicyID, on: db), now: now, on: db)
                try await stored.update(on: db)
                try await audit.record("ticket.resumed", objectType: TicketService.objectType, objectID: stored.id!,
                                       label: "\(stored.reference) \(stored.title)", entityID: stored.entityID,
                                       changes: FieldChange.between(before, stored.auditSnapshot), on: db)
                return true
            }
            if done { resumed += 1 }
        }
        let tree = try await Self.tree(db)
        var delays: [UUID: Int] = [:]
        let solved = try await TicketModel.query(on: db).filter(\.$status == TicketStatus.solved.rawValue)
            .filter(\.$solutionStatus == "waiting").filter(\.$solvedAt <= now.addingTimeInterval(-86_400)).limit(500).all()
        for ticket in solved {
            if delays[ticket.entityID] == nil {
                delays[ticket.entityID] = try await HelpdeskConfiguration.load(for: ticket.entityID, tree: tree, on: db)
                    .approvalDays
            }
            guard let solvedAt = ticket.solvedAt,
                  solvedAt.addingTimeInterval(TimeInterval(delays[ticket.entityID]! * 86_400)) <= now else { continue }
            let done: Bool = try await services.writeTransaction(on: db) { db in
                guard let stored = try await TicketModel.find(ticket.id, on: db), stored.ticketStatus == .solved,
                      stored.solutionStatus == "waiting" else { return false }
                let before = stored.auditSnapshot
                stored.status = TicketStatus.closed.rawValue
                stored.solutionStatus = "approved"
                stored.closedAt = now
                try await TicketService.recordStatus(.closed, of: stored.id!, at: now, actor: nil, on: db)
                try await stored.update(on: db)
                try await audit.record("ticket.solution_approved_automatically", objectType: TicketService.objectType,
                                       objectID: stored.id!, label: "\(stored.reference) \(stored.title)",
                                       entityID: stored.entityID,
                                       changes: FieldChange.between(before, stored.auditSnapshot), on: db)
                return true
            }
            if done { closed += 1 }
        }
        // Breach flags: an own deadline passed without being taken into account, a resolve deadline passed while
        // the clock ran (a paused clock's stored deadline is stale, and moves on its own).
        let sql = db as! any SQLDatabase
        let running = [TicketStatus.new, .assigned, .planned].map(\.rawValue)
        let ownRows = try await sql.update(TicketModel.schema).set("time_to_own_breached", to: true)
            .where("time_to_own_breached", .equal, false).where("taken_into_account_at", .is, SQLLiteral.null)
            .where("time_to_own_due", .lessThan, now).where("status", .in, Self.open.map(\.rawValue))
            .returning("id").all()
        let resolveRows = try await sql.update(TicketModel.schema).set("time_to_resolve_breached", to: true)
            .where("time_to_resolve_breached", .equal, false).where("time_to_resolve_due", .lessThan, now)
            .where("status", .in, running).returning("id").all()
        // Mail the technicians: breaches just raised, and deadlines less than an hour away.
        let breachedIDs = try (ownRows + resolveRows).map { try $0.decode(column: "id", as: UUID.self) }
        let warning = try await TicketModel.query(on: db).filter(\.$status ~~ running).filter(\.$slaWarned == false)
            .filter(\.$timeToResolveDue > now).filter(\.$timeToResolveDue <= now.addingTimeInterval(Self.warningLead))
            .limit(500).all()
        let breached = breachedIDs.isEmpty ? [] : try await TicketModel.query(on: db)
            .filter(\.$id ~~ TicketService.unique(breachedIDs)).all()
        for (event, tickets) in [(TicketMailEvent.slaBreach, breached), (.slaWarning, warning)] {
            for ticket in tickets {
                try await services.writeTransaction(on: db) { db in
                    if event == .slaWarning {
                        try await (db as! any SQLDatabase).update(TicketModel.schema).set("sla_warned", to: true)
                            .where("id", .equal, ticket.id!).run()
                    }
                    try await TicketNotifier(db: db, services: services, now: now, tree: tree)
                        .notify(event, ticket, audience: .assignees, actorID: nil)
                }
            }
        }
        let escalated = try await TicketEscalations(db: db, services: services, now: now, tree: tree, audit: audit).run()
        return "resumed \(resumed), closed \(closed), newly breached \(ownRows.count + resolveRows.count), "
            + "escalation levels fired \(escalated)"
    }

    static let open: [TicketStatus] = [.new, .assigned, .planned, .pending]

    /// How long before a time-to-resolve deadline the technicians are warned.
    static let warningLead: TimeInterval = 3600

    static func tree(_ db: any Database) async throws -> EntityTree {
        EntityTree(try await EntityModel.query(on: db).all().map(\.node))
    }
}
