import Foundation
import ParcCore
import Vapor

/// A list whose searches users may save as views: features register theirs
/// (`registry.addSavedViewList(…)`), and the platform keeps the views, checks them and shows them as tabs.
struct SavedViewList: Sendable {
    /// The stable key views are stored under (`assets`).
    let key: String
    /// The list page (`/assets`); a view opens it with its query.
    let path: String
    /// What reading the list takes: a shared view is shown to those who hold it in the view's entity.
    let permission: Permission
    /// The parameters the list takes.
    let spec: ListQuerySpec
    /// Checks a query's values the way the list runs it, throwing the list's own 400 when it refuses one (a
    /// filter's value that does not parse, say): called when a view is saved.
    let check: @Sendable (Request, ListQuery) async throws -> Void

    /// The page showing the view's query.
    func url(query: String) -> String { query.isEmpty ? path : path + "?" + query }
}
