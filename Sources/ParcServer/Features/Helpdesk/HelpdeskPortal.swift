import Fluent
import FluentKit
import Foundation
import ParcCore
import Vapor

/// `/portal`: the self-service home of requesters — search the FAQ first, then open a ticket from a category, follow
/// their tickets, answer a solution or a survey. Requesters who work no tickets land here instead of the dashboard
/// (docs/helpdesk.md).
struct HelpdeskPortal {
    struct TicketLine: Encodable {
        let id: UUID
        let reference: String
        let title: String
        let statusLabel: String
        let statusTone: String
        let updated: String
    }

    struct CategoryTile: Encodable {
        let name: String
        let href: String
    }

    struct Equipment: Encodable {
        let name: String
        let detail: String
        let href: String
    }

    struct Page: Encodable {
        let greeting: String
        let query: String
        let articles: [KnowledgeSearch.Suggestion]
        /// `/tickets/new?title=…` from what was searched.
        let newFromQuery: String?
        let categories: [CategoryTile]
        /// The machines assigned to the user, each with a link that opens a ticket about it.
        let equipment: [Equipment]
        let waiting: [TicketLine]
        let surveys: [TicketLine]
        let open: [TicketLine]
        let recent: [TicketLine]
    }

    func register(_ routes: any RoutesBuilder) {
        routes.get("portal", use: page)
    }

    /// Whether the user opens tickets but works none, reads no asset and administers nothing: the portal is their
    /// home.
    static func isRequesterOnly(_ req: Request) async throws -> Bool {
        let scope = try await req.accessScope()
        return scope.allowsAnywhere(.ticketsCreate) && !scope.allowsAnywhere(.ticketsUpdate)
            && !scope.allowsAnywhere(.assetsRead) && !scope.allowsAnywhere(.kbReadInternal)
    }

    @Sendable func page(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.ticketsCreate)
        let user = try req.requireUser()
        let text = String((req.query[String.self, at: "q"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            .prefix(200))
        let articles = text.isEmpty ? []
            : try await KnowledgeSearch.suggest(text: text, on: req, audience: .requester, limit: 8)
        // The categories of the entities where the user opens tickets, as paths ("Poste › Imprimante").
        let usable = try await HelpdeskAdminAPI.usableEntities(req)
        let categories = try await TicketCategoryModel.query(on: req.db).scoped(to: usable, \.$entityID).all()
        let byID = Dictionary(uniqueKeysWithValues: categories.map { ($0.id!, $0) })
        func path(_ category: TicketCategoryModel) -> String {
            var names = [category.name]
            var seen: Set<UUID> = [category.id!]
            var parent = category.parentID
            while let id = parent, let up = byID[id], seen.insert(id).inserted {
                names.insert(up.name, at: 0)
                parent = up.parentID
            }
            return names.joined(separator: " › ")
        }
        let tiles = categories.map { (path($0), $0.id!) }.sorted { $0.0.localizedStandardCompare($1.0) == .orderedAscending }
            .prefix(60).map { CategoryTile(name: $0.0, href: "/tickets/new?category_id=\($0.1.uuidString)") }
        // The user's own tickets, through the same scoped query as the list.
        var query = ListQuery(page: 1, perPage: 100, sort: [.init("updated_at", descending: true)])
        query.filters["requester_id"] = "me"
        let mine = try await TicketQuery(request: req, query: query).all(limit: 200)
        let answered = Set(try await TicketSatisfactionModel.query(on: req.db)
            .filter(\.$id ~~ mine.filter { $0.status == "closed" }.compactMap(\.id)).all().compactMap(\.id))
        let recently = req.now.addingTimeInterval(-30 * 86_400)
        func line(_ ticket: TicketModel) -> TicketLine {
            TicketLine(id: ticket.id!, reference: ticket.reference, title: ticket.title,
                       statusLabel: req.t("tickets.status.\(ticket.status)"),
                       statusTone: TicketPagesController.tone(ticket.status),
                       updated: req.formatDateTime(ticket.updatedAt ?? ticket.openedAt))
        }
        let waiting = mine.filter { $0.status == "solved" && $0.solutionStatus == "waiting" }
        let surveys = mine.filter {
            $0.status == "closed" && !answered.contains($0.id!) && ($0.closedAt ?? .distantPast) > recently
        }
        let open = mine.filter { TicketQuery.openStatuses.map(\.rawValue).contains($0.status) }
        let shown = Set((waiting + surveys).compactMap(\.id))
        let recent = mine.filter { !TicketQuery.openStatuses.map(\.rawValue).contains($0.status) && !shown.contains($0.id!) }
            .prefix(5)
        let machines = try await AssetModel.query(on: req.db).filter(\.$assignedUserID == user.id).sort(\.$name)
            .limit(50).all()
        var components = URLComponents()
        components.queryItems = [URLQueryItem(name: "title", value: text)]
        return try await req.renderPage("tickets/portal", title: req.t("portal.title"), active: "portal", page: Page(
            greeting: req.t("portal.greeting", user.displayName), query: text, articles: articles,
            newFromQuery: text.isEmpty ? nil : "/tickets/new?" + (components.percentEncodedQuery ?? ""),
            categories: Array(tiles),
            equipment: machines.map {
                Equipment(name: $0.name, detail: [$0.inventoryNumber, $0.location].compactMap { $0 }.joined(separator: " · "),
                          href: "/tickets/new?asset_id=\($0.id!.uuidString)")
            },
            waiting: waiting.map(line), surveys: surveys.map(line), open: open.map(line),
            recent: recent.map(line)))
    }
}
