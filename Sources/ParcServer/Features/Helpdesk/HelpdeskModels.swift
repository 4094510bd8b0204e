import FluentKit
import Foundation
import ParcCore

/// A ticket: an incident or a request, its qualification, status and SLA deadlines (docs/helpdesk.md).
///
/// The deadlines are stored as they stand after the last change, so that lists can filter and sort on them; the
/// ticket page recomputes them at "now" from the status history (`ticket_status_changes`), which also moves the
/// time-to-resolve deadline of a pending ticket as the pause goes on.
final class TicketModel: Model, @unchecked Sendable {
    static let schema = "tickets"

    @ID(key: .id) var id: UUID?
    /// The database's row number (``RowNumbers``); the reference is built from it.
    @OptionalField(key: "num") var number: Int64?
    @Field(key: "reference") var reference: String
    @Field(key: "entity_id") var entityID: UUID
    /// `incident` or `request`.
    @Field(key: "type") var type: String
    @OptionalField(key: "category_id") var categoryID: UUID?
    @Field(key: "title") var title: String
    /// Markdown, rendered through `SafeMarkdown`.
    @Field(key: "description") var description: String
    @Field(key: "status") var status: String
    @Field(key: "urgency") var urgency: Int
    @Field(key: "impact") var impact: Int
    @Field(key: "priority") var priority: Int
    /// `web`, `mail`, `phone`, `api`, `monitoring`.
    @Field(key: "source") var source: String
    @OptionalField(key: "location") var location: String?
    /// JSON array of strings.
    @Field(key: "tags") var tagsJSON: String
    @OptionalField(key: "pending_reason") var pendingReason: String?
    @OptionalField(key: "pending_resumes_at") var pendingResumesAt: Date?
    @OptionalField(key: "sla_policy_id") var slaPolicyID: UUID?
    /// The targets the SLA gave at opening (`30m`, `4h`, `2d`), kept so a later change of policy does not move
    /// the deadlines of open tickets.
    @OptionalField(key: "time_to_own_target") var timeToOwnTarget: String?
    @OptionalField(key: "time_to_resolve_target") var timeToResolveTarget: String?
    @OptionalField(key: "time_to_own_due") var timeToOwnDue: Date?
    @OptionalField(key: "time_to_resolve_due") var timeToResolveDue: Date?
    @Field(key: "time_to_own_breached") var timeToOwnBreached: Bool
    @Field(key: "time_to_resolve_breached") var timeToResolveBreached: Bool
    /// Whether the "deadline near" warning was sent for the current time-to-resolve deadline.
    @Field(key: "sla_warned") var slaWarned: Bool
    @Field(key: "opened_at") var openedAt: Date
    @OptionalField(key: "taken_into_account_at") var takenIntoAccountAt: Date?
    @OptionalField(key: "solved_at") var solvedAt: Date?
    @OptionalField(key: "closed_at") var closedAt: Date?
    @OptionalField(key: "solution") var solution: String?
    /// The intervention sheet: what the technician found, and the parts used (one per line).
    @OptionalField(key: "diagnosis") var diagnosis: String?
    @OptionalField(key: "parts") var parts: String?
    /// `waiting`, `approved`, `refused`; nil without a solution.
    @OptionalField(key: "solution_status") var solutionStatus: String?
    @OptionalField(key: "created_by") var createdBy: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var tags: [String] { (try? JSONDecoder().decode([String].self, from: Data(tagsJSON.utf8))) ?? [] }
    var ticketStatus: TicketStatus { TicketStatus(rawValue: status) ?? .new }

    /// The fields the history compares.
    var auditSnapshot: [String: String?] {
        ["title": title, "description": description, "type": type, "category_id": categoryID?.uuidString,
         "status": status, "urgency": String(urgency), "impact": String(impact), "priority": String(priority),
         "location": location, "tags": tagsJSON, "pending_reason": pendingReason,
         "pending_resumes_at": pendingResumesAt.map { ISO8601DateFormatter().string(from: $0) }, "entity_id": entityID.uuidString,
         "solution": solution, "solution_status": solutionStatus, "diagnosis": diagnosis, "parts": parts]
    }
}

/// Who is on a ticket, and as what: requesters, observers, assigned technicians and groups. A requester known
/// only by mail address (mail from someone without an account) has an address and no user.
final class TicketActorModel: Model, @unchecked Sendable {
    static let schema = "ticket_actors"

    @ID(key: .id) var id: UUID?
    @Field(key: "ticket_id") var ticketID: UUID
    /// `requester`, `observer`, `assignee`.
    @Field(key: "role") var role: String
    @OptionalField(key: "user_id") var userID: UUID?
    @OptionalField(key: "group_id") var groupID: UUID?
    @OptionalField(key: "email") var email: String?

    init() {}
}

enum TicketActorRole: String, CaseIterable, Sendable { case requester, observer, assignee }

/// A status the ticket entered, when, and by whom: the SLA clocks read them.
final class TicketStatusChangeModel: Model, @unchecked Sendable {
    static let schema = "ticket_status_changes"

    @ID(key: .id) var id: UUID?
    @Field(key: "ticket_id") var ticketID: UUID
    @Field(key: "status") var status: String
    @Field(key: "changed_at") var changedAt: Date
    @OptionalField(key: "actor_id") var actorID: UUID?

    init() {}
}

/// A followup: a message on the ticket, public (the requester sees it) or private (technicians only).
final class TicketFollowupModel: Model, @unchecked Sendable {
    static let schema = "ticket_followups"

    @ID(key: .id) var id: UUID?
    @Field(key: "ticket_id") var ticketID: UUID
    @OptionalField(key: "author_id") var authorID: UUID?
    @Field(key: "author_name") var authorName: String
    @Field(key: "body") var body: String
    @Field(key: "is_private") var isPrivate: Bool
    /// `web`, `mail`, `api`, `phone`.
    @Field(key: "source") var source: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// A task: work planned on the ticket, with the time it took.
final class TicketTaskModel: Model, @unchecked Sendable {
    static let schema = "ticket_tasks"

    @ID(key: .id) var id: UUID?
    @Field(key: "ticket_id") var ticketID: UUID
    @Field(key: "description") var description: String
    @OptionalField(key: "technician_id") var technicianID: UUID?
    @OptionalField(key: "planned_at") var plannedAt: Date?
    @OptionalField(key: "planned_minutes") var plannedMinutes: Int?
    @Field(key: "spent_minutes") var spentMinutes: Int
    @Field(key: "done") var done: Bool
    @Field(key: "is_private") var isPrivate: Bool
    @OptionalField(key: "author_id") var authorID: UUID?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}

/// The requester's answer to the satisfaction survey of a closed ticket: one per ticket.
final class TicketSatisfactionModel: Model, @unchecked Sendable {
    static let schema = "ticket_satisfaction"

    @ID(custom: "ticket_id", generatedBy: .user) var id: UUID?
    @Field(key: "entity_id") var entityID: UUID
    /// 1 (very dissatisfied) to 5 (very satisfied).
    @Field(key: "rating") var rating: Int
    @OptionalField(key: "comment") var comment: String?
    @OptionalField(key: "user_id") var userID: UUID?
    @Field(key: "answered_at") var answeredAt: Date

    init() {}
}

/// A user's choice not to receive one kind of ticket mail (every kind is sent unless turned off).
final class NotificationOptOutModel: Model, @unchecked Sendable {
    static let schema = "ticket_notification_opt_outs"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "event") var event: String

    init() {}
}

/// An entity's own wording of one ticket mail in one language (`{{placeholders}}` as in the catalogues).
final class TicketMailTemplateModel: Model, @unchecked Sendable {
    static let schema = "ticket_mail_templates"

    @ID(key: .id) var id: UUID?
    @Field(key: "entity_id") var entityID: UUID
    @Field(key: "event") var event: String
    @Field(key: "language") var language: String
    @Field(key: "subject") var subject: String
    @Field(key: "body") var body: String
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}

/// A business rule of an entity (ParcCore's ``TicketRule``, stored as JSON), run on tickets opened in the entity
/// and its sub-entities, ancestors' rules first, then by position.
final class TicketRuleModel: Model, @unchecked Sendable {
    static let schema = "ticket_rules"

    @ID(key: .id) var id: UUID?
    @Field(key: "entity_id") var entityID: UUID
    @Field(key: "position") var position: Int
    @Field(key: "rule") var ruleJSON: String
    /// A rule turned off stays in its place and does not run.
    @Field(key: "enabled") var enabled: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var rule: TicketRule? { try? JSONDecoder().decode(TicketRule.self, from: Data(ruleJSON.utf8)) }
}

/// An escalation level a ticket fired (ParcCore's ``SLAEscalationFiring``): one row per level and moment, so that
/// a level fires once however many clock jobs run at once.
final class TicketEscalationModel: Model, @unchecked Sendable {
    static let schema = "ticket_escalations"

    @ID(key: .id) var id: UUID?
    @Field(key: "ticket_id") var ticketID: UUID
    @Field(key: "level_id") var levelID: String
    /// `time_to_own` or `time_to_resolve`.
    @Field(key: "target") var target: String
    @Field(key: "moment_at") var momentAt: Int64
    @Field(key: "fired_at") var firedAt: Int64

    init() {}

    var firing: SLAEscalationFiring {
        SLAEscalationFiring(levelID: levelID, momentSeconds: momentAt, firedSeconds: firedAt)
    }
}

/// An asset the ticket is about.
final class TicketAssetModel: Model, @unchecked Sendable {
    static let schema = "ticket_assets"

    @ID(key: .id) var id: UUID?
    @Field(key: "ticket_id") var ticketID: UUID
    @Field(key: "asset_id") var assetID: UUID

    init() {}
}

/// A link between two tickets: `duplicate` (this one duplicates the other), `related`, `parent` (the other is this
/// one's parent).
final class TicketLinkModel: Model, @unchecked Sendable {
    static let schema = "ticket_links"

    @ID(key: .id) var id: UUID?
    @Field(key: "ticket_id") var ticketID: UUID
    @Field(key: "other_id") var otherID: UUID
    @Field(key: "kind") var kind: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// A node of an entity's category tree, with what a ticket of the category gets by default.
final class TicketCategoryModel: Model, @unchecked Sendable {
    static let schema = "ticket_categories"

    @ID(key: .id) var id: UUID?
    @Field(key: "entity_id") var entityID: UUID
    @OptionalField(key: "parent_id") var parentID: UUID?
    @Field(key: "name") var name: String
    @OptionalField(key: "default_group_id") var defaultGroupID: UUID?
    @OptionalField(key: "sla_policy_id") var slaPolicyID: UUID?
    /// Markdown that pre-fills the description of a new ticket of this category.
    @OptionalField(key: "template") var template: String?
    /// JSON ``TicketTemplate``: predefined values and mandatory fields; nil when the category asks for nothing.
    @OptionalField(key: "template_fields") var templateFieldsJSON: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    /// The category's ticket template; an unreadable stored value (never written by Parc) asks for nothing.
    var ticketTemplate: TicketTemplate {
        guard let json = templateFieldsJSON, let data = json.data(using: .utf8) else { return TicketTemplate() }
        return (try? JSONDecoder().decode(TicketTemplate.self, from: data)) ?? TicketTemplate()
    }
}

/// A team of technicians tickets are assigned to ("Support N1", "Réseau").
final class SupportGroupModel: Model, @unchecked Sendable {
    static let schema = "support_groups"

    @ID(key: .id) var id: UUID?
    @Field(key: "entity_id") var entityID: UUID
    @Field(key: "name") var name: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

final class SupportGroupMemberModel: Model, @unchecked Sendable {
    static let schema = "support_group_members"

    @ID(key: .id) var id: UUID?
    @Field(key: "group_id") var groupID: UUID
    @Field(key: "user_id") var userID: UUID

    init() {}
}

/// An SLA policy: a business calendar and the targets by priority and category (ParcCore's ``SLATargets``).
final class SLAPolicyModel: Model, @unchecked Sendable {
    static let schema = "sla_policies"

    @ID(key: .id) var id: UUID?
    @Field(key: "entity_id") var entityID: UUID
    @Field(key: "name") var name: String
    /// JSON ``BusinessCalendarSpec``.
    @Field(key: "calendar") var calendarJSON: String
    /// JSON array of rules (see ``SLAPolicyRuleInput``).
    @Field(key: "rules") var rulesJSON: String
    /// JSON array of ParcCore ``SLAEscalationLevel``; nil without escalation.
    @OptionalField(key: "escalation") var escalationJSON: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
}

/// An entity's helpdesk settings. An entity without a row inherits its parent's, up to the defaults.
final class HelpdeskSettingsModel: Model, @unchecked Sendable {
    static let schema = "helpdesk_settings"

    @ID(custom: "entity_id", generatedBy: .user) var id: UUID?
    /// JSON 5 × 5 array, nil: GLPI's default matrix.
    @OptionalField(key: "priority_matrix") var priorityMatrixJSON: String?
    /// The SLA of tickets whose category names none.
    @OptionalField(key: "default_sla_policy_id") var defaultSLAPolicyID: UUID?
    /// Days after which a solution nobody answered is approved.
    @Field(key: "approval_days") var approvalDays: Int
    /// What mail from an address no account has does: `refuse` (dropped) or `accept` (a ticket with the address as
    /// requester); nil inherits.
    @OptionalField(key: "unknown_senders") var unknownSenders: String?
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}
