import Fluent
import FluentKit
import Foundation
import ParcCore
import Vapor

/// Reading and writing support groups, for the API and the pages alike: one lookup (404 outside the entities whose
/// helpdesk objects the user may use), one permission (`helpdeskAdmin` in the group's entity), one validation, one
/// transaction with its history line.
struct SupportGroupStore {
    let request: Request

    func find(_ id: UUID?) async throws -> SupportGroupModel {
        guard let id, let group = try await SupportGroupModel.find(id, on: request.db),
              try await HelpdeskAdminAPI.usableEntities(request).contains(group.entityID)
        else { throw ParcError.notFound("support group") }
        return group
    }

    /// The members of `groups`, by group.
    func members(of groups: [SupportGroupModel]) async throws -> [UUID: [UUID]] {
        let ids = groups.compactMap(\.id)
        guard !ids.isEmpty else { return [:] }
        let rows = try await SupportGroupMemberModel.query(on: request.db).filter(\.$groupID ~~ ids).all()
        return Dictionary(grouping: rows, by: \.groupID).mapValues { $0.map(\.userID) }
    }

    /// The members as given, once each, when every one is an active account that works the entity's tickets.
    private func checkedMembers(_ ids: [UUID], entity: UUID, _ errors: inout [String: String]) async throws -> [UUID] {
        let members = TicketService.unique(ids)
        let able = try await TicketService.usersWhoMayWork(members, entity: entity, tree: try await request.entityTree(),
                                                            on: request.db)
        if let bad = members.first(where: { !able.contains($0) }) {
            errors["member_ids"] = "\(bad.uuidString) is not an active account that works this entity's tickets."
        }
        return members
    }

    func create(entity: UUID, name proposed: String?, members ids: [UUID]) async throws
        -> (group: SupportGroupModel, members: [UUID])
    {
        try await request.require(.helpdeskAdmin, in: entity)
        var errors: [String: String] = [:]
        let name = HelpdeskAdminAPI.name(proposed, &errors)
        let members = try await checkedMembers(ids, entity: entity, &errors)
        guard errors.isEmpty, let name else { throw ParcError.validation(errors) }
        let group = SupportGroupModel()
        group.id = UUID()
        group.entityID = entity
        group.name = name
        let audit = AuditLog(request: request)
        try await request.parc.writeTransaction(on: request.db) { db in
            try await Self.refuseNamesake(name, entity: entity, except: nil, on: db)
            try await group.create(on: db)
            try await Self.replaceMembers(of: group.id!, with: members, on: db)
            try await audit.record("support_group.created", objectType: "support_group", objectID: group.id!,
                                   label: name, entityID: entity,
                                   changes: [FieldChange(field: "name", before: nil, after: name),
                                             FieldChange(field: "member_ids", before: nil,
                                                         after: members.map(\.uuidString).joined(separator: ","))],
                                   on: db)
        }
        return (group, members)
    }

    /// Renames the group and/or replaces its members; returns the members after the change.
    func update(_ group: SupportGroupModel, name proposed: String?, members ids: [UUID]?) async throws -> [UUID] {
        try await request.require(.helpdeskAdmin, in: group.entityID)
        var errors: [String: String] = [:]
        let name = proposed == nil ? group.name : HelpdeskAdminAPI.name(proposed, &errors)
        let members: [UUID]? = ids == nil ? nil : try await checkedMembers(ids!, entity: group.entityID, &errors)
        guard errors.isEmpty, let name else { throw ParcError.validation(errors) }
        let current = try await self.members(of: [group])[group.id!] ?? []
        let before: [String: String?] = ["name": group.name, "member_ids": current.map(\.uuidString).joined(separator: ",")]
        group.name = name
        let after: [String: String?] = ["name": name,
                                        "member_ids": (members ?? current).map(\.uuidString).joined(separator: ",")]
        let audit = AuditLog(request: request)
        try await request.parc.writeTransaction(on: request.db) { db in
            try await Self.refuseNamesake(name, entity: group.entityID, except: group.id, on: db)
            try await group.update(on: db)
            if let members { try await Self.replaceMembers(of: group.id!, with: members, on: db) }
            try await audit.record("support_group.updated", objectType: "support_group", objectID: group.id!,
                                   label: name, entityID: group.entityID, changes: FieldChange.between(before, after),
                                   on: db)
        }
        return members ?? current
    }

    private static func refuseNamesake(_ name: String, entity: UUID, except: UUID?, on db: any Database) async throws {
        let namesakes = try await SupportGroupModel.query(on: db).filter(\.$entityID == entity).filter(\.$name == name)
            .all()
        if namesakes.contains(where: { $0.id != except }) {
            throw ParcError.conflict("The entity already has a group named \(name).")
        }
    }

    private static func replaceMembers(of group: UUID, with members: [UUID], on db: any Database) async throws {
        try await SupportGroupMemberModel.query(on: db).filter(\.$groupID == group).delete()
        for user in members {
            let member = SupportGroupMemberModel()
            member.groupID = group
            member.userID = user
            try await member.create(on: db)
        }
    }
}
