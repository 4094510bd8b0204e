import FluentKit
import Fluent
import Foundation
import ParcCore
import Vapor

/// The knowledge base: articles in Markdown with categories, visibility, revisions, review dates, templates, views
/// and votes; full-text search in French and English; suggestions for tickets and the portal
/// (docs/knowledge-base.md, decisions 0040–0043).
struct KnowledgeFeature: ParcFeature {
    var migrations: [any Migration] { [CreateKnowledgeBase()] }

    func register(_ registry: FeatureRegistry, routes: any RoutesBuilder, api: APIRoutes) throws {
        registry.addNavigation(.init(id: "kb", labelKey: "nav.kb", path: "/kb", icon: "book",
                                     section: "nav.section.helpdesk", permission: .kbRead, order: 420))
        registry.addSearchProvider(KnowledgeSearchProvider())
        ArticlesAPIController().register(api)
        KnowledgePagesController().register(routes)
    }
}

/// Articles in the global search box.
struct KnowledgeSearchProvider: SearchProvider {
    let id = "kb"
    let titleKey = "nav.kb"

    func search(_ text: String, limit: Int, on request: Request) async throws -> [SearchHit] {
        try await KnowledgeSearch.suggest(text: text, on: request, audience: .technician, limit: limit).map {
            SearchHit(title: $0.title, detail: $0.snippet, url: $0.url)
        }
    }
}
