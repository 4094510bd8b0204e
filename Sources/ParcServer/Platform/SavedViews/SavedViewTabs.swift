import FluentKit
import Foundation
import ParcCore
import Vapor

/// The saved views of a list page as the `saved-views` template shows them: a tab per view above the table (the one
/// showing now marked), a form to save the current search, and the delete button of the current view when the user
/// may delete it.
struct SavedViewTabs: Encodable {
    struct Tab: Encodable {
        let id: UUID?
        let name: String
        let href: String
        let active: Bool
        let shared: Bool
        let owner: String?
    }

    let list: String
    let tabs: [Tab]
    /// The current search as a view would keep it; empty for the whole list.
    let query: String
    /// The view showing now, when the user may delete it.
    let deletable: Tab?

    /// The tabs of `key`'s page for the current `query`: "all" first, then the user's own views in their order, then
    /// those others shared, by name.
    init(_ req: Request, list key: String, query: ListQuery) async throws {
        let service = SavedViewService(request: req)
        let list = try service.list(key)
        let user = try req.requireUser()
        let current = QueryString.encode(SavedViewRules.canonicalItems(query, spec: list.spec))
        func order(_ view: SavedViewModel) -> (Int, Int, String) {
            view.ownerID == user.id ? (0, view.position, view.name.lowercased()) : (1, 0, view.name.lowercased())
        }
        let views = try await service.visibleQuery(listKey: key).all().sorted { order($0) < order($1) }
        let owners = try await SavedViewsController.dtos(req, views)
        var tabs = [Tab(id: nil, name: req.t("views.all"), href: list.path, active: current.isEmpty, shared: false,
                        owner: nil)]
        var activeFound = current.isEmpty
        var deletable: Tab?
        for (view, dto) in zip(views, owners) {
            let active = !activeFound && view.query == current
            activeFound = activeFound || active
            let tab = Tab(id: view.id, name: view.name, href: dto.url, active: active, shared: view.shared,
                          owner: view.ownerID == user.id ? nil : dto.owner)
            if active, dto.changeable { deletable = tab }
            tabs.append(tab)
        }
        self.list = key
        self.tabs = tabs
        self.query = current
        self.deletable = deletable
    }
}
