import Fluent
import FluentKit
import Foundation
import ParcCore
import SQLKit
import Vapor

/// The knowledge-base category trees: one per entity. A user sees the categories of the entities whose knowledge
/// base they read and of the entities above them (whose recursive articles reach them); writers of an entity manage
/// its categories.
struct KnowledgeCategories {
    let request: Request

    var db: any Database { request.db }

    static let nameLimit = 100

    /// The categories the user sees, in tree order (parents first, then their children by name).
    func visible() async throws -> [KBCategoryDTO] {
        let scope = try await KnowledgeService(request: request).readScope()
        let reach = scope.faqReach.union(scope.internalReach).union(scope.writeEntities)
        guard !reach.isEmpty else { return [] }
        let categories = try await KBCategoryModel.query(on: db).filter(\.$entityID ~~ Array(reach)).all()
        return Self.ordered(categories, tree: try await request.entityTree())
    }

    /// Categories in tree order with their paths.
    static func ordered(_ categories: [KBCategoryModel], tree: EntityTree) -> [KBCategoryDTO] {
        let byID = Dictionary(uniqueKeysWithValues: categories.map { ($0.id!, $0) })
        var children: [UUID?: [KBCategoryModel]] = [:]
        for category in categories {
            // A parent out of sight makes the category a top one here.
            let parent = category.parentID.flatMap { byID[$0] == nil ? nil : $0 }
            children[parent, default: []].append(category)
        }
        var result: [KBCategoryDTO] = []
        func visit(_ parent: UUID?, path: String, depth: Int) {
            guard depth < 32 else { return }
            for category in (children[parent] ?? []).sorted(by: { $0.name.lowercased() < $1.name.lowercased() }) {
                let full = path.isEmpty ? category.name : path + " › " + category.name
                result.append(KBCategoryDTO(id: category.id!, entity_id: category.entityID,
                                            entity: tree.path(of: category.entityID), parent_id: category.parentID,
                                            name: category.name, path: full))
                visit(category.id, path: full, depth: depth + 1)
            }
        }
        visit(nil, path: "", depth: 0)
        return result
    }

    func find(_ id: UUID?) async throws -> KBCategoryModel {
        guard let id, let category = try await KBCategoryModel.find(id, on: db),
              try await visible().contains(where: { $0.id == id })
        else { throw ParcError.notFound("category") }
        return category
    }

    func create(_ input: KBCategoryInput) async throws -> KBCategoryModel {
        guard let entity = input.entity_id else { throw ParcError.validation(["entity_id": "is required"]) }
        try await request.require(.kbWrite, in: entity)
        let category = KBCategoryModel()
        category.id = UUID()
        category.entityID = entity
        category.createdAt = request.now
        try await apply(input, to: category, isNew: true)
        let audit = AuditLog(request: request)
        try await db.transaction { db in
            try await category.create(on: db)
            try await audit.record("kb_category.created", objectType: KnowledgeService.categoryObjectType,
                                   objectID: category.id!, label: category.name, entityID: entity,
                                   changes: [FieldChange(field: "name", before: nil, after: category.name)], on: db)
        }
        return category
    }

    func update(_ category: KBCategoryModel, _ input: KBCategoryInput) async throws -> KBCategoryModel {
        try await request.require(.kbWrite, in: category.entityID)
        if let entity = input.entity_id, entity != category.entityID {
            throw ParcError.validation(["entity_id": KnowledgeService.categoryEntityMessage])
        }
        let before = category.name
        let beforeParent = category.parentID
        try await apply(input, to: category, isNew: false)
        let audit = AuditLog(request: request)
        try await db.transaction { db in
            try await category.update(on: db)
            var changes: [FieldChange] = []
            if before != category.name { changes.append(FieldChange(field: "name", before: before, after: category.name)) }
            if beforeParent != category.parentID {
                changes.append(FieldChange(field: "parent", before: try await KnowledgeService.categoryName(beforeParent, on: db),
                                           after: try await KnowledgeService.categoryName(category.parentID, on: db)))
            }
            try await audit.record("kb_category.updated", objectType: KnowledgeService.categoryObjectType,
                                   objectID: category.id!, label: category.name, entityID: category.entityID,
                                   changes: changes, on: db)
        }
        return category
    }

    /// Deletes an empty category; 409 while it holds sub-categories or articles.
    func delete(_ category: KBCategoryModel) async throws {
        try await request.require(.kbWrite, in: category.entityID)
        let children = try await KBCategoryModel.query(on: db).filter(\.$parentID == category.id!).count()
        let articles = try await ArticleModel.query(on: db).filter(\.$categoryID == category.id!).count()
        guard children + articles == 0 else {
            throw ParcError(.conflict, code: "kb_category_not_empty",
                            "The category holds \(children) sub-categories and \(articles) articles: move them first.")
        }
        let audit = AuditLog(request: request)
        try await db.transaction { db in
            try await audit.record("kb_category.deleted", objectType: KnowledgeService.categoryObjectType,
                                   objectID: category.id!, label: category.name, entityID: category.entityID,
                                   changes: [FieldChange(field: "name", before: category.name, after: nil)], on: db)
            try await category.delete(on: db)
        }
    }

    private func apply(_ input: KBCategoryInput, to category: KBCategoryModel, isNew: Bool) async throws {
        var errors: [String: String] = [:]
        if isNew || input.name != nil {
            let name = (input.name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if name.isEmpty || name.count > Self.nameLimit
                || name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                errors["name"] = KnowledgeService.categoryNameMessage
            }
            category.name = name
        }
        if case .some(nil) = input.parent_id { category.parentID = nil }
        if case .some(.some(let parent)) = input.parent_id {
            // The parent is a category of the same entity, and not the category itself or one below it.
            let all = try await KBCategoryModel.query(on: db).filter(\.$entityID == category.entityID).all()
            var below: Set<UUID> = category.id.map { [$0] } ?? []
            var grew = true
            while grew {
                let next = Set(all.filter { $0.parentID.map(below.contains) ?? false }.map { $0.id! })
                grew = !next.isSubset(of: below)
                below.formUnion(next)
            }
            if !all.contains(where: { $0.id == parent }) || below.contains(parent) {
                errors["parent_id"] = KnowledgeService.parentMessage
            }
            category.parentID = parent
        }
        guard errors.isEmpty else { throw ParcError.validation(errors) }
    }
}
