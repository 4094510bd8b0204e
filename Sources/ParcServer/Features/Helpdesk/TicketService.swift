import Fluent
import FluentKit
import Foundation
import ParcCore
import SQLKit
import Vapor

/// Tickets as people work them, from the pages, `/api/v1` and mail: open, qualify, assign, move through the
/// lifecycle, follow up, plan tasks, solve, and answer a solution. Every write is one transaction with its history
/// line (decision 0038); the SLA deadlines are recomputed by ParcCore's ``SLAClock`` at each change.
struct TicketService {
    let request: Request

    var db: any Database { request.db }

    /// The audit log's object type of a ticket.
    static let objectType = "ticket"

    // MARK: access

    /// Who the user is to tickets: the entities where they see every ticket, where they may only open and follow
    /// their own, and where they may work them.
    struct Access: Sendable {
        let userID: UUID
        let readAll: Set<UUID>
        let own: Set<UUID>
        let update: Set<UUID>

        func mayUpdate(_ ticket: TicketModel) -> Bool { update.contains(ticket.entityID) }
    }

    func access() async throws -> Access {
        let user = try request.requireUser()
        return Access(userID: user.id, readAll: try await request.entities(for: .ticketsRead),
                      own: try await request.entities(for: .ticketsCreate),
                      update: try await request.entities(for: .ticketsUpdate))
    }

    /// The ticket, if the user may see it: 404 otherwise, as for an unknown id.
    func find(_ id: UUID?) async throws -> TicketModel {
        guard let id, let ticket = try await TicketModel.find(id, on: db) else { throw ParcError.notFound("ticket") }
        let access = try await access()
        guard try await isVisible(ticket, access) else { throw ParcError.notFound("ticket") }
        return ticket
    }

    func isVisible(_ ticket: TicketModel, _ access: Access) async throws -> Bool {
        if access.readAll.contains(ticket.entityID) { return true }
        guard access.own.contains(ticket.entityID) else { return false }
        return try await isRequesterOrObserver(ticket.id!, access.userID)
    }

    func isRequesterOrObserver(_ ticketID: UUID, _ userID: UUID) async throws -> Bool {
        try await TicketActorModel.query(on: db).filter(\.$ticketID == ticketID).filter(\.$userID == userID)
            .filter(\.$role ~~ [TicketActorRole.requester.rawValue, TicketActorRole.observer.rawValue]).count() > 0
    }

    /// Refuses unless the user may work the ticket (403; the ticket is visible or `find` would have said 404).
    func requireUpdate(_ ticket: TicketModel) async throws {
        try await request.require(.ticketsUpdate, in: ticket.entityID)
    }

    // MARK: create

    /// Opens a ticket from the pages or the API. A burst of openings takes turns, a few at a time (decision 0038).
    func create(_ input: TicketCreateInput, defaultSource: TicketSource, attachments: [AttachmentUpload] = [])
        async throws -> TicketModel
    {
        let service = self
        return try await request.parc.ticketOpenings.run {
            try await service.createNow(input, defaultSource: defaultSource, attachments: attachments)
        }
    }

    private func createNow(_ input: TicketCreateInput, defaultSource: TicketSource, attachments: [AttachmentUpload])
        async throws -> TicketModel
    {
        let user = try request.requireUser()
        let access = try await access()
        let entityID = input.entity_id ?? user.entityID
        try await request.require(.ticketsCreate, in: entityID)
        let technician = access.update.contains(entityID)
        var errors: [String: String] = [:]
        let tree = try await request.entityTree()
        let category = try await self.category(input.category_id, entity: entityID, tree: tree, &errors)
        // The category's template fills what the request leaves out (decision 0061).
        let template = category?.ticketTemplate ?? TicketTemplate()
        let title = Self.checkedText(input.title, "title", limit: TicketLimits.title, singleLine: true, required: true, &errors)
        let description = Self.checkedText(input.description, "description", limit: TicketLimits.description,
                                           singleLine: false, required: true, &errors)
        let kind = Self.kind(input.type ?? template.predefined.type, &errors)
        let urgency = Self.level(input.urgency ?? template.predefined.urgency, "urgency", required: true, &errors)
        let impact = Self.level(input.impact ?? template.predefined.impact, "impact", required: true, &errors)
        let location = Self.checkedText(input.location ?? template.predefined.location, "location",
                                        limit: TicketLimits.location, singleLine: true, required: false, &errors)
        let tags = Self.tags(input.tags ?? template.predefined.tags, &errors)
        var source = defaultSource
        if let text = input.source {
            if let value = TicketSource(rawValue: text) { source = value } else {
                errors["source"] = "Use one of \(TicketSource.allCases.map(\.rawValue).joined(separator: ", "))."
            }
        }
        if !technician {
            // Requesters describe their problem; qualification and assignment belong to technicians.
            for (field, given) in [("priority", input.priority != nil), ("assignee_ids", input.assignee_ids != nil),
                                   ("group_ids", input.group_ids != nil), ("observer_ids", input.observer_ids != nil)]
            where given {
                errors[field] = "Only technicians of the entity set this; leave it out."
            }
            if let ids = input.requester_ids, ids != [user.id] {
                errors["requester_ids"] = "You can open a ticket only for yourself."
            }
        }
        if let priority = input.priority, !(1...6).contains(priority) {
            errors["priority"] = "Use 1 to 5, or 6 for a major incident."
        }
        let requesterIDs = input.requester_ids ?? [user.id]
        let people = try await checkPeople(requesters: requesterIDs, observers: input.observer_ids ?? [],
                                           assignees: input.assignee_ids ?? [], entity: entityID, tree: tree, &errors)
        let groupIDs = try await checkGroups(input.group_ids ?? [], entity: entityID, tree: tree, &errors)
        let assetIDs = try await checkAssets(input.asset_ids ?? [], entity: entityID, tree: tree,
                                             requester: technician ? nil : user.id, &errors)
        if let category, let description {
            let values = TicketTemplate.Values(description: description, location: location, tags: tags ?? [],
                                               assetCount: assetIDs.count)
            for field in template.missingFields(in: values, descriptionTemplate: category.template) where errors[field] == nil {
                errors[field] = field == "description"
                    ? "Complete the category's template: the description is still its starting text."
                    : "This ticket's category requires this field."
            }
        }
        guard errors.isEmpty, let title, let description, let kind, let urgency, let impact else {
            throw ParcError.validation(errors)
        }
        if !attachments.isEmpty {
            try TicketAttachmentStore.check(attachments, limits: try await TicketAttachmentStore.limits(
                for: entityID, tree: tree, on: db), alreadyOnTicket: 0)
        }
        var opening = TicketOpening(
            entityID: entityID, kind: kind, title: title, description: description, urgency: urgency, impact: impact,
            priority: input.priority, category: category, source: source, location: location, tags: tags ?? [],
            requesters: people.requesters, emailRequesters: [], observers: people.observers,
            assignees: people.assignees, groups: groupIDs, assets: assetIDs, createdBy: user.id)
        opening.attachments = attachments
        opening.authorName = user.displayName
        return try await Self.open(opening, audit: AuditLog(request: request), now: request.now, tree: tree,
                                   services: request.parc, on: db)
    }

    /// What a new ticket is made of, already checked: by ``create(_:defaultSource:)`` for the pages and the API, by
    /// the mail intake for a message.
    struct TicketOpening: Sendable {
        var entityID: UUID
        var kind: TicketKind
        var title: String
        var description: String
        var urgency: Int
        var impact: Int
        /// nil: from the entity's matrix.
        var priority: Int?
        var category: TicketCategoryModel?
        var source: TicketSource
        var location: String?
        var tags: [String]
        var requesters: [UUID]
        /// Requesters known only by mail address.
        var emailRequesters: [String]
        var observers: [UUID]
        var assignees: [UUID]
        var groups: [UUID]
        var assets: [UUID]
        var createdBy: UUID?
        /// Files attached to the ticket itself, already checked against the entity's limits.
        var attachments: [AttachmentUpload] = []
        /// Who attached them, for display: the author's name or the sender's address.
        var authorName = ""
        /// An SLA policy a rule chose (`set_sla_policy`); nil: the category's, else the entity's default.
        var slaPolicyID: UUID? = nil
    }

    /// Opens a ticket in one transaction: the row, its reference, its people and assets, its first status and its
    /// history line. The priority comes from the entity's matrix unless given; the SLA from the category, else the
    /// entity's default policy.
    static func open(_ opening: TicketOpening, audit: AuditLog, now: Date, tree: EntityTree, services: ParcServices,
                     on db: any Database) async throws -> TicketModel {
        let configuration = try await HelpdeskConfiguration.load(for: opening.entityID, tree: tree, on: db)
        let (opening, matchedRules) = try await TicketRules.apply(to: opening, tree: tree, on: db)
        let priority = try opening.priority
            ?? configuration.matrix.priority(urgency: opening.urgency, impact: opening.impact).rawValue
        var groups = opening.groups
        if groups.isEmpty, opening.assignees.isEmpty, let group = opening.category?.defaultGroupID { groups = [group] }
        let assignedGroups = groups
        let ticket = TicketModel()
        ticket.id = UUID()
        ticket.reference = "new-" + ticket.id!.uuidString
        ticket.entityID = opening.entityID
        ticket.type = opening.kind.rawValue
        ticket.categoryID = opening.category?.id
        ticket.title = opening.title
        ticket.description = opening.description
        let assigned = !assignedGroups.isEmpty || !opening.assignees.isEmpty
        ticket.status = (assigned ? TicketStatus.assigned : .new).rawValue
        ticket.urgency = opening.urgency
        ticket.impact = opening.impact
        ticket.priority = priority
        ticket.source = opening.source.rawValue
        ticket.location = opening.location
        ticket.tagsJSON = Self.json(opening.tags)
        ticket.openedAt = now
        ticket.takenIntoAccountAt = opening.assignees.isEmpty ? nil : now
        ticket.timeToOwnBreached = false
        ticket.timeToResolveBreached = false
        ticket.slaWarned = false
        ticket.createdBy = opening.createdBy
        let policy = try await slaPolicy(id: opening.slaPolicyID ?? opening.category?.slaPolicyID
            ?? configuration.defaultSLAPolicyID, on: db)
        if let policy {
            let path = try await categoryPath(opening.category?.id, on: db)
            let targets = policy.targets.targets(priority: priority, categoryPath: path.map(\.uuidString))
            ticket.slaPolicyID = policy.id
            ticket.timeToOwnTarget = targets.timeToOwn?.text
            ticket.timeToResolveTarget = targets.timeToResolve?.text
        }
        applySLA(to: ticket, policy: policy, changes: [TicketStatusChange(ticket.ticketStatus, at: now)], now: now)
        return try await services.writeTransaction(on: db) { db in
            try await ticket.create(on: db)
            let number = try await (db as! any SQLDatabase).select().column("num").from(TicketModel.schema)
                .where("id", .equal, ticket.id!).first()?.decode(column: "num", as: Int64.self)
            guard let number else { throw ParcError(.internalServerError, code: "no_number", "The ticket got no number.") }
            ticket.number = number
            ticket.reference = TicketReference.text(year: Self.year(of: now), number: number)
            try await (db as! any SQLDatabase).update(TicketModel.schema).set("reference", to: ticket.reference)
                .where("id", .equal, ticket.id!).run()
            try await Self.replaceActors(of: ticket.id!, requesters: opening.requesters, observers: opening.observers,
                                         assignees: opening.assignees, groups: assignedGroups,
                                         emailRequesters: opening.emailRequesters, on: db)
            for asset in opening.assets {
                let link = TicketAssetModel()
                link.ticketID = ticket.id!
                link.assetID = asset
                try await link.create(on: db)
            }
            try await Self.recordStatus(ticket.ticketStatus, of: ticket.id!, at: now, actor: opening.createdBy, on: db)
            let attached = try await TicketAttachmentStore.store(
                opening.attachments, ticketID: ticket.id!, entityID: ticket.entityID, followupID: nil, isPrivate: false,
                source: opening.source, uploader: (opening.createdBy, opening.authorName), now: now, on: db)
            var snapshot = ticket.auditSnapshot
            if !attached.isEmpty { snapshot["attachments"] = TicketAttachmentStore.summary(attached) }
            snapshot["reference"] = ticket.reference
            snapshot["source"] = ticket.source
            if !matchedRules.isEmpty { snapshot["rules"] = matchedRules.joined(separator: ", ") }
            snapshot.merge(try await Self.actorSnapshot(of: ticket.id!, on: db)) { $1 }
            try await audit.record("ticket.created", objectType: Self.objectType, objectID: ticket.id!,
                                   label: "\(ticket.reference) \(ticket.title)", entityID: ticket.entityID,
                                   changes: FieldChange.between([:], snapshot), on: db)
            // Requesters get the acknowledgement with the reference, also when they opened it themselves.
            let notifier = TicketNotifier(db: db, services: services, now: now, tree: tree)
            try await notifier.notify(.new, ticket, audience: .requesters, actorID: nil, text: ticket.description)
            try await notifier.notify(.new, ticket, audience: .assignees, actorID: opening.createdBy,
                                      text: ticket.description)
            return ticket
        }
    }

    /// The catalogue key of a refused transition's message, with the statuses as arguments.
    static func messageKey(_ error: TicketTransitionError) -> (key: String, arguments: [String]) {
        func label(_ status: TicketStatus) -> String { "@tickets.status.\(status.rawValue)" }
        return switch error {
        case .notAllowed(let from, let to) where from == to: ("tickets.transition.already", [label(to)])
        case .notAllowed(.closed, let to): ("tickets.transition.closed", [label(to)])
        case .notAllowed(let from, let to):
            ("tickets.transition.not_allowed", [label(from), label(to),
                TicketTransition.allowedTargets(from: from).sorted { $0.rawValue < $1.rawValue }.map(label)
                    .joined(separator: ", ")])
        case .noAssignee(let to): ("tickets.transition.no_assignee", [label(to)])
        case .pendingReasonMissing: ("tickets.transition.pending_reason", [])
        case .resumeDateNotInFuture: ("tickets.transition.resume_date", [])
        }
    }

    /// The year in the reference: the opening's, in UTC (references must not depend on who reads them).
    static func year(of date: Date) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.component(.year, from: date)
    }

    // MARK: update

    func update(_ ticket: TicketModel, _ input: TicketPatchInput) async throws -> TicketModel {
        try await requireUpdate(ticket)
        let access = try await access()
        if let target = input.entity_id, target != ticket.entityID {
            try await request.require(.ticketsUpdate, in: target)
        }
        let entityID = input.entity_id ?? ticket.entityID
        var errors: [String: String] = [:]
        let title = Self.checkedText(input.title, "title", limit: TicketLimits.title, singleLine: true, required: false, &errors)
        let description = Self.checkedText(input.description, "description", limit: TicketLimits.description,
                                           singleLine: false, required: false, &errors)
        let kind = input.type.flatMap { Self.kind($0, &errors) }
        let urgency = Self.level(input.urgency, "urgency", required: false, &errors)
        let impact = Self.level(input.impact, "impact", required: false, &errors)
        if let priority = input.priority, !(1...6).contains(priority) {
            errors["priority"] = "Use 1 to 5, or 6 for a major incident."
        }
        let location = Self.checkedText(input.location, "location", limit: TicketLimits.location, singleLine: true,
                                        required: false, &errors)
        let tags = Self.tags(input.tags, &errors)
        let pendingReason = Self.checkedText(input.pending_reason, "pending_reason", limit: TicketLimits.pendingReason,
                                             singleLine: false, required: false, &errors)
        let solution = Self.checkedText(input.solution, "solution", limit: TicketLimits.description, singleLine: false,
                                        required: false, &errors)
        let diagnosis = Self.checkedText(input.diagnosis, "diagnosis", limit: TicketLimits.description,
                                         singleLine: false, required: false, &errors)
        let parts = Self.checkedText(input.parts, "parts", limit: 10_000, singleLine: false, required: false, &errors)
        var requested: TicketStatus?
        if let text = input.status {
            if let status = TicketStatus(rawValue: text) { requested = status } else {
                errors["status"] = "Use one of \(TicketStatus.allCases.map(\.rawValue).joined(separator: ", "))."
            }
        }
        let tree = try await request.entityTree()
        var categoryChange: TicketCategoryModel?? = nil
        if let requestedCategory = input.category_id {
            categoryChange = .some(try await self.category(requestedCategory, entity: entityID, tree: tree, &errors))
        }
        let category = categoryChange
        let target = requested
        let people = try await checkPeople(requesters: input.requester_ids ?? [], observers: input.observer_ids ?? [],
                                           assignees: input.assignee_ids ?? [], entity: entityID, tree: tree, &errors)
        if let requesters = input.requester_ids, requesters.isEmpty {
            errors["requester_ids"] = "A ticket keeps at least one requester."
        }
        let groups = try await checkGroups(input.group_ids ?? [], entity: entityID, tree: tree, &errors)
        let assets = try await checkAssets(input.asset_ids ?? [], entity: entityID, tree: tree, requester: nil, &errors)
        guard errors.isEmpty else { throw ParcError.validation(errors) }
        let configuration = try await HelpdeskConfiguration.load(for: entityID, tree: tree, on: db)
        let now = request.now
        let audit = AuditLog(request: request)
        let actorID = access.userID
        let services = request.parc
        let setByHand = TicketRules.setByHand(input)
        return try await withTicketLocked(ticket.id!) { db in
            guard let stored = try await TicketModel.find(ticket.id, on: db) else { throw ParcError.notFound("ticket") }
            let before = stored.auditSnapshot
            let actorsBefore = try await Self.actorSnapshot(of: stored.id!, on: db)
            // What the category's required fields looked like, when the change touches them (decision 0064).
            let touchesTemplate = input.category_id != nil || input.location != nil || input.tags != nil
                || input.asset_ids != nil
            let categoryBefore = stored.categoryID
            let templateBefore = try await touchesTemplate ? Self.templateValues(of: stored, on: db) : nil
            if let title { stored.title = title }
            if let description { stored.description = description }
            if let kind { stored.type = kind.rawValue }
            if let category { stored.categoryID = category?.id }
            if let location { stored.location = location.isEmpty ? nil : location }
            if let tags { stored.tagsJSON = Self.json(tags) }
            if let diagnosis { stored.diagnosis = diagnosis.isEmpty ? nil : diagnosis }
            if let parts { stored.parts = parts.isEmpty ? nil : parts }
            if input.entity_id != nil {
                stored.entityID = entityID
                try await TicketAttachmentStore.move(ticketID: stored.id!, to: entityID, on: db)
            }
            if let urgency { stored.urgency = urgency }
            if let impact { stored.impact = impact }
            if urgency != nil || impact != nil {
                stored.priority = try configuration.matrix.priority(urgency: stored.urgency, impact: stored.impact).rawValue
            }
            if let priority = input.priority { stored.priority = priority }
            // People.
            var actors = try await TicketActorModel.query(on: db).filter(\.$ticketID == stored.id!).all()
            func ids(_ role: TicketActorRole, group: Bool = false) -> [UUID] {
                actors.filter { $0.role == role.rawValue }.compactMap { group ? $0.groupID : $0.userID }
            }
            let requesters = input.requester_ids == nil ? ids(.requester) : people.requesters
            let observers = input.observer_ids == nil ? ids(.observer) : people.observers
            let assignees = input.assignee_ids == nil ? ids(.assignee) : people.assignees
            var assignedGroups = input.group_ids == nil ? ids(.assignee, group: true) : groups
            let emails = actors.filter { $0.role == TicketActorRole.requester.rawValue && $0.userID == nil }
            if input.requester_ids != nil || input.observer_ids != nil || input.assignee_ids != nil || input.group_ids != nil {
                try await Self.replaceActors(of: stored.id!, requesters: requesters, observers: observers,
                                             assignees: assignees, groups: assignedGroups,
                                             emailRequesters: input.requester_ids == nil ? emails.compactMap(\.email) : [],
                                             on: db)
                actors = try await TicketActorModel.query(on: db).filter(\.$ticketID == stored.id!).all()
            }
            if input.asset_ids != nil {
                try await TicketAssetModel.query(on: db).filter(\.$ticketID == stored.id!).delete()
                for asset in assets {
                    let link = TicketAssetModel()
                    link.ticketID = stored.id!
                    link.assetID = asset
                    try await link.create(on: db)
                }
            }
            if let templateBefore {
                try await Self.checkCategoryFields(of: stored, before: templateBefore, categoryBefore: categoryBefore,
                                                   chosen: category, on: db)
            }
            // The rules that run on update see the ticket as the change left it, once (decision 0057). A category a
            // rule sets is not checked against its required fields: a rule never makes a change fail (decision 0064).
            let handChanges = FieldChange.between(before, stored.auditSnapshot)
                + FieldChange.between(actorsBefore, try await Self.actorSnapshot(of: stored.id!, on: db))
            var ruleNotes: [FieldChange] = []
            if !handChanges.isEmpty {
                let found = try await TicketRules.evaluate(
                    try await TicketRules.subject(of: stored, actors: actors, tree: tree, on: db), entity: stored.entityID,
                    event: .update, setByHand: setByHand, tree: tree, on: db)
                if !found.matched.isEmpty {
                    ruleNotes.append(FieldChange(field: "rules", before: nil, after: found.matched.joined(separator: ", ")))
                    if !found.skipped.isEmpty {
                        ruleNotes.append(FieldChange(field: "rules_skipped", before: nil,
                                                     after: found.skipped.joined(separator: ", ")))
                    }
                    if let category = found.category { stored.categoryID = category.id }
                    if let type = found.type { stored.type = type.rawValue }
                    if let urgency = found.urgency { stored.urgency = urgency }
                    if let impact = found.impact { stored.impact = impact }
                    if found.urgency != nil || found.impact != nil, input.priority == nil {
                        stored.priority = try configuration.matrix.priority(urgency: stored.urgency,
                                                                           impact: stored.impact).rawValue
                    }
                    if let priority = found.priority { stored.priority = priority }
                    if !found.tags.isEmpty {
                        stored.tagsJSON = Self.json(Array((stored.tags + found.tags).prefix(TicketLimits.tags)))
                    }
                    if let policyID = found.slaPolicyID { stored.slaPolicyID = policyID }
                    let added = found.groups.filter { !assignedGroups.contains($0) }
                    if !added.isEmpty {
                        assignedGroups += added
                        try await Self.replaceActors(
                            of: stored.id!, requesters: requesters, observers: observers, assignees: assignees,
                            groups: assignedGroups,
                            emailRequesters: actors.filter { $0.role == TicketActorRole.requester.rawValue }
                                .compactMap(\.email), on: db)
                        actors = try await TicketActorModel.query(on: db).filter(\.$ticketID == stored.id!).all()
                    }
                }
            }
            let hasAssignee = !assignees.isEmpty || !assignedGroups.isEmpty
            if !assignees.isEmpty, stored.takenIntoAccountAt == nil { stored.takenIntoAccountAt = now }
            // Status.
            var newStatus: TicketStatus? = nil
            if let target, target != stored.ticketStatus {
                let pending = target == .pending
                    ? TicketPendingDetails(reason: pendingReason ?? "", resumesAt: input.pending_resumes_at) : nil
                do {
                    try TicketTransition.validate(from: stored.ticketStatus, to: target, hasAssignee: hasAssignee,
                                                  pending: pending, now: now)
                } catch let error as TicketTransitionError {
                    var refused = ParcError(.unprocessableEntity, code: "invalid_transition", error.description)
                    refused.messageKey = Self.messageKey(error)
                    throw refused
                }
                if target == .solved {
                    guard let solution, !solution.isEmpty else {
                        throw ParcError.validation(["solution": "Describe the solution to solve the ticket."])
                    }
                    stored.solution = solution
                    stored.solutionStatus = "waiting"
                    stored.solvedAt = now
                }
                if target == .closed {
                    stored.closedAt = now
                    if stored.solutionStatus == "waiting" { stored.solutionStatus = "approved" }
                }
                if target == .pending {
                    stored.pendingReason = pendingReason
                    stored.pendingResumesAt = input.pending_resumes_at
                } else {
                    stored.pendingReason = nil
                    stored.pendingResumesAt = nil
                }
                if stored.ticketStatus == .solved, target != .closed {
                    stored.solvedAt = nil
                    if stored.solutionStatus == "waiting" { stored.solutionStatus = "refused" }
                }
                if target != .new, stored.takenIntoAccountAt == nil { stored.takenIntoAccountAt = now }
                stored.status = target.rawValue
                newStatus = target
            } else if target == nil, stored.ticketStatus == .new, hasAssignee {
                // Assigning a new ticket makes it assigned; removing the last assignee makes it new again.
                stored.status = TicketStatus.assigned.rawValue
                newStatus = .assigned
            } else if target == nil, stored.ticketStatus == .assigned, !hasAssignee {
                stored.status = TicketStatus.new.rawValue
                newStatus = .new
            } else if target == .pending, stored.ticketStatus == .pending, let pendingReason {
                stored.pendingReason = pendingReason
                stored.pendingResumesAt = input.pending_resumes_at ?? stored.pendingResumesAt
            }
            if let newStatus {
                try await Self.recordStatus(newStatus, of: stored.id!, at: now, actor: actorID, on: db)
            }
            let policy = try await Self.slaPolicy(id: stored.slaPolicyID, on: db)
            if stored.priority != ticket.priority || stored.categoryID != ticket.categoryID
                || stored.slaPolicyID != ticket.slaPolicyID, stored.ticketStatus != .closed {
                // Qualification changes the targets; the clock keeps running from the opening.
                let path = try await Self.categoryPath(stored.categoryID, on: db)
                let targets = policy?.targets.targets(priority: stored.priority, categoryPath: path.map(\.uuidString))
                stored.timeToOwnTarget = targets?.timeToOwn?.text
                stored.timeToResolveTarget = targets?.timeToResolve?.text
            }
            try await Self.refreshSLA(of: stored, policy: policy, now: now, on: db)
            if stored.slaPolicyID != ticket.slaPolicyID {
                let previous = try await ticket.slaPolicyID.asyncMap { try await SLAPolicyModel.find($0, on: db)?.name }
                ruleNotes.append(FieldChange(field: "sla_policy", before: previous ?? nil,
                                             after: try await SLAPolicyModel.find(stored.slaPolicyID, on: db)?.name))
            }
            var changes = ruleNotes + FieldChange.between(before, stored.auditSnapshot)
            changes += FieldChange.between(actorsBefore, try await Self.actorSnapshot(of: stored.id!, on: db))
            guard !changes.isEmpty else { return stored }
            try await stored.update(on: db)
            try await audit.record(newStatus.map { "ticket.\($0.rawValue)" } ?? "ticket.updated",
                                   objectType: Self.objectType, objectID: stored.id!,
                                   label: "\(stored.reference) \(stored.title)", entityID: stored.entityID,
                                   changes: changes, on: db)
            let notifier = TicketNotifier(db: db, services: services, now: now, tree: tree)
            let added = assignees.filter { id in !actorsBefore.contains { $0.key == "assignee_ids" && ($0.value ?? "").contains(id.uuidString) } }
            if !added.isEmpty {
                try await notifier.notify(.assigned, stored, audience: .users(added), actorID: actorID)
            }
            if newStatus == .solved {
                try await notifier.notify(.solved, stored, audience: .requesters, actorID: actorID, text: stored.solution)
            }
            return stored
        }
    }

    /// What a ticket holds, as its category's template looks at it.
    static func templateValues(of ticket: TicketModel, on db: any Database) async throws -> TicketTemplate.Values {
        TicketTemplate.Values(description: ticket.description, location: ticket.location, tags: ticket.tags,
                              assetCount: try await TicketAssetModel.query(on: db).filter(\.$ticketID == ticket.id!).count())
    }

    /// Refuses a person's change that leaves empty a field the ticket's category requires (decision 0064): moving the
    /// ticket into a category asks for all of them in the same change; within the category, a change may not empty
    /// one. `chosen` is the category the change gives (`.some(nil)` clears it), nil when it leaves the category.
    static func checkCategoryFields(of ticket: TicketModel, before: TicketTemplate.Values, categoryBefore: UUID?,
                                    chosen: TicketCategoryModel??, on db: any Database) async throws {
        guard let categoryID = ticket.categoryID else { return }
        let found: TicketCategoryModel?
        if case .some(let given) = chosen { found = given } else { found = try await TicketCategoryModel.find(categoryID, on: db) }
        guard let category = found, !category.ticketTemplate.mandatory.isEmpty else { return }
        let entering = categoryID != categoryBefore
        let missing = category.ticketTemplate.missingAfterChange(
            before: before, after: try await templateValues(of: ticket, on: db), entering: entering)
        guard !missing.isEmpty else { return }
        throw categoryFieldsMissing(missing, category: category.name, entering: entering)
    }

    /// The refusal of a change that leaves a category's required fields empty: 422 `category_fields_missing`, each
    /// field named, with a message the pages translate.
    static func categoryFieldsMissing(_ missing: [TicketTemplate.Field], category: String, entering: Bool) -> ParcError {
        let names = missing.map(\.rawValue).joined(separator: ", ")
        let message = entering
            ? "The category “\(category)” requires \(names): give them in the same change as the category."
            : "The category “\(category)” requires \(names): a change cannot leave them empty."
        let perField = entering ? "The new category requires this field: fill it in with the change of category."
            : "This ticket's category requires this field."
        var error = ParcError(.unprocessableEntity, code: "category_fields_missing", message,
                              fields: Dictionary(uniqueKeysWithValues: missing.map { ($0.rawValue, perField) }))
        error.messageKey = (entering ? "tickets.category_fields.entering" : "tickets.category_fields.kept",
                            [category, missing.map { "@" + labelKey($0) }.joined(separator: ", ")])
        return error
    }

    /// The catalogue key of a required field's label.
    static func labelKey(_ field: TicketTemplate.Field) -> String {
        switch field {
        case .location: "tickets.location"
        case .assets: "tickets.assets"
        case .tags: "tickets.tags"
        }
    }

    /// Runs `body` in one write transaction that first takes the ticket's row (PostgreSQL) or the write lock
    /// (SQLite), so that what it reads is what it writes over.
    func withTicketLocked<T: Sendable>(_ id: UUID, _ body: @escaping @Sendable (any Database) async throws -> T)
        async throws -> T
    {
        try await request.parc.writeTransaction(on: db) { db in
            try await Self.lock([id], on: db)
            return try await body(db)
        }
    }

    /// Takes the tickets' rows (PostgreSQL) or SQLite's write lock with a write that changes nothing, first in a
    /// transaction, so that what the transaction reads next is what it writes over.
    static func lock(_ ids: [UUID], on db: any Database) async throws {
        try await (db as! any SQLDatabase).update(TicketModel.schema).set(SQLIdentifier("urgency"), to: SQLIdentifier("urgency"))
            .where("id", .in, ids).run()
    }

    // MARK: followups, tasks, solutions

    func addFollowup(to ticket: TicketModel, _ input: FollowupInput, source: TicketSource,
                     attachments: [AttachmentUpload] = []) async throws -> TicketFollowupModel
    {
        let user = try request.requireUser()
        let access = try await access()
        let technician = access.mayUpdate(ticket)
        var errors: [String: String] = [:]
        let body = Self.checkedText(input.body, "body", limit: TicketLimits.followup, singleLine: false, required: true,
                                    &errors)
        if input.is_private == true, !technician {
            errors["is_private"] = "Only technicians write private followups."
        }
        guard errors.isEmpty, let body else { throw ParcError.validation(errors) }
        return try await Self.appendFollowup(
            to: ticket.id!, body: body, isPrivate: input.is_private ?? false, source: source,
            author: (user.id, user.displayName), byTechnician: technician, audit: AuditLog(request: request),
            now: request.now, services: request.parc, on: db, attachments: attachments)
    }

    /// Adds a followup in one transaction with its history line. A technician's first followup takes the ticket into
    /// account; a requester's answer reopens a solved ticket (the solution is refused) and resumes a pending one
    /// (docs/helpdesk.md). A closed ticket takes no followup (409). The attachments are written with the followup;
    /// they are checked against the entity's limits unless `checkingAttachments` is false (mail sorts its files
    /// itself and names those it refuses).
    static func appendFollowup(to ticketID: UUID, body: String, isPrivate: Bool, source: TicketSource,
                               author: (id: UUID?, name: String), byTechnician technician: Bool, audit: AuditLog,
                               now: Date, services: ParcServices, on database: any Database,
                               attachments: [AttachmentUpload] = [], checkingAttachments: Bool = true) async throws
        -> TicketFollowupModel
    {
        let followup = TicketFollowupModel()
        followup.id = UUID()
        followup.ticketID = ticketID
        followup.authorID = author.id
        followup.authorName = String(author.name.prefix(200))
        followup.body = body
        followup.isPrivate = isPrivate
        followup.source = source.rawValue
        followup.createdAt = now
        return try await services.writeTransaction(on: database) { db in
            try await lock([ticketID], on: db)
            guard let stored = try await TicketModel.find(ticketID, on: db) else { throw ParcError.notFound("ticket") }
            if stored.ticketStatus == .closed {
                throw ParcError(.conflict, code: "ticket_closed",
                                "The ticket is closed; open a new ticket and link it to \(stored.reference) as related.")
            }
            if checkingAttachments, !attachments.isEmpty {
                try TicketAttachmentStore.check(attachments, limits: try await TicketAttachmentStore.limits(
                    for: stored.entityID, tree: try await HelpdeskClockJob.tree(db), on: db),
                    alreadyOnTicket: try await TicketAttachmentStore.bytesOnTicket(ticketID, on: db))
            }
            let policy = try await slaPolicy(id: stored.slaPolicyID, on: db)
            try await followup.create(on: db)
            let attached = try await TicketAttachmentStore.store(
                attachments, ticketID: ticketID, entityID: stored.entityID, followupID: followup.id, isPrivate: isPrivate,
                source: source, uploader: author, now: now, on: db)
            let before = stored.auditSnapshot
            if technician, stored.takenIntoAccountAt == nil { stored.takenIntoAccountAt = now }
            if !technician, stored.ticketStatus == .solved || stored.ticketStatus == .pending {
                let hasAssignee = try await TicketActorModel.query(on: db).filter(\.$ticketID == stored.id!)
                    .filter(\.$role == TicketActorRole.assignee.rawValue).count() > 0
                let target = TicketTransition.reopenTarget(hasAssignee: hasAssignee)
                if stored.ticketStatus == .solved { stored.solutionStatus = "refused"; stored.solvedAt = nil }
                stored.pendingReason = nil
                stored.pendingResumesAt = nil
                stored.status = target.rawValue
                try await recordStatus(target, of: stored.id!, at: now, actor: author.id, on: db)
            }
            try await refreshSLA(of: stored, policy: policy, now: now, on: db)
            try await stored.update(on: db)
            var changes = FieldChange.between(before, stored.auditSnapshot)
            changes.append(FieldChange(field: isPrivate ? "private_followup" : "followup", before: nil,
                                       after: String(body.prefix(200))))
            if !attached.isEmpty {
                changes.append(FieldChange(field: "attachments", before: nil,
                                           after: TicketAttachmentStore.summary(attached)))
            }
            try await audit.record("ticket.followup", objectType: objectType, objectID: stored.id!,
                                   label: "\(stored.reference) \(stored.title)", entityID: stored.entityID,
                                   changes: changes, on: db)
            try await TicketNotifier(db: db, services: services, now: now, tree: try await HelpdeskClockJob.tree(db))
                .notify(.followup, stored, audience: isPrivate ? .assignees : .requestersAndAssignees,
                        actorID: author.id, text: body)
            return followup
        }
    }

    func addTask(to ticket: TicketModel, _ input: TaskInput) async throws -> TicketTaskModel {
        try await requireUpdate(ticket)
        let user = try request.requireUser()
        let task = TicketTaskModel()
        task.id = UUID()
        task.ticketID = ticket.id!
        task.authorID = user.id
        task.createdAt = request.now
        task.description = ""
        task.spentMinutes = 0
        task.done = false
        task.isPrivate = false
        try await apply(input, to: task, isNew: true, ticket: ticket)
        let audit = AuditLog(request: request)
        let now = request.now
        let policy = try await slaPolicy(id: ticket.slaPolicyID)
        return try await withTicketLocked(ticket.id!) { db in
            guard let stored = try await TicketModel.find(ticket.id, on: db) else { throw ParcError.notFound("ticket") }
            try await task.create(on: db)
            if stored.takenIntoAccountAt == nil {
                stored.takenIntoAccountAt = now
                try await Self.refreshSLA(of: stored, policy: policy, now: now, on: db)
                try await stored.update(on: db)
            }
            try await audit.record("ticket.task_added", objectType: Self.objectType, objectID: stored.id!,
                                   label: "\(stored.reference) \(stored.title)", entityID: stored.entityID,
                                   changes: FieldChange.between([:], task.auditSnapshot), on: db)
            return task
        }
    }

    func updateTask(_ taskID: UUID?, of ticket: TicketModel, _ input: TaskInput) async throws -> TicketTaskModel {
        try await requireUpdate(ticket)
        guard let taskID, let task = try await TicketTaskModel.query(on: db).filter(\.$id == taskID)
            .filter(\.$ticketID == ticket.id!).first() else { throw ParcError.notFound("task") }
        let before = task.auditSnapshot
        try await apply(input, to: task, isNew: false, ticket: ticket)
        task.updatedAt = request.now
        let audit = AuditLog(request: request)
        return try await withTicketLocked(ticket.id!) { db in
            try await task.update(on: db)
            try await audit.record("ticket.task_updated", objectType: Self.objectType, objectID: ticket.id!,
                                   label: "\(ticket.reference) \(ticket.title)", entityID: ticket.entityID,
                                   changes: FieldChange.between(before, task.auditSnapshot), on: db)
            return task
        }
    }

    private func apply(_ input: TaskInput, to task: TicketTaskModel, isNew: Bool, ticket: TicketModel) async throws {
        var errors: [String: String] = [:]
        if let description = Self.checkedText(input.description, "description", limit: 10_000, singleLine: false,
                                              required: isNew, &errors) {
            task.description = description
        }
        if let minutes = input.planned_minutes {
            if (0...100_000).contains(minutes) { task.plannedMinutes = minutes } else {
                errors["planned_minutes"] = "Give 0 to 100000 minutes."
            }
        }
        if let minutes = input.spent_minutes {
            if (0...100_000).contains(minutes) { task.spentMinutes = minutes } else {
                errors["spent_minutes"] = "Give 0 to 100000 minutes."
            }
        }
        if let technician = input.technician_id {
            let tree = try await request.entityTree()
            let able = try await usersWhoMayWork([technician], entity: ticket.entityID, tree: tree)
            if able.contains(technician) { task.technicianID = technician } else {
                errors["technician_id"] = "No active account that works this entity's tickets has this id."
            }
        }
        if let plannedAt = input.planned_at { task.plannedAt = plannedAt }
        if let done = input.done { task.done = done }
        if let isPrivate = input.is_private { task.isPrivate = isPrivate }
        task.updatedAt = request.now
        guard errors.isEmpty else { throw ParcError.validation(errors) }
    }

    /// The requester (or a technician on their behalf) accepts the solution: the ticket is closed.
    func approveSolution(of ticket: TicketModel, _ input: SolutionAnswerInput) async throws -> TicketModel {
        try await answerSolution(of: ticket, approve: true, comment: input.comment)
    }

    /// The requester refuses the solution, saying why: the comment becomes a followup and the ticket reopens.
    func refuseSolution(of ticket: TicketModel, _ input: SolutionAnswerInput) async throws -> TicketModel {
        try await answerSolution(of: ticket, approve: false, comment: input.comment)
    }

    private func answerSolution(of ticket: TicketModel, approve: Bool, comment: String?) async throws -> TicketModel {
        let user = try request.requireUser()
        let access = try await access()
        let isRequester = try await TicketActorModel.query(on: db).filter(\.$ticketID == ticket.id!)
            .filter(\.$userID == user.id).filter(\.$role == TicketActorRole.requester.rawValue).count() > 0
        guard isRequester || access.mayUpdate(ticket) else {
            throw ParcError.forbidden("tickets.update")
        }
        guard ticket.ticketStatus == .solved, ticket.solutionStatus == "waiting" else {
            throw ParcError(.conflict, code: "no_solution_waiting",
                            "The ticket has no solution waiting for an answer (its status is \(ticket.status)).")
        }
        var errors: [String: String] = [:]
        let comment = Self.checkedText(comment, "comment", limit: TicketLimits.followup, singleLine: false,
                                       required: !approve, &errors)
        guard errors.isEmpty else { throw ParcError.validation(errors) }
        let now = request.now
        let audit = AuditLog(request: request)
        let policy = try await slaPolicy(id: ticket.slaPolicyID)
        return try await withTicketLocked(ticket.id!) { db in
            guard let stored = try await TicketModel.find(ticket.id, on: db), stored.ticketStatus == .solved,
                  stored.solutionStatus == "waiting" else {
                throw ParcError(.conflict, code: "no_solution_waiting", "The solution was answered meanwhile.")
            }
            let before = stored.auditSnapshot
            if approve {
                stored.status = TicketStatus.closed.rawValue
                stored.solutionStatus = "approved"
                stored.closedAt = now
            } else {
                let hasAssignee = try await TicketActorModel.query(on: db).filter(\.$ticketID == stored.id!)
                    .filter(\.$role == TicketActorRole.assignee.rawValue).count() > 0
                stored.status = TicketTransition.reopenTarget(hasAssignee: hasAssignee).rawValue
                stored.solutionStatus = "refused"
                stored.solvedAt = nil
            }
            try await Self.recordStatus(stored.ticketStatus, of: stored.id!, at: now, actor: user.id, on: db)
            if let comment, !comment.isEmpty {
                let followup = TicketFollowupModel()
                followup.ticketID = stored.id!
                followup.authorID = user.id
                followup.authorName = user.displayName
                followup.body = comment
                followup.isPrivate = false
                followup.source = TicketSource.web.rawValue
                followup.createdAt = now
                try await followup.create(on: db)
            }
            try await Self.refreshSLA(of: stored, policy: policy, now: now, on: db)
            try await stored.update(on: db)
            try await audit.record(approve ? "ticket.solution_approved" : "ticket.solution_refused",
                                   objectType: Self.objectType, objectID: stored.id!,
                                   label: "\(stored.reference) \(stored.title)", entityID: stored.entityID,
                                   changes: FieldChange.between(before, stored.auditSnapshot), on: db)
            return stored
        }
    }

    // MARK: SLA

    func slaPolicy(id: UUID?) async throws -> SLAPolicy? {
        try await Self.slaPolicy(id: id, on: db)
    }

    /// The stored policy, parsed; nil when it is gone or no longer reads (a ticket then shows no deadline rather
    /// than failing).
    static func slaPolicy(id: UUID?, on db: any Database) async throws -> SLAPolicy? {
        guard let id, let model = try await SLAPolicyModel.find(id, on: db) else { return nil }
        return try? SLAPolicy(model)
    }

    /// The category and its ancestors, root first.
    func categoryPath(_ id: UUID?) async throws -> [UUID] {
        try await Self.categoryPath(id, on: db)
    }

    static func categoryPath(_ id: UUID?, on db: any Database) async throws -> [UUID] {
        var path: [UUID] = []
        var current = id
        while let next = current, path.count < 32, !path.contains(next) {
            guard let category = try await TicketCategoryModel.find(next, on: db) else { break }
            path.insert(next, at: 0)
            current = category.parentID
        }
        return path
    }

    /// Recomputes the stored deadlines and breach flags from the status history.
    static func refreshSLA(of ticket: TicketModel, policy: SLAPolicy?, now: Date, on db: any Database) async throws {
        let rows = try await TicketStatusChangeModel.query(on: db).filter(\.$ticketID == ticket.id!)
            .sort(\.$changedAt).all()
        applySLA(to: ticket, policy: policy, changes: rows.compactMap { row in
            TicketStatus(rawValue: row.status).map { TicketStatusChange($0, at: row.changedAt) }
        }, now: now)
    }

    static func clock(of ticket: TicketModel, policy: SLAPolicy, changes: [TicketStatusChange]) -> SLAClock {
        SLAClock(calculator: SLADeadlineCalculator(calendar: policy.calendar), openedAt: ticket.openedAt,
                 timeToOwn: ticket.timeToOwnTarget.flatMap(BusinessDuration.init(text:)),
                 timeToResolve: ticket.timeToResolveTarget.flatMap(BusinessDuration.init(text:)),
                 takenIntoAccountAt: ticket.takenIntoAccountAt, statusChanges: changes)
    }

    static func applySLA(to ticket: TicketModel, policy: SLAPolicy?, changes: [TicketStatusChange], now: Date) {
        guard let policy else {
            ticket.timeToOwnDue = nil
            ticket.timeToResolveDue = nil
            return
        }
        let state = clock(of: ticket, policy: policy, changes: changes).state(at: now)
        ticket.timeToOwnDue = state.timeToOwnDue
        if let due = state.timeToResolveDue, due > now.addingTimeInterval(HelpdeskClockJob.warningLead) {
            // A deadline that moved away (a pause) may be warned of again.
            ticket.slaWarned = false
        }
        ticket.timeToResolveDue = state.timeToResolveDue
        // A breach is permanent.
        ticket.timeToOwnBreached = ticket.timeToOwnBreached || state.timeToOwnBreached
        ticket.timeToResolveBreached = ticket.timeToResolveBreached || state.timeToResolveBreached
    }

    static func recordStatus(_ status: TicketStatus, of ticketID: UUID, at date: Date, actor: UUID?,
                             on db: any Database) async throws {
        let change = TicketStatusChangeModel()
        change.ticketID = ticketID
        change.status = status.rawValue
        change.changedAt = date
        change.actorID = actor
        try await change.create(on: db)
    }

    // MARK: people, groups, assets, categories

    struct People {
        var requesters: [UUID] = []
        var observers: [UUID] = []
        var assignees: [UUID] = []
    }

    private func checkPeople(requesters: [UUID], observers: [UUID], assignees: [UUID], entity: UUID, tree: EntityTree,
                             _ errors: inout [String: String]) async throws -> People {
        var people = People()
        for (field, ids) in [("requester_ids", requesters), ("observer_ids", observers), ("assignee_ids", assignees)]
        where ids.count > TicketLimits.actors {
            errors[field] = "At most \(TicketLimits.actors) people."
        }
        let all = Set(requesters + observers + assignees)
        guard !all.isEmpty else { return people }
        let active = Set(try await UserModel.query(on: db).filter(\.$id ~~ Array(all)).filter(\.$isActive == true).all()
            .compactMap(\.id))
        for (field, ids) in [("requester_ids", requesters), ("observer_ids", observers)]
        where ids.contains(where: { !active.contains($0) }) {
            errors[field] = "No active account has the id \(ids.first { !active.contains($0) }!.uuidString)."
        }
        let able = try await usersWhoMayWork(assignees, entity: entity, tree: tree)
        if let bad = assignees.first(where: { !able.contains($0) }) {
            errors["assignee_ids"] = "\(bad.uuidString) is not an active account that works this entity's tickets."
        }
        people.requesters = Self.unique(requesters)
        people.observers = Self.unique(observers)
        people.assignees = Self.unique(assignees)
        return people
    }

    /// Of `ids`, the active accounts holding the right to work tickets in `entity`.
    func usersWhoMayWork(_ ids: [UUID], entity: UUID, tree: EntityTree) async throws -> Set<UUID> {
        try await Self.usersWhoMayWork(ids, entity: entity, tree: tree, on: db)
    }

    static func usersWhoMayWork(_ ids: [UUID], entity: UUID, tree: EntityTree, on db: any Database) async throws
        -> Set<UUID>
    {
        guard !ids.isEmpty else { return [] }
        let active = try await UserModel.query(on: db).filter(\.$id ~~ ids).filter(\.$isActive == true).all()
        let profiles = try await ProfileModel.query(on: db).filter(\.$userID ~~ active.compactMap(\.id)).all()
        return Set(active.compactMap(\.id).filter { user in
            let own = profiles.filter { $0.userID == user }.compactMap { row -> Profile? in
                guard let role = Role(rawValue: row.role) else { return nil }
                return Profile(entityID: row.entityID, role: role, recursive: row.recursive)
            }
            return AccessScope(profiles: own, tree: tree).allows(.ticketsUpdate, in: entity)
        })
    }

    private func checkGroups(_ ids: [UUID], entity: UUID, tree: EntityTree, _ errors: inout [String: String])
        async throws -> [UUID]
    {
        guard !ids.isEmpty else { return [] }
        let allowed = Set(tree.ancestors(of: entity) + [entity])
        let found = try await SupportGroupModel.query(on: db).filter(\.$id ~~ ids).all()
            .filter { allowed.contains($0.entityID) }.compactMap(\.id)
        if let bad = ids.first(where: { !found.contains($0) }) {
            errors["group_ids"] = "No group of this entity or above it has the id \(bad.uuidString)."
        }
        return Self.unique(ids)
    }

    private func checkAssets(_ ids: [UUID], entity: UUID, tree: EntityTree, requester: UUID?,
                             _ errors: inout [String: String]) async throws -> [UUID] {
        guard !ids.isEmpty else { return [] }
        if ids.count > TicketLimits.assets {
            errors["asset_ids"] = "At most \(TicketLimits.assets) assets."
            return []
        }
        let subtree = Set(tree.subtree(of: entity))
        let visible = try await request.entities(for: .assetsRead)
        let found = try await AssetModel.query(on: db).filter(\.$id ~~ ids).all().filter { asset in
            subtree.contains(asset.entityID)
                && (visible.contains(asset.entityID) || (requester != nil && asset.assignedUserID == requester))
        }.compactMap(\.id)
        if let bad = ids.first(where: { !found.contains($0) }) {
            errors["asset_ids"] = "No asset of this entity that you may see has the id \(bad.uuidString)."
        }
        return Self.unique(ids)
    }

    private func category(_ id: UUID?, entity: UUID, tree: EntityTree, _ errors: inout [String: String]) async throws
        -> TicketCategoryModel?
    {
        guard let id else { return nil }
        let allowed = Set(tree.ancestors(of: entity) + [entity])
        guard let category = try await TicketCategoryModel.find(id, on: db), allowed.contains(category.entityID) else {
            errors["category_id"] = "No category of this entity or above it has this id."
            return nil
        }
        return category
    }

    static func replaceActors(of ticketID: UUID, requesters: [UUID], observers: [UUID], assignees: [UUID],
                              groups: [UUID], emailRequesters emails: [String] = [],
                              on db: any Database) async throws {
        try await TicketActorModel.query(on: db).filter(\.$ticketID == ticketID).delete()
        var rows: [TicketActorModel] = []
        func add(_ role: TicketActorRole, user: UUID? = nil, group: UUID? = nil, email: String? = nil) {
            let row = TicketActorModel()
            row.ticketID = ticketID
            row.role = role.rawValue
            row.userID = user
            row.groupID = group
            row.email = email
            rows.append(row)
        }
        for id in requesters { add(.requester, user: id) }
        for email in emails { add(.requester, email: email) }
        for id in observers { add(.observer, user: id) }
        for id in assignees { add(.assignee, user: id) }
        for id in groups { add(.assignee, group: id) }
        for row in rows { try await row.create(on: db) }
    }

    static func actorSnapshot(of ticketID: UUID, on db: any Database) async throws -> [String: String?] {
        let actors = try await TicketActorModel.query(on: db).filter(\.$ticketID == ticketID).all()
        func list(_ role: TicketActorRole, _ key: KeyPath<TicketActorModel, UUID?>) -> String? {
            let values = actors.filter { $0.role == role.rawValue }.compactMap { $0[keyPath: key]?.uuidString }.sorted()
            return values.isEmpty ? nil : values.joined(separator: ",")
        }
        let assets = try await TicketAssetModel.query(on: db).filter(\.$ticketID == ticketID).all()
            .map(\.assetID.uuidString).sorted()
        return ["requester_ids": list(.requester, \.userID), "observer_ids": list(.observer, \.userID),
                "assignee_ids": list(.assignee, \.userID), "group_ids": list(.assignee, \.groupID),
                "asset_ids": assets.isEmpty ? nil : assets.joined(separator: ",")]
    }

    // MARK: checks

    /// Trimmed text within its limit; single-line fields refuse line breaks, all refuse other control characters.
    static func checkedText(_ value: String?, _ field: String, limit: Int, singleLine: Bool, required: Bool,
                            _ errors: inout [String: String]) -> String? {
        guard let value else {
            if required { errors[field] = "is required" }
            return nil
        }
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if required, trimmed.isEmpty { errors[field] = "is required"; return nil }
        if trimmed.count > limit { errors[field] = "Keep it under \(limit) characters."; return nil }
        let forbidden = trimmed.unicodeScalars.contains { scalar in
            let control = scalar.properties.generalCategory == .control
            return control && (singleLine || !(scalar == "\n" || scalar == "\r" || scalar == "\t"))
        }
        if forbidden {
            errors[field] = singleLine ? "Line breaks and control characters are not allowed."
                : "Control characters are not allowed."
            return nil
        }
        return trimmed
    }

    static func kind(_ value: String?, _ errors: inout [String: String]) -> TicketKind? {
        guard let value else { errors["type"] = "is required: incident or request"; return nil }
        guard let kind = TicketKind(rawValue: value) else { errors["type"] = "Use incident or request."; return nil }
        return kind
    }

    static func level(_ value: Int?, _ field: String, required: Bool, _ errors: inout [String: String]) -> Int? {
        guard let value else {
            if required { errors[field] = "is required: 1 (very low) to 5 (very high)" }
            return nil
        }
        guard (1...5).contains(value) else { errors[field] = "\(field) \(value) is out of range; use 1 to 5"; return nil }
        return value
    }

    static func tags(_ value: [String]?, _ errors: inout [String: String]) -> [String]? {
        guard let value else { return nil }
        var result: [String] = []
        for raw in value {
            let tag = raw.trimmingCharacters(in: .whitespaces)
            if tag.isEmpty { continue }
            guard tag.count <= TicketLimits.tag, !tag.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
            else { errors["tags"] = "A tag is one line of at most \(TicketLimits.tag) characters."; return nil }
            if !result.contains(where: { $0.lowercased() == tag.lowercased() }) { result.append(tag) }
        }
        guard result.count <= TicketLimits.tags else { errors["tags"] = "At most \(TicketLimits.tags) tags."; return nil }
        return result
    }

    static func unique(_ ids: [UUID]) -> [UUID] {
        var seen = Set<UUID>()
        return ids.filter { seen.insert($0).inserted }
    }

    static func json(_ values: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(values)) ?? Data("[]".utf8), as: UTF8.self)
    }
}

extension TicketTaskModel {
    var auditSnapshot: [String: String?] {
        ["description": description, "technician_id": technicianID?.uuidString,
         "planned_at": plannedAt.map { ISO8601DateFormatter().string(from: $0) },
         "planned_minutes": plannedMinutes.map(String.init), "spent_minutes": String(spentMinutes),
         "done": String(done), "is_private": String(isPrivate)]
    }
}
