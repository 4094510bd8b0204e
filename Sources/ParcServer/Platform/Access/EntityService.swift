import FluentKit
import Foundation
import ParcCore
import Fluent
import SQLKit
import Vapor

/// The rules for the entity tree: who may create, rename, move and delete which entity.
struct EntityService {
    let request: Request

    struct Changes: Sendable {
        var name: String?
        var code: String??
        var comment: String??
        var parentID: UUID??
    }

    static func validate(name: String?, code: String?, comment: String?) -> [String: String] {
        var errors: [String: String] = [:]
        if let name {
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.count > 200
                || trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                errors["name"] = "Give a name of 1–200 characters, without control characters."
            }
        }
        if let code, !code.isEmpty,
           code.count > 20 || !code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
            errors["code"] = "Use up to 20 letters, digits, dashes or underscores (used by naming plans)."
        }
        if let comment, comment.count > 5000 { errors["comment"] = "Keep the comment under 5000 characters." }
        return errors
    }

    func create(name: String, parentID: UUID?, code: String?, comment: String?) async throws -> EntityModel {
        var errors = Self.validate(name: name, code: code, comment: comment)
        guard let parentID else {
            // The single root is created by the first-run setup; everything else hangs below an entity.
            throw ParcError.validation(["parent_id": "Choose the parent entity."])
        }
        try await request.require(.entitiesManage, in: parentID)
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        if errors.isEmpty, try await siblingNamed(trimmed, parent: parentID, excluding: nil) {
            errors["name"] = "An entity with this name already exists under the same parent."
        }
        guard errors.isEmpty else { throw ParcError.validation(errors) }
        let entity = EntityModel(parentID: parentID, name: trimmed, code: code.flatMap { $0.isEmpty ? nil : $0 },
                                 comment: comment.flatMap { $0.isEmpty ? nil : $0 })
        let audit = AuditLog(request: request)
        try await request.db.transaction { db in
            try await entity.create(on: db)
            try await audit.record("create", objectType: "entity", objectID: entity.id!, label: entity.name,
                                   entityID: entity.id, changes: FieldChange.between([:], entity.auditSnapshot), on: db)
        }
        return entity
    }

    func update(_ entity: EntityModel, _ changes: Changes) async throws {
        try await request.require(.entitiesManage, in: entity.id!)
        var errors = Self.validate(name: changes.name, code: changes.code ?? nil, comment: changes.comment ?? nil)
        let before = entity.auditSnapshot
        if let name = changes.name { entity.name = name.trimmingCharacters(in: .whitespaces) }
        if let code = changes.code { entity.code = code.flatMap { $0.isEmpty ? nil : $0 } }
        if let comment = changes.comment { entity.comment = comment.flatMap { $0.isEmpty ? nil : $0 } }
        if let newParent = changes.parentID, newParent != entity.parentID {
            guard let target = newParent else { throw ParcError.validation(["parent_id": "The root cannot be added."]) }
            guard let oldParent = entity.parentID else {
                throw ParcError.validation(["parent_id": "The root entity cannot be moved."])
            }
            // Taking an entity away from its parent is the parent's administrators' call too.
            try await request.require(.entitiesManage, in: oldParent)
            let tree = try await request.entityTree()
            guard tree.contains(target), try await request.accessScope().canSee(target) else {
                throw ParcError.validation(["parent_id": "No such entity."])
            }
            try await request.require(.entitiesManage, in: target)
            if tree.wouldCreateCycle(moving: entity.id!, under: target) {
                errors["parent_id"] = "An entity cannot move under itself or one of its sub-entities."
            }
            entity.parentID = target
        }
        if errors.isEmpty, changes.name != nil || changes.parentID != nil,
           let parent = entity.parentID, try await siblingNamed(entity.name, parent: parent, excluding: entity.id) {
            errors["name"] = "An entity with this name already exists under the same parent."
        }
        guard errors.isEmpty else { throw ParcError.validation(errors) }
        let changed = FieldChange.between(before, entity.auditSnapshot)
        guard !changed.isEmpty else { return }
        let audit = AuditLog(request: request)
        try await request.db.transaction { db in
            try await Self.lockTree(db)
            try await entity.update(on: db)
            if changes.parentID != nil {
                // Re-check against the committed tree: a concurrent move may have happened meanwhile.
                let tree = EntityTree(try await EntityModel.query(on: db).all().map(\.node))
                if let parent = entity.parentID, tree.ancestors(of: parent).contains(entity.id!) || parent == entity.id {
                    throw ParcError.validation(["parent_id": "An entity cannot move under itself or one of its sub-entities."])
                }
            }
            try await audit.record("update", objectType: "entity", objectID: entity.id!, label: entity.name,
                                   entityID: entity.id, changes: changed, on: db)
        }
    }

    func delete(_ entity: EntityModel) async throws {
        guard let parent = entity.parentID else { throw ParcError.conflict("The root entity cannot be deleted.") }
        try await request.require(.entitiesManage, in: parent)
        let children = try await EntityModel.query(on: request.db).filter(\.$parentID == entity.id!).count()
        let users = try await UserModel.query(on: request.db).filter(\.$entityID == entity.id!).count()
        guard children == 0, users == 0 else {
            throw ParcError.conflict("This entity still holds \(children) sub-entities and \(users) accounts: "
                + "move or delete them first.")
        }
        let audit = AuditLog(request: request)
        try await request.db.transaction { db in
            try await Self.lockTree(db)
            let children = try await EntityModel.query(on: db).filter(\.$parentID == entity.id!).count()
            let users = try await UserModel.query(on: db).filter(\.$entityID == entity.id!).count()
            guard children == 0, users == 0 else {
                throw ParcError.conflict("This entity still holds \(children) sub-entities and \(users) accounts: "
                    + "move or delete them first.")
            }
            // Profiles on the entity go with it: each is recorded as revoked on its account's history.
            for profile in try await ProfileModel.query(on: db).filter(\.$entityID == entity.id!).all() {
                let holder = try await UserModel.find(profile.userID, on: db)
                try await audit.record("revoke_profile", objectType: "user", objectID: profile.userID,
                                       label: holder?.login ?? profile.userID.uuidString, entityID: parent,
                                       changes: [FieldChange(field: "profile \(entity.name)", before: profile.role,
                                                             after: nil)], on: db)
            }
            try await audit.record("delete", objectType: "entity", objectID: entity.id!, label: entity.name,
                                   entityID: parent, changes: FieldChange.between(entity.auditSnapshot, [:]), on: db)
            try await entity.delete(on: db)
        }
    }

    /// Serialises changes to the tree's shape across instances (PostgreSQL; SQLite has one writer).
    static func lockTree(_ db: any Database) async throws {
        guard db.isPostgres, let sql = db as? any SQLDatabase else { return }
        _ = try await sql.raw("SELECT pg_advisory_xact_lock(\(bind: Int64(0x7061_7274)))").all()
    }

    /// The entity if the user may see it; 404 otherwise (same answer as for an unknown id).
    func find(_ id: UUID?) async throws -> EntityModel {
        guard let id, try await request.accessScope().canSee(id), let entity = try await EntityModel.find(id, on: request.db)
        else { throw ParcError.notFound("entity") }
        return entity
    }

    private func siblingNamed(_ name: String, parent: UUID, excluding: UUID?) async throws -> Bool {
        var query = EntityModel.query(on: request.db).filter(\.$parentID == parent).filter(\.$name == name)
        if let excluding { query = query.filter(\.$id != excluding) }
        return try await query.count() > 0
    }
}
