import FluentKit
import Foundation
import ParcCore
import SQLKit
import Fluent
import Vapor

/// The home dashboard (widgets from every feature) and the global search.
struct HomeController {
    func register(_ signedIn: any RoutesBuilder) {
        signedIn.get(use: dashboard)
        signedIn.get("search", use: search)
    }

    struct DashboardPage: Encodable {
        let greeting: String
        let widgets: [WidgetCard]
    }

    @Sendable func dashboard(_ req: Request) async throws -> Response {
        let user = try req.requireUser()
        for home in req.parc.registry.homes {
            if let path = try await home(req) { return req.redirect(to: path) }
        }
        var cards: [WidgetCard] = []
        for widget in req.parc.registry.widgets {
            if let card = try await widget.render(on: req) { cards.append(card) }
        }
        return try await req.renderPage("dashboard", title: req.t("nav.dashboard"), active: "dashboard",
                                        page: DashboardPage(greeting: req.t("dashboard.greeting", user.displayName),
                                                            widgets: cards))
    }

    struct SearchPage: Encodable {
        struct Group: Encodable {
            let title: String
            let hits: [SearchHit]
        }

        let query: String
        let groups: [Group]
        let tooShort: Bool
    }

    @Sendable func search(_ req: Request) async throws -> Response {
        let text = String(((try? req.query.get(String.self, at: "q")) ?? "").trimmingCharacters(in: .whitespaces)
            .prefix(200))
        var groups: [SearchPage.Group] = []
        if text.count >= 2 {
            for provider in req.parc.registry.searchProviders {
                let hits = try await provider.search(text, limit: 20, on: req)
                if !hits.isEmpty { groups.append(.init(title: req.t(provider.titleKey), hits: hits)) }
            }
        }
        return try await req.renderPage("search", title: req.t("search.title"),
                                        page: SearchPage(query: text, groups: groups, tooShort: text.count < 2))
    }
}

extension Database {
    /// Case-insensitive LIKE on both engines (SQLite's LIKE already ignores ASCII case).
    var likeOperator: DatabaseQuery.Filter.Method {
        isPostgres ? .custom("ILIKE") : .custom("LIKE")
    }

    var isPostgres: Bool { (self as? any SQLDatabase)?.dialect.name == "postgresql" }

    /// A LIKE pattern matching the text anywhere. PostgreSQL escapes wildcards with a backslash by
    /// default; SQLite has no default escape, so there `%` and `_` typed by the user stay wildcards.
    func containsPattern(_ text: String) -> String {
        guard isPostgres else { return "%" + text + "%" }
        return "%" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
    }
}
