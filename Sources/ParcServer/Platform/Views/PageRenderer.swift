import Foundation
import Leaf
import ParcCore
import Fluent
import Vapor

/// What every page of the application shell shows around its content.
struct LayoutContext: Encodable {
    struct UserBadge: Encodable {
        let displayName: String
        let login: String
    }

    struct NavLink: Encodable {
        let label: String
        let href: String
        let icon: String
        let active: Bool
        /// A section heading rather than a link.
        let isSection: Bool
    }

    let lang: String
    let otherLang: String
    let title: String
    let theme: String
    let nextTheme: String
    let csrf: String
    let user: UserBadge?
    let nav: [NavLink]
    let flashes: [Flash]
    let searchQuery: String
    let requestPath: String
}

/// A page: the layout plus the page's own data, as the Leaf templates see it (`layout.…`, `page.…`).
struct PageEnvelope<Page: Encodable>: Encodable {
    let layout: LayoutContext
    let page: Page
}

/// Placeholder page data for pages that need only the layout.
struct NoPageData: Encodable {}

extension Request {
    /// Renders a template inside the application shell.
    func renderPage<Page: Encodable>(_ template: String, title: String, active: String? = nil, page: Page,
                                     status: HTTPResponseStatus = .ok) async throws -> Response {
        let layout = try await layoutContext(title: title, active: active)
        let view = try await self.view.render(template, PageEnvelope(layout: layout, page: page))
        let response = try await view.encodeResponse(for: self)
        response.status = status
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    func layoutContext(title: String, active: String?) async throws -> LayoutContext {
        let scope = try await accessScope()
        var links: [LayoutContext.NavLink] = []
        var currentSection: String?
        for item in parc.registry.navigation where item.permission.map(scope.allowsAnywhere) ?? (currentUser != nil) {
            if item.section != currentSection, let section = item.section {
                links.append(.init(label: t(section), href: "", icon: "", active: false, isSection: true))
            }
            currentSection = item.section
            let isActive = item.id == active
            links.append(.init(label: t(item.labelKey), href: item.path, icon: item.icon, active: isActive, isSection: false))
        }
        let theme = currentUser?.theme ?? cookies["parc_theme"]?.string ?? "auto"
        let language = self.language
        return LayoutContext(
            lang: language.rawValue,
            otherLang: language == .fr ? "en" : "fr",
            title: title,
            theme: ["light", "dark", "auto"].contains(theme) ? theme : "auto",
            nextTheme: theme == "dark" ? "light" : "dark",
            csrf: hasSession ? csrfToken : "",
            user: currentUser.map { .init(displayName: $0.displayName, login: $0.login) },
            nav: links,
            flashes: hasSession ? takeFlashes() : [],
            searchQuery: (try? query.get(String.self, at: "q")) ?? "",
            requestPath: url.path
        )
    }

    /// Whether the sessions middleware runs for this request (web routes).
    var hasSession: Bool { !url.path.hasPrefix("/api/") && url.path != "/healthz" && url.path != "/metrics" }
}
