import Fluent
import FluentKit
import Foundation
import ParcCore
import SQLKit
import Vapor

/// The escalation levels of SLA policies as the clock job fires them (docs/helpdesk-sla.md §6, decision 0056).
///
/// Each minute, the running tickets of policies that have levels are checked with ParcCore's
/// ``SLAEscalationPlanner``. A ticket with a level due is then handled in its own transaction that first takes the
/// ticket's row, reads the levels it already fired again, records the firing (unique per ticket, level and moment)
/// and applies the actions, with one history line per level: two clock runs at once — an overrun, another
/// instance taking over — fire each level once.
struct TicketEscalations {
    let db: any Database
    let services: ParcServices
    let now: Date
    let tree: EntityTree
    let audit: AuditLog

    /// How many tickets are read at a time.
    static let batch = 500

    /// Fires what is due on every running ticket; returns how many levels fired.
    func run() async throws -> Int {
        let policies = try await SLAPolicyModel.query(on: db).filter(\.$escalationJSON != nil).all()
            .compactMap { model -> SLAPolicy? in
                guard let policy = try? SLAPolicy(model), !policy.escalation.isEmpty else { return nil }
                return policy
            }
        guard !policies.isEmpty else { return 0 }
        let byID = Dictionary(uniqueKeysWithValues: policies.map { ($0.id, $0) })
        let running = [TicketStatus.new, .assigned, .planned].map(\.rawValue)
        var fired = 0
        var after: UUID?
        while true {
            var query = TicketModel.query(on: db).filter(\.$slaPolicyID ~~ Array(byID.keys)).filter(\.$status ~~ running)
            if let after { query = query.filter(\.$id > after) }
            let tickets = try await query.sort(\.$id).limit(Self.batch).all()
            guard let last = tickets.last else { break }
            after = last.id
            let ids = tickets.compactMap(\.id)
            let changes = try await TicketStatusChangeModel.query(on: db).filter(\.$ticketID ~~ ids).all()
            let firings = try await TicketEscalationModel.query(on: db).filter(\.$ticketID ~~ ids).all()
            for ticket in tickets {
                guard let policyID = ticket.slaPolicyID, let policy = byID[policyID] else { continue }
                let due = Self.due(ticket, policy: policy, changes: changes.filter { $0.ticketID == ticket.id },
                                   firings: firings.filter { $0.ticketID == ticket.id }, now: now)
                if !due.isEmpty { fired += try await fire(ticket.id!, policy: policy) }
            }
            if tickets.count < Self.batch { break }
        }
        return fired
    }

    static func due(_ ticket: TicketModel, policy: SLAPolicy, changes: [TicketStatusChangeModel],
                    firings: [TicketEscalationModel], now: Date) -> [SLAEscalationDue] {
        let history = changes.sorted { $0.changedAt < $1.changedAt }.compactMap { row in
            TicketStatus(rawValue: row.status).map { TicketStatusChange($0, at: row.changedAt) }
        }
        return SLAEscalationPlanner.due(policy.escalation, clock: TicketService.clock(of: ticket, policy: policy,
                                                                                     changes: history),
                                        at: now, fired: Set(firings.map(\.firing)))
    }

    /// Fires the levels due on one ticket, in the ticket's own transaction; returns how many fired (zero when
    /// another run got there first).
    private func fire(_ ticketID: UUID, policy: SLAPolicy) async throws -> Int {
        return try await services.writeTransaction(on: db) { db in
            try await TicketService.lock([ticketID], on: db)
            guard let ticket = try await TicketModel.find(ticketID, on: db), ticket.slaPolicyID == policy.id,
                  [TicketStatus.new, .assigned, .planned].contains(ticket.ticketStatus) else { return 0 }
            let due = Self.due(ticket, policy: policy,
                               changes: try await TicketStatusChangeModel.query(on: db).filter(\.$ticketID == ticketID).all(),
                               firings: try await TicketEscalationModel.query(on: db).filter(\.$ticketID == ticketID).all(),
                               now: now)
            let notifier = TicketNotifier(db: db, services: services, now: now, tree: tree)
            for level in due {
                let firing = level.firing(at: now)
                let row = TicketEscalationModel()
                row.id = UUID()
                row.ticketID = ticketID
                row.levelID = firing.levelID
                row.target = level.level.target.rawValue
                row.momentAt = firing.momentSeconds
                row.firedAt = firing.firedSeconds
                try await row.create(on: db)
                try await apply(level, to: ticket, notifier: notifier, audit: audit, on: db)
            }
            return due.count
        }
    }

    /// The level's actions, then its history line and its mails.
    private func apply(_ due: SLAEscalationDue, to ticket: TicketModel, notifier: TicketNotifier, audit: AuditLog,
                       on db: any Database) async throws {
        let before = ticket.auditSnapshot
        let actorsBefore = try await TicketService.actorSnapshot(of: ticket.id!, on: db)
        let usable = Set(tree.ancestors(of: ticket.entityID) + [ticket.entityID])
        var recipients: [UUID] = []
        var notifyAssignees = false
        for action in due.level.actions {
            switch action.kind {
            case .notifyAssignees:
                // Read after the other actions: a group assigned by this level hears of it too.
                notifyAssignees = true
            case .notifyUser:
                // Only someone who may work the ticket hears of it (the account may have lost its profile since).
                if let user = action.userID, try await TicketService.usersWhoMayWork([user], entity: ticket.entityID,
                                                                                  tree: tree, on: db).contains(user) {
                    recipients.append(user)
                }
            case .notifyGroup:
                if let group = action.groupID, let found = try await SupportGroupModel.find(group, on: db),
                   usable.contains(found.entityID) {
                    recipients += try await SupportGroupMemberModel.query(on: db).filter(\.$groupID == group).all()
                        .map(\.userID)
                }
            case .assignGroup:
                guard let group = action.groupID, let found = try await SupportGroupModel.find(group, on: db),
                      usable.contains(found.entityID) else { continue }
                let actors = try await TicketActorModel.query(on: db).filter(\.$ticketID == ticket.id!).all()
                guard actors.compactMap(\.groupID) != [group] else { continue }
                try await TicketActorModel.query(on: db).filter(\.$ticketID == ticket.id!)
                    .filter(\.$groupID != nil).delete()
                let row = TicketActorModel()
                row.ticketID = ticket.id!
                row.role = TicketActorRole.assignee.rawValue
                row.groupID = group
                try await row.create(on: db)
                if ticket.ticketStatus == .new {
                    ticket.status = TicketStatus.assigned.rawValue
                    try await TicketService.recordStatus(.assigned, of: ticket.id!, at: now, actor: nil, on: db)
                }
            case .raisePriority, .raisePriorityTo:
                // The targets stay: an escalation answers the SLA, it does not requalify the ticket (decision 0056).
                ticket.priority = action.raise(ticket.priority)
            }
        }
        try await ticket.update(on: db)
        var changes = FieldChange.between(before, ticket.auditSnapshot)
        changes += FieldChange.between(actorsBefore, try await TicketService.actorSnapshot(of: ticket.id!, on: db))
        let when = "\(due.level.side.rawValue) \(due.level.target.rawValue) \(due.level.offset)"
        changes.insert(FieldChange(field: "escalation", before: nil, after: "\(due.level.name) (\(when))"), at: 0)
        try await audit.record("ticket.escalated", objectType: TicketService.objectType, objectID: ticket.id!,
                               label: "\(ticket.reference) \(ticket.title)", entityID: ticket.entityID,
                               changes: changes, on: db)
        if notifyAssignees {
            let actors = try await TicketActorModel.query(on: db).filter(\.$ticketID == ticket.id!)
                .filter(\.$role == TicketActorRole.assignee.rawValue).all()
            recipients += actors.compactMap(\.userID)
            let groups = actors.compactMap(\.groupID)
            if !groups.isEmpty {
                recipients += try await SupportGroupMemberModel.query(on: db).filter(\.$groupID ~~ groups).all()
                    .map(\.userID)
            }
        }
        if !recipients.isEmpty {
            try await notifier.notify(.escalation, ticket, audience: .users(TicketService.unique(recipients)),
                                      actorID: nil, text: due.level.name)
        }
    }
}
