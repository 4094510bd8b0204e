import Fluent
import FluentKit
import Foundation
import ParcCore
import SQLKit
import Vapor

/// Saved views for the API and the pages: who sees which (``SavedViewSharing``), and the checks on save — the name,
/// the query against its list's spec and values, the count per user.
struct SavedViewService {
    let request: Request

    /// The registered list `key`, or a 422 naming those that exist.
    func list(_ key: String?) throws -> SavedViewList {
        let lists = request.parc.registry.savedViewLists
        guard let key, let list = lists[key] else {
            throw ParcError.validation(["list": "Use one of: \(lists.keys.sorted().joined(separator: ", "))."])
        }
        return list
    }

    /// The views the user sees, of one list or of all: their own, and those shared in an entity where they may read
    /// the view's list.
    func visibleQuery(listKey: String?) async throws -> QueryBuilder<SavedViewModel> {
        let user = try request.requireUser()
        let scope = try await request.accessScope()
        let lists = request.parc.registry.savedViewLists.values.filter { listKey == nil || $0.key == listKey }
        return SavedViewModel.query(on: request.db)
            .filter(\.$listKey ~~ lists.map(\.key))
            .group(.or) { or in
                or.filter(\.$ownerID == user.id)
                for list in lists {
                    let entities = scope.entities(for: list.permission)
                    guard !entities.isEmpty else { continue }
                    or.group(.and) {
                        $0.filter(\.$shared == true).filter(\.$listKey == list.key).filter(\.$entityID ~~ Array(entities))
                    }
                }
            }
    }

    /// The view, if the user sees it (404 otherwise, as for an unknown id).
    func find(_ id: UUID?) async throws -> (SavedViewModel, SavedViewList) {
        guard let id, let view = try await visibleQuery(listKey: nil).filter(\.$id == id).first() else {
            throw ParcError.notFound("saved view")
        }
        return (view, try list(view.listKey))
    }

    /// Whether the user may change the view (its owner, or an administrator of its entity when it is shared).
    func isChangeable(_ view: SavedViewModel, list: SavedViewList) async throws -> Bool {
        view.sharing.isChangeable(by: try request.requireUser().id, scope: try await request.accessScope(),
                                  listPermission: list.permission)
    }

    /// The query kept as the view's, after the list's checks; a 422 on `query` when refused.
    func checkedQuery(_ text: String, list: SavedViewList) async throws -> String {
        let canonical: String
        do {
            canonical = try SavedViewRules.canonicalQuery(text, spec: list.spec)
        } catch {
            throw ParcError.validation(["query": error.description])
        }
        guard !canonical.isEmpty else {
            throw ParcError.validation(["query": "The view would show the whole list; filter, search or sort it first."])
        }
        do {
            try await list.check(request, try list.spec.parse(QueryString.pairs(canonical)))
        } catch let error as ParcError where error.status == .badRequest {
            throw ParcError.validation(["query": error.message])
        }
        return canonical
    }

    private func checkName(_ name: String, owner: UUID, list: SavedViewList, except id: UUID?) async throws -> String {
        if let problem = SavedViewRules.nameProblem(name) { throw ParcError.validation(["name": problem]) }
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        let siblings = try await SavedViewModel.query(on: request.db).filter(\.$ownerID == owner)
            .filter(\.$listKey == list.key).all()
        if siblings.contains(where: { $0.id != id && $0.name.lowercased() == trimmed.lowercased() }) {
            throw ParcError.conflict("You already have a view of this name on this list.")
        }
        if id == nil, siblings.count >= SavedViewRules.maximumViewsPerList {
            throw ParcError.conflict("You keep \(SavedViewRules.maximumViewsPerList) views of this list; delete one first.")
        }
        return trimmed
    }

    /// Saves a new view of the user's. `shared` shows it to everyone who reads the list in the user's entity.
    func create(listKey: String?, name: String, query: String, shared: Bool, position: Int?) async throws
        -> SavedViewModel
    {
        let list = try list(listKey)
        let user = try request.requireUser()
        try await request.requireAnywhere(list.permission)
        let view = SavedViewModel()
        view.id = UUID()
        view.ownerID = user.id
        view.entityID = user.entityID
        view.listKey = list.key
        view.name = try await checkName(name, owner: user.id, list: list, except: nil)
        view.query = try await checkedQuery(query, list: list)
        view.shared = shared
        if let position {
            view.position = try Self.checkedPosition(position)
        } else {
            let last = try await SavedViewModel.query(on: request.db).filter(\.$ownerID == user.id)
                .filter(\.$listKey == list.key).max(\.$position)
            view.position = (last ?? 0) + 1
        }
        view.createdAt = request.now
        view.updatedAt = request.now
        try await request.db.transaction { db in
            try await view.create(on: db)
            if shared { try await audit("saved_view.created", view, changes: [], on: db) }
        }
        return view
    }

    /// Changes a view the user may change (403 when they only see it).
    func update(_ view: SavedViewModel, list: SavedViewList, name: String?, query: String?, shared: Bool?,
                position: Int?) async throws {
        guard try await isChangeable(view, list: list) else { throw ParcError.forbidden(Permission.savedViewsManage.name) }
        var changes: [FieldChange] = []
        func record(_ field: String, _ before: String, _ after: String) {
            if before != after { changes.append(FieldChange(field: field, before: before, after: after)) }
        }
        let wasShared = view.shared
        if let name {
            let checked = try await checkName(name, owner: view.ownerID, list: list, except: view.id)
            record("name", view.name, checked)
            view.name = checked
        }
        if let query {
            let checked = try await checkedQuery(query, list: list)
            record("query", view.query, checked)
            view.query = checked
        }
        if let shared {
            record("shared", String(view.shared), String(shared))
            view.shared = shared
        }
        if let position {
            view.position = try Self.checkedPosition(position)
        }
        view.updatedAt = request.now
        let recorded = changes
        try await request.db.transaction { db in
            try await view.update(on: db)
            if wasShared || view.shared, !recorded.isEmpty {
                try await audit("saved_view.updated", view, changes: recorded, on: db)
            }
        }
    }

    /// Deletes a view the user may change.
    func delete(_ view: SavedViewModel, list: SavedViewList) async throws {
        guard try await isChangeable(view, list: list) else { throw ParcError.forbidden(Permission.savedViewsManage.name) }
        try await request.db.transaction { db in
            try await view.delete(on: db)
            if view.shared { try await audit("saved_view.deleted", view, changes: [], on: db) }
        }
    }

    private static func checkedPosition(_ position: Int) throws -> Int {
        guard (0...10_000).contains(position) else { throw ParcError.validation(["position": "Give a number from 0 to 10000."]) }
        return position
    }

    /// Shared views are in the audit log of their entity; personal ones concern their owner alone.
    private func audit(_ action: String, _ view: SavedViewModel, changes: [FieldChange], on db: any Database)
        async throws
    {
        try await AuditLog(request: request).record(action, objectType: "saved_view", objectID: view.id!,
                                                   label: view.name, entityID: view.entityID, changes: changes, on: db)
    }
}
