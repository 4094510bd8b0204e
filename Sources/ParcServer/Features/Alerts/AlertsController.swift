import FluentKit
import Foundation
import ParcCore
import Fluent
import Vapor

/// `/alerts` and `/api/v1/alerts`: list, acknowledge, resolve.
struct AlertsController {
    struct AlertDTO: Content {
        let id: UUID
        let entity_id: UUID
        let source: String
        let severity: String
        let state: String
        let title: String
        let detail: String
        let object_type: String?
        let object_id: String?
        let object_url: String?
        let occurrences: Int
        let raised_at: Date
        let last_raised_at: Date
        let acknowledged_at: Date?
        let acknowledged_by: String?
        let resolved_at: Date?
        let resolved_by: String?

        init(_ alert: AlertModel, catalog: Catalog) {
            id = alert.id!
            entity_id = alert.entityID
            source = alert.source
            severity = alert.severity
            state = alert.state.rawValue
            title = AlertService.title(alert, catalog: catalog, language: .en)
            detail = alert.detail
            object_type = alert.objectType
            object_id = alert.objectID
            object_url = alert.objectURL
            occurrences = alert.occurrences
            raised_at = alert.raisedAt
            last_raised_at = alert.lastRaisedAt
            acknowledged_at = alert.acknowledgedAt
            acknowledged_by = alert.acknowledgedBy
            resolved_at = alert.resolvedAt
            resolved_by = alert.resolvedBy
        }

        static let schema = OpenAPISchema.object([
            "id": .uuid, "entity_id": .uuid, "source": .string(description: "What raised it, e.g. backup.drill"),
            "severity": .string(enumValues: AlertModel.Severity.allCases.map(\.rawValue)),
            "state": .string(enumValues: AlertModel.State.allCases.map(\.rawValue)),
            "title": .string(), "detail": .string(), "object_type": .nullable(.string()),
            "object_id": .nullable(.string()), "object_url": .nullable(.string()), "occurrences": .integer,
            "raised_at": .dateTime, "last_raised_at": .dateTime, "acknowledged_at": .nullable(.dateTime),
            "acknowledged_by": .nullable(.string()), "resolved_at": .nullable(.dateTime),
            "resolved_by": .nullable(.string()),
        ], required: ["id", "entity_id", "source", "severity", "state", "title", "raised_at"])
    }

    static let listSpec = ListQuerySpec(sortable: ["raised_at", "last_raised_at", "severity"],
                                        filterable: ["state", "severity", "source", "entity_id"],
                                        defaultSort: [.init("last_raised_at", descending: true)],
                                        passthrough: ["format"])

    func register(_ routes: any RoutesBuilder, api: APIRoutes) {
        let pages = routes.grouped("alerts")
        pages.get(use: listPage)
        pages.post(":id", "acknowledge", use: acknowledgeFromForm)
        pages.post(":id", "resolve", use: resolveFromForm)

        api.schema("Alert", AlertDTO.schema)
        api.on(.GET, "alerts", summary: "List alerts", tag: "Alerts",
               query: APIRoutes.listParameters(sortable: Self.listSpec.sortable.sorted(), filters: [
                   ("state", "open (not resolved, the default on pages), acknowledged, resolved or all."),
                   ("severity", "info, warning or critical."), ("source", "e.g. backup.drill"),
                   ("entity_id", "Only alerts of this entity."),
               ]), response: .object(["items": .array(.ref("Alert")), "total": .integer, "next": .nullable(.string())],
                                     required: ["items", "total", "next"]), use: apiList)
        api.on(.GET, "alerts/:id", summary: "Get an alert", tag: "Alerts", response: .ref("Alert"), use: apiGet)
        api.on(.POST, "alerts/:id/acknowledge", summary: "Acknowledge an alert (someone is on it)", tag: "Alerts",
               response: .ref("Alert"), use: apiAcknowledge)
        api.on(.POST, "alerts/:id/resolve", summary: "Resolve an alert", tag: "Alerts", response: .ref("Alert"),
               use: apiResolve)
    }

    /// `state`: open = not resolved (acknowledged included), acknowledged, resolved, all.
    static func query(_ req: Request, _ query: ListQuery, defaultState: String) async throws -> QueryBuilder<AlertModel> {
        var builder = AlertModel.query(on: req.db).scoped(to: try await req.entities(for: .alertsRead), \.$entityID)
        switch query.filters["state"] ?? defaultState {
        case "open": builder = builder.filter(\.$resolvedAt == nil)
        case "acknowledged": builder = builder.filter(\.$resolvedAt == nil).filter(\.$acknowledgedAt != nil)
        case "resolved": builder = builder.filter(\.$resolvedAt != nil)
        case "all": break
        default: throw ParcError.badRequest("invalid_query", "Parameter 'state' must be open, acknowledged, resolved or all.")
        }
        if let severity = try BackupAPIController.enumFilter(query, "severity", AlertModel.Severity.allCases.map(\.rawValue)) {
            builder = builder.filter(\.$severity == severity)
        }
        if let source = query.filters["source"] { builder = builder.filter(\.$source == source) }
        if let entity = try BackupAPIController.uuidFilter(query, "entity_id") { builder = builder.filter(\.$entityID == entity) }
        if let text = query.search { builder = builder.filter(\.$detail, req.db.likeOperator, req.db.containsPattern(text)) }
        for key in query.sort {
            let direction: DatabaseQuery.Sort.Direction = key.descending ? .descending : .ascending
            switch key.field {
            case "raised_at": builder = builder.sort(\.$raisedAt, direction)
            case "severity": builder = builder.sort(\.$severity, direction)
            default: builder = builder.sort(\.$lastRaisedAt, direction)
            }
        }
        return builder.sort(\.$id)
    }

    @Sendable func apiList(_ req: Request) async throws -> ListResponse<AlertDTO> {
        let query = try req.listQuery(Self.listSpec)
        let builder = try await Self.query(req, query, defaultState: "all")
        let total = try await builder.count()
        let rows = try await builder.range(query.offset..<(query.offset + query.perPage)).all()
        return ListResponse(items: rows.map { AlertDTO($0, catalog: req.parc.catalog) }, total: total,
                            next: req.nextPageURL(query, total: total))
    }

    @Sendable func apiGet(_ req: Request) async throws -> AlertDTO {
        AlertDTO(try await AlertService.find(req.parameters.get("id", as: UUID.self), request: req),
                 catalog: req.parc.catalog)
    }

    @Sendable func apiAcknowledge(_ req: Request) async throws -> AlertDTO {
        let alert = try await AlertService.find(req.parameters.get("id", as: UUID.self), request: req)
        try await AlertService(request: req).acknowledge(alert, request: req)
        return AlertDTO(alert, catalog: req.parc.catalog)
    }

    @Sendable func apiResolve(_ req: Request) async throws -> AlertDTO {
        let alert = try await AlertService.find(req.parameters.get("id", as: UUID.self), request: req)
        try await AlertService(request: req).resolve(alert, request: req)
        return AlertDTO(alert, catalog: req.parc.catalog)
    }

    // MARK: pages

    struct Row: Encodable {
        let id: UUID
        let title: String
        let detail: String
        let severity: String
        let severityLabel: String
        let state: String
        let stateLabel: String
        let entity: String
        let url: String?
        let raised: String
        let lastRaised: String
        let occurrences: Int
        let who: String?
        let canAcknowledge: Bool
        let canResolve: Bool
    }

    struct ListPage: Encodable {
        let rows: [Row]
        let links: ListPageLinks
        let states: [SelectOption]
        let severities: [SelectOption]
        let query: String
    }

    @Sendable func listPage(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.alertsRead)
        let query = try req.listQuery(Self.listSpec)
        let builder = try await Self.query(req, query, defaultState: "open")
        let tree = try await req.entityTree()
        let scope = try await req.accessScope()
        if req.wantsCSV {
            let iso = ISO8601DateFormatter()
            let rows = try await builder.limit(100_000).all()
            return req.csvResponse([["raised_at", "last_raised_at", "severity", "state", "entity", "source", "title",
                                     "detail", "occurrences"]] + rows.map {
                [iso.string(from: $0.raisedAt), iso.string(from: $0.lastRaisedAt), $0.severity, $0.state.rawValue,
                 tree.path(of: $0.entityID), $0.source, AlertService.title($0, catalog: req.parc.catalog,
                                                                             language: req.language),
                 $0.detail, String($0.occurrences)]
            }, filename: "alerts.csv")
        }
        let total = try await builder.count()
        let alerts = try await builder.range(query.offset..<(query.offset + query.perPage)).all()
        let state = query.filters["state"] ?? "open"
        let severity = query.filters["severity"] ?? ""
        return try await req.renderPage("alerts/list", title: req.t("nav.alerts"), active: "alerts", page: ListPage(
            rows: alerts.map { alert in
                let manage = scope.allows(.alertsManage, in: alert.entityID)
                return Row(id: alert.id!, title: AlertService.title(alert, catalog: req.parc.catalog, language: req.language),
                           detail: alert.detail, severity: alert.severity,
                           severityLabel: req.t("alerts.severity.\(alert.severity)"), state: alert.state.rawValue,
                           stateLabel: req.t("alerts.state.\(alert.state.rawValue)"), entity: tree.path(of: alert.entityID),
                           url: alert.objectURL, raised: req.formatDateTime(alert.raisedAt),
                           lastRaised: req.formatDateTime(alert.lastRaisedAt), occurrences: alert.occurrences,
                           who: alert.resolvedBy ?? alert.acknowledgedBy,
                           canAcknowledge: manage && alert.state == .open, canResolve: manage && alert.state != .resolved)
            },
            links: ListPageLinks(req, query: query, total: total, columns: [
                ("severity", "alerts.severity", false), ("last_raised_at", "alerts.last_raised", false),
            ]),
            states: ["open", "acknowledged", "resolved", "all"].map {
                SelectOption(value: $0, label: req.t("alerts.filter.\($0)"), selected: $0 == state)
            },
            severities: [SelectOption(value: "", label: req.t("alerts.filter.any_severity"), selected: severity.isEmpty)]
                + AlertModel.Severity.allCases.map {
                    SelectOption(value: $0.rawValue, label: req.t("alerts.severity.\($0.rawValue)"),
                                 selected: $0.rawValue == severity)
                },
            query: query.search ?? ""))
    }

    private func back(_ req: Request) -> String {
        let target = (try? req.content.get(String.self, at: "back")) ?? "/alerts"
        return RedirectTarget.localPath(target)
    }

    @Sendable func acknowledgeFromForm(_ req: Request) async throws -> Response {
        let alert = try await AlertService.find(req.parameters.get("id", as: UUID.self), request: req)
        try await AlertService(request: req).acknowledge(alert, request: req)
        req.flash("success", req.t("alerts.acknowledged"))
        return req.redirect(to: back(req))
    }

    @Sendable func resolveFromForm(_ req: Request) async throws -> Response {
        let alert = try await AlertService.find(req.parameters.get("id", as: UUID.self), request: req)
        try await AlertService(request: req).resolve(alert, request: req)
        req.flash("success", req.t("alerts.resolved"))
        return req.redirect(to: back(req))
    }
}
