import Fluent
import FluentKit
import Foundation
import ParcCore
import Vapor

/// `/tickets`: the ticket list (filters, sort, CSV), the new-ticket form, and the ticket page — the discussion
/// (description, followups, tasks, the solution and its answer), the qualification form, and the history.
/// Every form goes through ``TicketService``: the same checks as the API, errors shown inline.
struct TicketPagesController {
    func register(_ routes: any RoutesBuilder) {
        routes.get("tickets", use: listPage)
        routes.get("tickets", "new", use: newPage)
        let formLimit = TicketAttachmentsAPI.formBodyLimit
        routes.on(.POST, "tickets", body: .collect(maxSize: ByteCount(value: formLimit)), use: create)
            .collectedBodyLimit = formLimit
        routes.get("tickets", ":id", use: showPage)
        routes.get("tickets", ":id", "sheet", use: sheetPage)
        routes.on(.POST, "tickets", ":id", body: .collect(maxSize: TicketsAPIController.bodyLimit), use: update)
        routes.on(.POST, "tickets", ":id", "followups", body: .collect(maxSize: ByteCount(value: formLimit)),
                  use: addFollowup).collectedBodyLimit = formLimit
        routes.get("tickets", ":id", "attachments", ":attachment", use: downloadAttachment)
        routes.post("tickets", ":id", "attachments", ":attachment", "delete", use: deleteAttachment)
        routes.post("tickets", ":id", "tasks", use: addTask)
        routes.post("tickets", ":id", "tasks", ":task", "done", use: finishTask)
        routes.post("tickets", ":id", "solution", "approve", use: approve)
        routes.post("tickets", ":id", "solution", "refuse", use: refuse)
        routes.post("tickets", ":id", "satisfaction", use: rate)
        routes.post("tickets", ":id", "article", use: makeArticle)
        routes.post("tickets", ":id", "links", use: addLink)
        routes.post("tickets", ":id", "merge", use: mergePage)
        routes.get("tickets", "suggestions", use: suggestions)
    }

    // MARK: list

    struct Row: Encodable {
        let id: UUID
        let reference: String
        let title: String
        let status: String
        let statusLabel: String
        let statusTone: String
        let priority: Int
        let priorityLabel: String
        let entity: String
        let requesters: String
        let assignees: String
        let due: String
        let dueTone: String?
        let opened: String

        init(_ dto: TicketDTO, request: Request) {
            id = dto.id
            reference = dto.reference
            title = dto.title
            status = dto.status
            statusLabel = request.t("tickets.status.\(dto.status)")
            statusTone = TicketPagesController.tone(dto.status)
            priority = dto.priority
            priorityLabel = request.t("tickets.priority.\(dto.priority)")
            entity = dto.entity
            requesters = dto.requesters.map(\.name).joined(separator: ", ")
            assignees = (dto.assignees.map(\.name) + dto.groups.map(\.name)).joined(separator: ", ")
            let deadline = dto.time_to_resolve_due
            due = deadline.map { request.formatDateTime($0) } ?? "—"
            dueTone = dto.time_to_resolve_breached || dto.time_to_own_breached ? "red"
                : (dto.time_to_resolve_paused ? "grey" : nil)
            opened = request.formatDateTime(dto.opened_at)
        }
    }

    static func tone(_ status: String) -> String {
        switch status {
        case "new": "blue"
        case "assigned", "planned": "amber"
        case "pending": "grey"
        case "solved": "green"
        default: "grey"
        }
    }

    struct ListPage: Encodable {
        let rows: [Row]
        let links: ListPageLinks
        let sort: [String: ListPageLinks.SortLink]
        let query: String
        let statuses: [SelectOption]
        let priorities: [SelectOption]
        let slas: [SelectOption]
        let mine: Bool
        let savedViews: SavedViewTabs
        /// Whether the user works tickets somewhere (technicians): the canned responses link.
        let canWork: Bool
        /// The business rules page for administrators, the rules tester for technicians, nothing for requesters.
        let rulesLink: String?
    }

    @Sendable func listPage(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.ticketsCreate)
        var query = try req.listQuery(TicketQuery.spec)
        let asAsked = query
        if req.query[String.self, at: "status"] == nil, req.query[String.self, at: "q"] == nil,
           req.query[String.self, at: "all"] == nil {
            query.filters["status"] = query.filters["status"] ?? "open"
        }
        if req.wantsCSV {
            let all = try await TicketDTO.load(try await TicketQuery(request: req, query: query).all(limit: 50_000),
                                               request: req)
            return req.csvResponse([["reference", "title", "type", "status", "priority", "urgency", "impact", "entity",
                                     "category", "requesters", "assignees", "groups", "opened_at",
                                     "time_to_own_due", "time_to_resolve_due", "time_to_own_breached",
                                     "time_to_resolve_breached", "solved_at", "closed_at"]] + all.map { dto in
                let iso = { (date: Date?) in date.map { ISO8601DateFormatter().string(from: $0) } ?? "" }
                return [dto.reference, dto.title, dto.type, dto.status, String(dto.priority), String(dto.urgency),
                        String(dto.impact), dto.entity, dto.category ?? "", dto.requesters.map(\.name).joined(separator: "; "),
                        dto.assignees.map(\.name).joined(separator: "; "), dto.groups.map(\.name).joined(separator: "; "),
                        iso(dto.opened_at), iso(dto.time_to_own_due), iso(dto.time_to_resolve_due),
                        String(dto.time_to_own_breached), String(dto.time_to_resolve_breached), iso(dto.solved_at),
                        iso(dto.closed_at)]
            }, filename: "tickets.csv")
        }
        let page = try await TicketQuery(request: req, query: query).countedPage()
        let rows = try await TicketDTO.load(page.items, request: req).map { Row($0, request: req) }
        let links = ListPageLinks(req, query: query, page: page, columns: [
            ("reference", "tickets.reference", false), ("title", "tickets.title", false),
            ("status", "tickets.status", false), ("priority", "tickets.priority", true),
            ("time_to_resolve_due", "tickets.time_to_resolve_due", false), ("opened_at", "tickets.opened_at", false),
        ])
        let status = query.filters["status"] ?? ""
        let administers = try await req.entities(for: .helpdeskAdmin)
        let works = try await req.entities(for: .ticketsUpdate)
        let rulesLink: String? = !administers.isEmpty ? "/tickets/rules" : (!works.isEmpty ? "/tickets/rules/test" : nil)
        return try await req.renderPage("tickets/list", title: req.t("nav.tickets"), active: "tickets", page: ListPage(
            rows: rows, links: links, sort: Dictionary(uniqueKeysWithValues: links.headers.map { ($0.field, $0) }),
            query: query.search ?? "",
            statuses: [SelectOption(value: "open", label: req.t("tickets.status.open"), selected: status == "open"),
                       SelectOption(value: TicketStatus.allCases.map(\.rawValue).joined(separator: ","),
                                    label: req.t("tickets.status.all"), selected: status.contains(","))]
                + TicketStatus.allCases.map {
                    SelectOption(value: $0.rawValue, label: req.t("tickets.status.\($0.rawValue)"),
                                 selected: status == $0.rawValue)
                },
            priorities: [SelectOption(value: "", label: req.t("tickets.priority.all"),
                                      selected: query.filters["priority"] == nil)]
                + (1...6).map {
                    SelectOption(value: String($0), label: req.t("tickets.priority.\($0)"),
                                 selected: query.filters["priority"] == String($0))
                },
            slas: [("", "tickets.sla.all"), ("breached", "tickets.sla.breached"), ("own_breached", "tickets.sla.own_breached"),
                   ("resolve_breached", "tickets.sla.resolve_breached"), ("running", "tickets.sla.running")].map {
                SelectOption(value: $0.0, label: req.t($0.1), selected: (query.filters["sla"] ?? "") == $0.0)
            },
            mine: query.filters["assignee_id"] == "me",
            savedViews: try await SavedViewTabs(req, list: "tickets", query: asAsked),
            canWork: !(try await req.entities(for: .ticketsUpdate)).isEmpty, rulesLink: rulesLink))
    }

    // MARK: new ticket

    struct Form: Content {
        var entity_id: String?
        var type: String?
        var category_id: String?
        var title: String?
        var description: String?
        var urgency: String?
        var impact: String?
        var location: String?
        var tags: String?
        var asset_ids: [String]?

        var values: [String: String] {
            ["entity_id": entity_id ?? "", "type": type ?? "incident", "category_id": category_id ?? "",
             "title": title ?? "", "description": description ?? "", "urgency": urgency ?? "3", "impact": impact ?? "3",
             "location": location ?? "", "tags": tags ?? ""]
        }

        /// The form a category's template starts (decision 0061): its predefined values and description.
        static func starting(from category: TicketCategoryModel?) -> Form {
            let predefined = category?.ticketTemplate.predefined ?? TicketTemplate.Predefined()
            return Form(entity_id: nil, type: predefined.type, category_id: category?.id?.uuidString,
                        title: predefined.title, description: category?.template,
                        urgency: predefined.urgency.map(String.init), impact: predefined.impact.map(String.init),
                        location: predefined.location, tags: predefined.tags?.joined(separator: ", "), asset_ids: nil)
        }
    }

    struct FormPage: Encodable {
        let values: [String: String]
        let errors: [String: String]
        let entities: [SelectOption]
        let types: [SelectOption]
        let categories: [SelectOption]
        let levels: [SelectOption]
        let impacts: [SelectOption]
        let assets: [SelectOption]
        /// The chosen category's name, once one is chosen.
        let category: String?
        /// The fields the chosen category requires, by name (`location: true`).
        let mandatory: [String: Bool]
        let attachmentHelp: String
        /// What the category chooser carries over when the category changes: the title as typed (without the
        /// category's predefined start) and the chosen machine — what the portal's search or equipment list gave.
        let carried: [HiddenField]
    }

    struct HiddenField: Encodable {
        let name: String
        let value: String
    }

    private func renderForm(_ req: Request, values: [String: String], assetIDs: [String] = [],
                            errors: [String: String] = [:], status: HTTPResponseStatus = .ok) async throws -> Response {
        let usable = try await HelpdeskAdminAPI.usableEntities(req)
        let categories = try await TicketCategoryModel.query(on: req.db).scoped(to: usable, \.$entityID).sort(\.$name).all()
        let chosen = categories.first { $0.id?.uuidString == values["category_id"] }
        let user = try req.requireUser()
        // The requester's own machines; technicians link others from the ticket's details.
        let assets = try await AssetModel.query(on: req.db).filter(\.$assignedUserID == user.id).sort(\.$name)
            .limit(200).all()
        let limits = try await TicketAttachmentStore.limits(
            for: values["entity_id"].flatMap(UUID.init(uuidString:)) ?? req.requireUser().entityID,
            tree: try await req.entityTree(), on: req.db)
        return try await req.renderPage("tickets/new", title: req.t("tickets.new"), active: "tickets", page: FormPage(
            values: values, errors: errors,
            entities: try await req.entityOptions(for: .ticketsCreate,
                                                  selected: values["entity_id"].flatMap(UUID.init(uuidString:))),
            types: TicketKind.allCases.map {
                SelectOption(value: $0.rawValue, label: req.t("tickets.type.\($0.rawValue)"), selected: values["type"] == $0.rawValue)
            },
            categories: [SelectOption(value: "", label: "—", selected: chosen == nil)]
                + categories.map {
                    SelectOption(value: $0.id!.uuidString, label: $0.name, selected: chosen?.id == $0.id)
                },
            levels: (1...5).map {
                SelectOption(value: String($0), label: req.t("tickets.level.\($0)"), selected: values["urgency"] == String($0))
            },
            impacts: (1...5).map {
                SelectOption(value: String($0), label: req.t("tickets.level.\($0)"), selected: values["impact"] == String($0))
            },
            assets: assets.map {
                SelectOption(value: $0.id!.uuidString, label: [$0.name, $0.inventoryNumber].compactMap { $0 }.joined(separator: " · "),
                             selected: assetIDs.contains($0.id!.uuidString))
            },
            category: chosen?.name,
            mandatory: Dictionary(uniqueKeysWithValues: (chosen?.ticketTemplate.mandatory ?? []).map { ($0.rawValue, true) }),
            attachmentHelp: Self.attachmentHelp(limits, req),
            carried: Self.carried(values: values, assetIDs: assetIDs, category: chosen)),
            status: status)
    }

    static func carried(values: [String: String], assetIDs: [String], category: TicketCategoryModel?) -> [HiddenField] {
        var title = values["title"] ?? ""
        if let start = category?.ticketTemplate.predefined.title, !start.isEmpty, title.hasPrefix(start) {
            title = String(title.dropFirst(start.count))
        }
        var fields: [HiddenField] = []
        if !title.trimmingCharacters(in: .whitespaces).isEmpty { fields.append(HiddenField(name: "title", value: title)) }
        if let asset = assetIDs.first(where: { UUID(uuidString: $0) != nil }) {
            fields.append(HiddenField(name: "asset_id", value: asset))
        }
        return fields
    }

    /// The form, started from the category chosen in `?category_id=` when there is one: the portal's category-driven
    /// form.
    @Sendable func newPage(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.ticketsCreate)
        let usable = try await HelpdeskAdminAPI.usableEntities(req)
        let category = try await req.query[UUID.self, at: "category_id"].asyncMap { id in
            try await TicketCategoryModel.find(id, on: req.db)
        }.flatMap { $0 }.flatMap { usable.contains($0.entityID) ? $0 : nil }
        var form = Form.starting(from: category)
        // From the portal's search: what was searched starts the title.
        if let title = req.query[String.self, at: "title"]?.prefix(TicketLimits.title), !title.isEmpty {
            form.title = (form.title ?? "") + title
        }
        // From the portal's equipment list: that machine is preselected.
        let asset = req.query[UUID.self, at: "asset_id"].map { [$0.uuidString] } ?? []
        return try await renderForm(req, values: form.values, assetIDs: asset)
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.ticketsCreate)
        let uploads = try Self.uploads(req)
        let form = try req.content.decode(Form.self)
        var input = TicketCreateInput()
        input.entity_id = form.entity_id.flatMap(UUID.init(uuidString:))
        input.type = form.type
        input.category_id = form.category_id.flatMap(UUID.init(uuidString:))
        input.title = form.title
        input.description = form.description
        input.urgency = form.urgency.flatMap { Int($0) }
        input.impact = form.impact.flatMap { Int($0) }
        input.location = form.location
        input.tags = form.tags.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        input.asset_ids = form.asset_ids?.compactMap(UUID.init(uuidString:))
        do {
            let ticket = try await TicketService(request: req).create(input, defaultSource: .web, attachments: uploads)
            req.flash("success", req.t("tickets.created", ticket.reference))
            return req.redirect(to: "/tickets/\(ticket.id!)")
        } catch let error as ParcError where error.status == .unprocessableEntity {
            return try await renderForm(req, values: form.values, assetIDs: form.asset_ids ?? [],
                                        errors: req.localized(error.fields), status: .unprocessableEntity)
        } catch let refusal as TicketAttachmentRefusal {
            let message = Self.message(refusal, req)
            req.flash("error", message)
            return try await renderForm(req, values: form.values, assetIDs: form.asset_ids ?? [],
                                        errors: ["attachments": message], status: refusal.status)
        }
    }

    // MARK: ticket page

    struct Entry: Encodable {
        let kind: String
        let author: String
        let at: String
        let body: String
        let isPrivate: Bool
        let done: Bool
        let minutes: String?
        let taskID: UUID?
        /// The body rendered by ``SafeMarkdown``: inert whatever was written.
        let html: String
    }

    struct Field: Encodable {
        let label: String
        let value: String
    }

    struct ShowPage: Encodable {
        let ticket: TicketDTO
        let tab: String
        let statusLabel: String
        let statusTone: String
        let priorityLabel: String
        let solutionStatusLabel: String?
        let fields: [Field]
        let sla: [Field]
        let slaTone: String?
        let entries: [Entry]
        let spent: String
        let canUpdate: Bool
        let canAnswer: Bool
        let canFollowUp: Bool
        let statuses: [SelectOption]
        let levels: [SelectOption]
        let impacts: [SelectOption]
        let priorities: [SelectOption]
        let technicians: [SelectOption]
        let cannedResponses: [SelectOption]
        let errors: [String: String]
        let values: [String: String]
        let history: [AuditEntryView]
        let links: [LinkRow]
        let linkKinds: [SelectOption]
        let descriptionHTML: String
        let solutionHTML: String?
        let suggestions: [KnowledgeSearch.Suggestion]
        let canMakeArticle: Bool
        let survey: SatisfactionDTO?
        let surveyLabel: String?
        let canRate: Bool
        let ratings: [SelectOption]
        let attachments: [AttachmentRow]
        let attachmentHelp: String
        /// The categories of the ticket's entity and above, for the qualification form.
        let categories: [SelectOption]
        /// The requesters' machines and the assets already linked.
        let assets: [SelectOption]
        /// The fields the ticket's category requires, by name (`location: true`).
        let mandatory: [String: Bool]
        /// The required fields the ticket lacks, said in a sentence, when there are some (decision 0064).
        let incomplete: String?
    }

    static let tabs = ["discussion", "details", "history"]

    @Sendable func showPage(_ req: Request) async throws -> Response {
        try await render(req, tab: (try? req.query.get(String.self, at: "tab")).flatMap { Self.tabs.contains($0) ? $0 : nil }
            ?? "discussion")
    }

    private func render(_ req: Request, tab: String, errors: [String: String] = [:], values: [String: String] = [:],
                        assetIDs: [String]? = nil, status: HTTPResponseStatus = .ok) async throws -> Response {
        let service = TicketService(request: req)
        let ticket = try await service.find(req.parameters.get("id", as: UUID.self))
        let access = try await service.access()
        let technician = access.readAll.contains(ticket.entityID)
        let canUpdate = access.mayUpdate(ticket)
        let dto = try await TicketDTO.load([ticket], request: req)[0]
        let isRequester = dto.requesters.contains { $0.id == access.userID }
        var followups = TicketFollowupModel.query(on: req.db).filter(\.$ticketID == ticket.id!)
        var tasks = TicketTaskModel.query(on: req.db).filter(\.$ticketID == ticket.id!)
        if !technician {
            followups = followups.filter(\.$isPrivate == false)
            tasks = tasks.filter(\.$isPrivate == false)
        }
        let followupRows = try await followups.sort(\.$createdAt).sort(\.$id).all()
        let taskRows = try await tasks.sort(\.$createdAt).sort(\.$id).all()
        let names = Dictionary(uniqueKeysWithValues: try await UserModel.query(on: req.db)
            .filter(\.$id ~~ Array(Set(taskRows.compactMap(\.authorID)))).all().map { ($0.id!, $0.displayName) })
        let language = req.language
        var entries = followupRows.map {
            (date: $0.createdAt, entry: Entry(kind: "followup", author: $0.authorName, at: req.formatDateTime($0.createdAt),
                                              body: $0.body, isPrivate: $0.isPrivate, done: false, minutes: nil, taskID: nil,
                                              html: SafeMarkdown.html(from: $0.body)))
        }
        entries += taskRows.map {
            (date: $0.createdAt, entry: Entry(kind: "task", author: $0.authorID.flatMap { names[$0] } ?? "—",
                                              at: req.formatDateTime($0.createdAt), body: $0.description,
                                              isPrivate: $0.isPrivate, done: $0.done,
                                              minutes: req.t("tickets.minutes", ParcFormat.number($0.spentMinutes, language: language)),
                                              taskID: $0.id, html: SafeMarkdown.html(from: $0.description)))
        }
        let spent = taskRows.reduce(0) { $0 + $1.spentMinutes }
        let survey = try await TicketSatisfactionModel.find(ticket.id, on: req.db)
        let tree = try await req.entityTree()
        let scope = try await req.accessScope()
        let history = tab == "history" && scope.allows(.auditRead, in: ticket.entityID)
            ? try await AuditEntryModel.history(objectType: TicketService.objectType, objectID: ticket.id!,
                                                visibleTo: req.entities(for: .auditRead), on: req.db)
                .map { AuditEntryView($0, request: req, tree: tree, scope: scope) } : []
        let technicians: [SelectOption]
        if canUpdate {
            let profiles = try await ProfileModel.query(on: req.db).all()
            let candidates = Set(profiles.compactMap { $0.entityID == ticket.entityID || tree.ancestors(of: ticket.entityID).contains($0.entityID) ? $0.userID : nil })
            let able = try await service.usersWhoMayWork(Array(candidates), entity: ticket.entityID, tree: tree)
            let users = try await UserModel.query(on: req.db).filter(\.$id ~~ Array(able)).sort(\.$displayName).all()
            let current = Set(dto.assignees.compactMap(\.id))
            technicians = [SelectOption(value: "", label: "—", selected: current.isEmpty)] + users.map {
                SelectOption(value: $0.id!.uuidString, label: $0.displayName, selected: current.contains($0.id!))
            }
        } else {
            technicians = []
        }
        var slaFields: [Field] = []
        if let due = dto.time_to_own_due {
            slaFields.append(Field(label: req.t("tickets.time_to_own_due"), value: req.formatDateTime(due)
                + (dto.time_to_own_breached ? " — " + req.t("tickets.sla.late") : "")))
        }
        if let due = dto.time_to_resolve_due {
            slaFields.append(Field(label: req.t("tickets.time_to_resolve_due"), value: req.formatDateTime(due)
                + (dto.time_to_resolve_paused ? " — " + req.t("tickets.sla.paused") : "")
                + (dto.time_to_resolve_breached ? " — " + req.t("tickets.sla.late") : "")))
        }
        let allowed = TicketTransition.allowedTargets(from: ticket.ticketStatus)
        let fields = [
            Field(label: req.t("tickets.type"), value: req.t("tickets.type.\(dto.type)")),
            Field(label: req.t("assets.entity"), value: dto.entity),
            Field(label: req.t("tickets.category"), value: dto.category ?? "—"),
            Field(label: req.t("tickets.requesters"), value: dto.requesters.map(\.name).joined(separator: ", ")),
            Field(label: req.t("tickets.assignees"),
                  value: (dto.assignees.map(\.name) + dto.groups.map(\.name)).joined(separator: ", ").nonEmpty ?? "—"),
            Field(label: req.t("tickets.urgency"), value: req.t("tickets.level.\(dto.urgency)")),
            Field(label: req.t("tickets.impact"), value: req.t("tickets.level.\(dto.impact)")),
            Field(label: req.t("tickets.source"), value: req.t("tickets.source.\(dto.source)")),
            Field(label: req.t("tickets.opened_at"), value: req.formatDateTime(dto.opened_at)),
        ] + (dto.pending_reason.map { [Field(label: req.t("tickets.pending_reason"), value: $0)] } ?? [])
            + (dto.location.map { [Field(label: req.t("tickets.location"), value: $0)] } ?? [])
            + (dto.tags.isEmpty ? [] : [Field(label: req.t("tickets.tags"), value: dto.tags.joined(separator: ", "))])
        var formValues = ["urgency": String(dto.urgency), "impact": String(dto.impact), "priority": String(dto.priority),
                          "status": dto.status, "pending_reason": "", "solution": "", "diagnosis": dto.diagnosis ?? "",
                          "parts": dto.parts ?? "", "category_id": dto.category_id?.uuidString ?? "",
                          "location": dto.location ?? "", "tags": dto.tags.joined(separator: ", ")]
        for (key, value) in values { formValues[key] = value }
        let qualification = try await canUpdate && tab == "details"
            ? qualificationChoices(ticket, dto, chosenCategory: formValues["category_id"] ?? "",
                                             chosenAssets: assetIDs ?? dto.asset_ids.map(\.uuidString), req)
            : QualificationChoices()
        // Canned responses: `?canned=ID` fills the followup with one, placeholders replaced (decision 0061).
        var canned: [SelectOption] = []
        if canUpdate, tab == "discussion", dto.status != "closed" {
            let responses = TicketCannedResponses(request: req)
            let offered = try await responses.offered(for: ticket.entityID)
            let chosen = req.query[UUID.self, at: "canned"]
            if values["body"] == nil, let response = offered.first(where: { $0.id == chosen }) {
                formValues["body"] = try await responses.render(response, for: ticket)
            }
            canned = offered.map { SelectOption(value: $0.id!.uuidString, label: $0.name, selected: $0.id == chosen) }
        }
        return try await req.renderPage("tickets/show", title: "\(dto.reference) — \(dto.title)", active: "tickets",
            page: ShowPage(
                ticket: dto, tab: tab, statusLabel: req.t("tickets.status.\(dto.status)"),
                statusTone: Self.tone(dto.status), priorityLabel: req.t("tickets.priority.\(dto.priority)"),
                solutionStatusLabel: dto.solution_status.map { req.t("tickets.solution_status.\($0)") },
                fields: fields, sla: slaFields,
                slaTone: dto.time_to_own_breached || dto.time_to_resolve_breached ? "red" : nil,
                entries: entries.sorted { $0.date < $1.date }.map(\.entry),
                spent: req.t("tickets.minutes", ParcFormat.number(spent, language: language)),
                canUpdate: canUpdate,
                canAnswer: dto.status == "solved" && dto.solution_status == "waiting" && (isRequester || canUpdate),
                canFollowUp: dto.status != "closed",
                statuses: ([ticket.ticketStatus] + TicketStatus.allCases.filter { allowed.contains($0) }).map {
                    SelectOption(value: $0.rawValue, label: req.t("tickets.status.\($0.rawValue)"),
                                 selected: formValues["status"] == $0.rawValue)
                },
                levels: (1...5).map {
                    SelectOption(value: String($0), label: req.t("tickets.level.\($0)"), selected: formValues["urgency"] == String($0))
                },
                impacts: (1...5).map {
                    SelectOption(value: String($0), label: req.t("tickets.level.\($0)"), selected: formValues["impact"] == String($0))
                },
                priorities: (1...6).map {
                    SelectOption(value: String($0), label: req.t("tickets.priority.\($0)"), selected: formValues["priority"] == String($0))
                },
                technicians: technicians, cannedResponses: canned, errors: errors, values: formValues, history: history,
                links: tab == "details" ? try await service.links(of: ticket).map {
                    LinkRow(kindLabel: req.t("tickets.link.\($0.kind)"), ticketID: $0.ticket_id, reference: $0.reference,
                            title: $0.title, statusLabel: req.t("tickets.status.\($0.status)"))
                } : [],
                linkKinds: TicketLinkKind.allCases.map {
                    SelectOption(value: $0.rawValue, label: req.t("tickets.link.\($0.rawValue)"), selected: $0 == .related)
                },
                descriptionHTML: SafeMarkdown.html(from: dto.description),
                solutionHTML: dto.solution.map { SafeMarkdown.html(from: $0) },
                suggestions: tab == "discussion" && technician && !["solved", "closed"].contains(dto.status)
                    ? (try? await KnowledgeSearch.suggest(text: dto.title, on: req, entity: ticket.entityID,
                                                          audience: .technician, limit: 3)) ?? [] : [],
                canMakeArticle: dto.solution != nil && ["solved", "closed"].contains(dto.status)
                    && scope.allows(.kbWrite, in: ticket.entityID),
                survey: survey.map(SatisfactionDTO.init),
                surveyLabel: survey.map { req.t("tickets.survey.rating.\($0.rating)") },
                canRate: survey == nil && isRequester && dto.status == "closed",
                ratings: (1...5).reversed().map {
                    SelectOption(value: String($0), label: req.t("tickets.survey.rating.\($0)"), selected: $0 == 5)
                },
                attachments: tab == "discussion" ? try await Self.attachmentRows(ticket, access: access, req) : [],
                attachmentHelp: Self.attachmentHelp(try await TicketAttachmentStore.limits(
                    for: ticket.entityID, tree: tree, on: req.db), req),
                categories: qualification.categories, assets: qualification.assets,
                mandatory: Dictionary(uniqueKeysWithValues: (qualification.current?.ticketTemplate.mandatory ?? [])
                    .map { ($0.rawValue, true) }),
                incomplete: try await incompleteNotice(ticket, category: qualification.current, req)),
            status: status)
    }

    /// What the qualification form offers: the categories of the ticket's entity and above, and the assets a
    /// technician links from the page (the requesters' machines and those already linked; the API takes any asset of
    /// the entity).
    struct QualificationChoices {
        var categories: [SelectOption] = []
        var assets: [SelectOption] = []
        /// The ticket's category as stored.
        var current: TicketCategoryModel?
    }

    private func qualificationChoices(_ ticket: TicketModel, _ dto: TicketDTO, chosenCategory: String,
                                      chosenAssets: [String], _ req: Request) async throws -> QualificationChoices {
        let tree = try await req.entityTree()
        let categories = try await TicketCategoryModel.query(on: req.db)
            .filter(\.$entityID ~~ (tree.ancestors(of: ticket.entityID) + [ticket.entityID])).sort(\.$name).all()
        let requesters = dto.requesters.compactMap(\.id)
        let visible = try await req.entities(for: .assetsRead)
        let subtree = Set(tree.subtree(of: ticket.entityID))
        let linked = dto.asset_ids
        let assets = try await linked.isEmpty && requesters.isEmpty ? [] : AssetModel.query(on: req.db).group(.or) { either in
            if !linked.isEmpty { either.filter(\.$id ~~ linked) }
            if !requesters.isEmpty { either.filter(\.$assignedUserID ~~ requesters.map { Optional($0) }) }
        }.sort(\.$name).limit(200).all()
            .filter { linked.contains($0.id!) || (subtree.contains($0.entityID) && visible.contains($0.entityID)) }
        return QualificationChoices(
            categories: [SelectOption(value: "", label: "—", selected: chosenCategory.isEmpty)] + categories.map {
                SelectOption(value: $0.id!.uuidString, label: $0.name, selected: $0.id!.uuidString == chosenCategory)
            },
            assets: assets.map {
                SelectOption(value: $0.id!.uuidString, label: [$0.name, $0.inventoryNumber].compactMap { $0 }
                    .joined(separator: " · "), selected: chosenAssets.contains($0.id!.uuidString))
            },
            current: categories.first { $0.id == ticket.categoryID })
    }

    /// "The category … requires: Location." when the ticket lacks fields its category requires — a rule put it
    /// there, or it came by mail (decision 0064) — for technicians on the Details tab.
    private func incompleteNotice(_ ticket: TicketModel, category: TicketCategoryModel?, _ req: Request) async throws
        -> String?
    {
        guard let category, !category.ticketTemplate.mandatory.isEmpty else { return nil }
        let missing = category.ticketTemplate.missingFields(
            in: try await TicketService.templateValues(of: ticket, on: req.db), descriptionTemplate: nil)
            .compactMap(TicketTemplate.Field.init(rawValue:))
        guard !missing.isEmpty else { return nil }
        return req.t("tickets.category_fields.incomplete", category.name,
                     missing.map { req.t(TicketService.labelKey($0)) }.joined(separator: ", "))
    }

    // MARK: intervention sheet

    struct SheetTask: Encodable {
        let description: String
        let minutes: String
        let done: Bool
    }

    struct SheetPage: Encodable {
        let ticket: TicketDTO
        let opened: String
        let solved: String?
        let printedAt: String
        let statusLabel: String
        let tasks: [SheetTask]
        let spent: String
        let parts: [String]
        let assets: [String]
        let technicians: String
    }

    /// The intervention sheet: what was asked, found and done, the time and the parts, with room for signatures —
    /// a page that prints cleanly (navigation, forms and private entries are left out of print).
    @Sendable func sheetPage(_ req: Request) async throws -> Response {
        let service = TicketService(request: req)
        let ticket = try await service.find(req.parameters.get("id", as: UUID.self))
        let dto = try await TicketDTO.load([ticket], request: req)[0]
        let tasks = try await TicketTaskModel.query(on: req.db).filter(\.$ticketID == ticket.id!)
            .filter(\.$isPrivate == false).sort(\.$createdAt).sort(\.$id).all()
        let language = req.language
        let minutes = { (value: Int) in req.t("tickets.minutes", ParcFormat.number(value, language: language)) }
        let assets = dto.asset_ids.isEmpty ? [] : try await AssetModel.query(on: req.db).filter(\.$id ~~ dto.asset_ids)
            .scoped(to: try await req.entities(for: .assetsRead), \.$entityID).all()
            .map { [$0.name, $0.inventoryNumber, $0.serial].compactMap { $0 }.joined(separator: " — ") }
        return try await req.renderPage("tickets/sheet", title: req.t("tickets.sheet.title", dto.reference),
                                        active: "tickets", page: SheetPage(
            ticket: dto, opened: req.formatDateTime(dto.opened_at), solved: dto.solved_at.map { req.formatDateTime($0) },
            printedAt: req.formatDateTime(req.now), statusLabel: req.t("tickets.status.\(dto.status)"),
            tasks: tasks.map { SheetTask(description: $0.description, minutes: minutes($0.spentMinutes), done: $0.done) },
            spent: minutes(tasks.reduce(0) { $0 + $1.spentMinutes }),
            parts: (dto.parts ?? "").split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty },
            assets: assets,
            technicians: (dto.assignees.map(\.name) + dto.groups.map(\.name)).joined(separator: ", ")))
    }

    // MARK: actions

    struct UpdateForm: Content {
        var status: String?
        var urgency: String?
        var impact: String?
        var priority: String?
        var assignee_id: String?
        var pending_reason: String?
        var solution: String?
        var diagnosis: String?
        var parts: String?
        var category_id: String?
        var location: String?
        var tags: String?
        var asset_ids: [String]?
        /// Present when the form showed the assets, so that none chosen means none (a multiple select sends nothing).
        var assets_shown: String?
    }

    @Sendable func update(_ req: Request) async throws -> Response {
        let service = TicketService(request: req)
        let ticket = try await service.find(req.parameters.get("id", as: UUID.self))
        let form = try req.content.decode(UpdateForm.self)
        var input = TicketPatchInput()
        if let status = form.status, status != ticket.status { input.status = status }
        input.urgency = form.urgency.flatMap { Int($0) }
        input.impact = form.impact.flatMap { Int($0) }
        if let priority = form.priority.flatMap({ Int($0) }), priority != ticket.priority,
           form.urgency.flatMap({ Int($0) }) == ticket.urgency, form.impact.flatMap({ Int($0) }) == ticket.impact {
            input.priority = priority
        }
        if let assignee = form.assignee_id {
            input.assignee_ids = UUID(uuidString: assignee).map { [$0] } ?? []
        }
        if let reason = form.pending_reason, !reason.isEmpty { input.pending_reason = reason }
        if let solution = form.solution, !solution.isEmpty { input.solution = solution }
        input.diagnosis = form.diagnosis
        input.parts = form.parts
        // Category, location, tags and assets: only what the form changes, so that an untouched field is no change.
        if let text = form.category_id, text != (ticket.categoryID?.uuidString ?? "") {
            input.category_id = .some(UUID(uuidString: text))
            if !text.isEmpty, UUID(uuidString: text) == nil {
                return try await refuseUpdate(req, form, ParcError.validation(["category_id": "Choose a category from the list."]))
            }
        }
        if let location = form.location?.trimmingCharacters(in: .whitespaces), location != (ticket.location ?? "") {
            input.location = location
        }
        if let text = form.tags {
            let tags = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if tags != ticket.tags { input.tags = tags }
        }
        if form.assets_shown != nil {
            let chosen = (form.asset_ids ?? []).compactMap(UUID.init(uuidString:))
            let linked = try await TicketAssetModel.query(on: req.db).filter(\.$ticketID == ticket.id!).all().map(\.assetID)
            if Set(chosen) != Set(linked) { input.asset_ids = chosen }
        }
        do {
            _ = try await service.update(ticket, input)
            req.flash("success", req.t("common.saved"))
            return req.redirect(to: "/tickets/\(ticket.id!)?tab=details")
        } catch let error as ParcError where error.status == .unprocessableEntity {
            return try await refuseUpdate(req, form, error)
        }
    }

    /// The Details tab again, with the errors inline and what was typed kept.
    private func refuseUpdate(_ req: Request, _ form: UpdateForm, _ error: ParcError) async throws -> Response {
        var errors = req.localized(error.fields)
        if error.fields.isEmpty { errors["status"] = req.localized(error) }
        if error.code == "category_fields_missing" { errors["summary"] = req.localized(error) }
        var values = ["status": form.status ?? "", "pending_reason": form.pending_reason ?? "",
                      "solution": form.solution ?? "", "diagnosis": form.diagnosis ?? "", "parts": form.parts ?? ""]
        for (key, value) in [("category_id", form.category_id), ("location", form.location), ("tags", form.tags),
                             ("urgency", form.urgency), ("impact", form.impact), ("priority", form.priority)] {
            if let value { values[key] = value }
        }
        return try await render(req, tab: "details", errors: errors, values: values,
                                assetIDs: form.assets_shown == nil ? nil : form.asset_ids ?? [],
                                status: .unprocessableEntity)
    }

    struct FollowupForm: Content {
        var body: String?
        var is_private: String?
    }

    @Sendable func addFollowup(_ req: Request) async throws -> Response {
        let service = TicketService(request: req)
        let ticket = try await service.find(req.parameters.get("id", as: UUID.self))
        let uploads = try Self.uploads(req)
        let form = try req.content.decode(FollowupForm.self)
        do {
            _ = try await service.addFollowup(to: ticket, FollowupInput(body: form.body, is_private: form.is_private == "on"),
                                              source: .web, attachments: uploads)
            req.flash("success", req.t("tickets.followup_added"))
            return req.redirect(to: "/tickets/\(ticket.id!)")
        } catch let error as ParcError where error.status == .unprocessableEntity || error.status == .conflict {
            var errors = req.localized(error.fields)
            if error.fields.isEmpty { errors["body"] = req.localized(error.message) }
            return try await render(req, tab: "discussion", errors: errors, values: ["body": form.body ?? ""],
                                    status: error.status)
        } catch let refusal as TicketAttachmentRefusal {
            // Nothing was saved; the text comes back in the form, the files are to be chosen again.
            let message = Self.message(refusal, req)
            req.flash("error", message)
            return try await render(req, tab: "discussion", errors: ["attachments": message],
                                    values: ["body": form.body ?? ""], status: refusal.status)
        }
    }

    struct TaskForm: Content {
        var description: String?
        var spent_minutes: String?
        var is_private: String?
        var done: String?
    }

    @Sendable func addTask(_ req: Request) async throws -> Response {
        let service = TicketService(request: req)
        let ticket = try await service.find(req.parameters.get("id", as: UUID.self))
        let form = try req.content.decode(TaskForm.self)
        var input = TaskInput()
        input.description = form.description
        input.is_private = form.is_private == "on"
        input.done = form.done == "on"
        let minutes = (form.spent_minutes ?? "").trimmingCharacters(in: .whitespaces)
        if !minutes.isEmpty {
            guard let value = Int(minutes) else {
                return try await render(req, tab: "discussion", errors: ["spent_minutes": req.t("tickets.minutes_invalid")],
                                        values: ["task": form.description ?? ""], status: .unprocessableEntity)
            }
            input.spent_minutes = value
        }
        do {
            _ = try await service.addTask(to: ticket, input)
            req.flash("success", req.t("tickets.task_added"))
            return req.redirect(to: "/tickets/\(ticket.id!)")
        } catch let error as ParcError where error.status == .unprocessableEntity {
            return try await render(req, tab: "discussion", errors: req.localized(error.fields),
                                    values: ["task": form.description ?? ""], status: .unprocessableEntity)
        }
    }

    @Sendable func finishTask(_ req: Request) async throws -> Response {
        let service = TicketService(request: req)
        let ticket = try await service.find(req.parameters.get("id", as: UUID.self))
        var input = TaskInput()
        input.done = true
        _ = try await service.updateTask(req.parameters.get("task", as: UUID.self), of: ticket, input)
        return req.redirect(to: "/tickets/\(ticket.id!)")
    }

    struct AnswerForm: Content { var comment: String? }

    struct LinkRow: Encodable {
        let kindLabel: String
        let ticketID: UUID
        let reference: String
        let title: String
        let statusLabel: String
    }

    struct LinkForm: Content {
        var reference: String?
        var kind: String?
    }

    /// The ticket a reference typed in a form names, if the user may see it.
    private func ticket(referenced text: String?, _ req: Request) async throws -> TicketModel? {
        let reference = (text ?? "").trimmingCharacters(in: .whitespaces)
        guard TicketReference.parse(reference) != nil,
              let found = try await TicketModel.query(on: req.db).filter(\.$reference == reference).first() else { return nil }
        return try? await TicketService(request: req).find(found.id)
    }

    @Sendable func addLink(_ req: Request) async throws -> Response {
        let service = TicketService(request: req)
        let ticket = try await service.find(req.parameters.get("id", as: UUID.self))
        let form = try req.content.decode(LinkForm.self)
        guard let other = try await self.ticket(referenced: form.reference, req) else {
            return try await render(req, tab: "details", errors: ["link": req.t("tickets.link.unknown")],
                                    status: .unprocessableEntity)
        }
        do {
            _ = try await service.link(ticket, TicketLinkInput(other_id: other.id, kind: form.kind))
            req.flash("success", req.t("common.saved"))
            return req.redirect(to: "/tickets/\(ticket.id!)?tab=details")
        } catch let error as ParcError where [.unprocessableEntity, .conflict].contains(error.status) {
            let errors = req.localized(error.fields)
            return try await render(req, tab: "details",
                                    errors: ["link": errors.values.first ?? req.localized(error.message)], status: error.status)
        }
    }

    @Sendable func mergePage(_ req: Request) async throws -> Response {
        let service = TicketService(request: req)
        let ticket = try await service.find(req.parameters.get("id", as: UUID.self))
        let form = try req.content.decode(LinkForm.self)
        guard let target = try await self.ticket(referenced: form.reference, req) else {
            return try await render(req, tab: "details", errors: ["merge": req.t("tickets.link.unknown")],
                                    status: .unprocessableEntity)
        }
        do {
            let into = try await service.merge(ticket, into: target.id)
            req.flash("success", req.t("tickets.merged", into.reference))
            return req.redirect(to: "/tickets/\(into.id!)")
        } catch let error as ParcError where [.unprocessableEntity, .conflict].contains(error.status) {
            let errors = req.localized(error.fields)
            return try await render(req, tab: "details",
                                    errors: ["merge": errors.values.first ?? req.localized(error.message)], status: error.status)
        }
    }

    /// "Turn this solution into an article": a draft article for technicians with the problem and its solution,
    /// opened in the article form to review and publish.
    @Sendable func makeArticle(_ req: Request) async throws -> Response {
        let ticket = try await TicketService(request: req).find(req.parameters.get("id", as: UUID.self))
        try await req.require(.kbWrite, in: ticket.entityID)
        guard let solution = ticket.solution, [.solved, .closed].contains(ticket.ticketStatus) else {
            throw ParcError(.conflict, code: "no_solution", "The ticket has no solution to turn into an article yet.")
        }
        let user = try req.requireUser()
        let body = "## \(req.t("tickets.article.problem"))\n\n\(ticket.description)\n\n## \(req.t("tickets.solution"))\n\n\(solution)\n\n"
            + "_\(req.t("tickets.article.source", ticket.reference))_\n"
        let id = try await KnowledgeService.createArticle(
            from: ArticleDraft(title: ticket.title, body: String(body.prefix(190_000))), author: user.id,
            entity: ticket.entityID, audit: AuditLog(request: req), on: req.db)
        req.flash("success", req.t("tickets.article.created"))
        return req.redirect(to: "/kb/\(id)/edit")
    }

    struct SuggestionItem: Content {
        let title: String
        let url: String
        let snippet: String
    }

    /// FAQ articles matching what a requester is typing, for the new-ticket form (as you type; session-signed).
    @Sendable func suggestions(_ req: Request) async throws -> [SuggestionItem] {
        try await req.requireAnywhere(.ticketsCreate)
        let text = String((req.query[String.self, at: "q"] ?? "").prefix(200))
        let technician = try await req.accessScope().allowsAnywhere(.kbReadInternal)
        return try await KnowledgeSearch.suggest(text: text, on: req, audience: technician ? .technician : .requester,
                                                 limit: 5)
            .map { SuggestionItem(title: $0.title, url: $0.url, snippet: $0.snippet) }
    }

    struct RatingForm: Content {
        var rating: String?
        var comment: String?
    }

    @Sendable func rate(_ req: Request) async throws -> Response {
        let ticket = try await TicketService(request: req).find(req.parameters.get("id", as: UUID.self))
        let form = try req.content.decode(RatingForm.self)
        do {
            _ = try await Satisfaction.answer(ticket, SatisfactionInput(rating: form.rating.flatMap { Int($0) },
                                                                        comment: form.comment), request: req)
            req.flash("success", req.t("tickets.survey.thanks"))
            return req.redirect(to: "/tickets/\(ticket.id!)")
        } catch let error as ParcError where [.unprocessableEntity, .conflict, .forbidden].contains(error.status) {
            var errors = req.localized(error.fields)
            errors["rating"] = errors["rating"] ?? errors["comment"] ?? req.localized(error.message)
            return try await render(req, tab: "discussion", errors: errors, status: error.status)
        }
    }

    @Sendable func approve(_ req: Request) async throws -> Response {
        try await answer(req, approve: true)
    }

    @Sendable func refuse(_ req: Request) async throws -> Response {
        try await answer(req, approve: false)
    }

    private func answer(_ req: Request, approve: Bool) async throws -> Response {
        let service = TicketService(request: req)
        let ticket = try await service.find(req.parameters.get("id", as: UUID.self))
        let form = try req.content.decode(AnswerForm.self)
        let input = SolutionAnswerInput(comment: form.comment)
        do {
            _ = approve ? try await service.approveSolution(of: ticket, input)
                : try await service.refuseSolution(of: ticket, input)
            req.flash("success", req.t(approve ? "tickets.solution.approved" : "tickets.solution.refused"))
            return req.redirect(to: "/tickets/\(ticket.id!)")
        } catch let error as ParcError where error.status == .unprocessableEntity || error.status == .conflict {
            var errors = req.localized(error.fields)
            errors["answer"] = errors["comment"] ?? req.localized(error.message)
            return try await render(req, tab: "discussion", errors: errors, status: error.status)
        }
    }
}

extension String {
    /// nil when empty.
    var nonEmpty: String? { isEmpty ? nil : self }
}
