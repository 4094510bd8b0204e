import Fluent
import FluentKit
import Foundation
import ParcCore
import SQLKit
import Vapor

/// Software licences as people manage them, from the pages and `/api/v1`: create, change and delete a licence, give
/// its seats to assets and people and take them back. Every change goes to the licence's history (and an assignment
/// also to the asset's), in the transaction that makes it.
///
/// Seats are a hard limit, also when two requests race for the last one: see ``withLicenceLocked(_:_:)``.
struct LicenceService {
    let request: Request

    var db: any Database { request.db }

    /// The audit log's object type of a licence.
    static let objectType = "software_licence"

    static let softwareMessage = "No such program in the catalogue, or none of your entities has it."
    static let dateMessage = "Give a date as YYYY-MM-DD."
    static let controlMessage = "Control characters are not allowed."
    static let typeMessage = "Use one of \(LicenceType.allCases.map(\.rawValue).joined(separator: ", "))."
    static let assetOutsideMessage = "The asset is outside the licence's entity and its sub-entities."
    static let userOutsideMessage = "The account belongs outside the licence's entity and its sub-entities."
    static let inactiveUserMessage = "The account is deactivated."
    static let commentLengthMessage = "Keep the comment under 1000 characters."

    // MARK: finding

    /// The licence, if the user may see it (404 otherwise, as for an unknown id).
    func find(_ id: UUID?) async throws -> SoftwareLicenceModel {
        guard let id, let licence = try await SoftwareLicenceModel.query(on: db).filter(\.$id == id)
            .scoped(to: request.entities(for: .assetsRead), \.$entityID).first()
        else { throw ParcError.notFound("licence") }
        return licence
    }

    /// Whether the user may read the licence's key: those who manage the assets of its entity.
    func mayReadKey(of licence: SoftwareLicenceModel) async throws -> Bool {
        try await request.accessScope().allows(.assetsManage, in: licence.entityID)
    }

    // MARK: create, change, delete

    func create(_ input: LicenceInput) async throws -> SoftwareLicenceModel {
        guard let entityID = input.entity_id else { throw ParcError.validation(["entity_id": "is required"]) }
        try await request.require(.assetsManage, in: entityID)
        let licence = SoftwareLicenceModel()
        licence.id = UUID()
        licence.entityID = entityID
        licence.name = ""
        licence.licenceType = ""
        try apply(input, to: licence, isNew: true, softwareVisible: try await softwareVisible(input))
        let audit = AuditLog(request: request)
        try await db.transaction { db in
            try await licence.create(on: db)
            try await audit.record("licence.created", objectType: Self.objectType, objectID: licence.id!,
                                   label: licence.name, entityID: entityID,
                                   changes: FieldChange.between([:], licence.auditSnapshot, secrets: ["licence_key"]),
                                   on: db)
        }
        return licence
    }

    /// Changes a licence. Lowering its seats below the assignments, or changing its type or entity so that
    /// assignments no longer fit, is a 409 that says what to unassign.
    func update(_ licence: SoftwareLicenceModel, _ input: LicenceInput) async throws -> SoftwareLicenceModel {
        try await request.require(.assetsManage, in: licence.entityID)
        if let target = input.entity_id, target != licence.entityID {
            try await request.require(.assetsManage, in: target)
        }
        let tree = try await request.entityTree()
        let audit = AuditLog(request: request)
        // Everything that reads the database outside the transaction happens before it: the transaction holds this
        // event loop's connection (on SQLite, its only one).
        let softwareVisible = try await softwareVisible(input)
        return try await withLicenceLocked(licence.id!) { db in
            // Read again under the lock: what is checked is what is stored.
            guard let stored = try await SoftwareLicenceModel.find(licence.id, on: db) else {
                throw ParcError.notFound("licence")
            }
            let before = stored.auditSnapshot
            let beforeEntity = stored.entityID
            try apply(input, to: stored, isNew: false, softwareVisible: softwareVisible)
            if let target = input.entity_id { stored.entityID = target }
            let assignments = try await LicenceAssignmentModel.query(on: db).filter(\.$licenceID == stored.id!).all()
            do {
                try LicenceSeats.checkChange(to: stored.seats, assigned: assignments.count)
                let misfits = assignments.filter { !stored.type.accepts(asset: $0.assetID != nil, user: $0.userID != nil) }
                if !misfits.isEmpty { throw LicenceRuleError.assignmentsDoNotFit(stored.type, count: misfits.count) }
            } catch let error as LicenceRuleError {
                throw error.parcError
            }
            var changes = FieldChange.between(before, stored.auditSnapshot, secrets: ["licence_key"])
            if stored.entityID != beforeEntity {
                try await checkAssignmentsFit(assignments, under: stored.entityID, tree: tree, on: db)
                changes.append(FieldChange(field: "entity_id", before: beforeEntity.uuidString,
                                           after: stored.entityID.uuidString))
            }
            guard !changes.isEmpty else { return stored }
            try await stored.update(on: db)
            try await audit.record("licence.updated", objectType: Self.objectType, objectID: stored.id!,
                                   label: stored.name, entityID: stored.entityID, changes: changes, on: db)
            return stored
        }
    }

    /// A licence moved to another entity keeps only assignments of that entity's subtree.
    private func checkAssignmentsFit(_ assignments: [LicenceAssignmentModel], under entity: UUID, tree: EntityTree,
                                     on db: any Database) async throws {
        let subtree = Set(tree.subtree(of: entity))
        let assetIDs = assignments.compactMap(\.assetID)
        let userIDs = assignments.compactMap(\.userID)
        let assetsOutside = assetIDs.isEmpty ? 0 : try await AssetModel.query(on: db).filter(\.$id ~~ assetIDs)
            .all().filter { !subtree.contains($0.entityID) }.count
        let usersOutside = userIDs.isEmpty ? 0 : try await UserModel.query(on: db).filter(\.$id ~~ userIDs)
            .all().filter { !subtree.contains($0.entityID) }.count
        guard assetsOutside + usersOutside == 0 else {
            throw ParcError(.conflict, code: "licence_assignments_outside_entity",
                            "\(assetsOutside + usersOutside) assignment(s) are outside that entity and its sub-entities. "
                                + "Unassign them first.")
        }
    }

    func delete(_ licence: SoftwareLicenceModel) async throws {
        try await request.require(.assetsManage, in: licence.entityID)
        let audit = AuditLog(request: request)
        try await withLicenceLocked(licence.id!) { db in
            let assignments = try await LicenceAssignmentModel.query(on: db).filter(\.$licenceID == licence.id!).all()
            let assets = try await assetsByID(assignments.compactMap(\.assetID), on: db)
            try await audit.record("licence.deleted", objectType: Self.objectType, objectID: licence.id!,
                                   label: licence.name, entityID: licence.entityID,
                                   changes: FieldChange.between(licence.auditSnapshot, [:], secrets: ["licence_key"]),
                                   on: db)
            for asset in assets.values { try await Self.recordOnAsset(assigned: false, of: licence, asset, audit: audit, on: db) }
            try await licence.delete(on: db)
        }
    }

    /// Whether the program the input links, if any, is one the user may see in the catalogue.
    private func softwareVisible(_ input: LicenceInput) async throws -> Bool {
        guard case .some(.some(let software)) = input.software_id else { return true }
        return try await SoftwareCatalogue(request: request).isVisible(software)
    }

    /// Checks the input's fields and writes them to `licence`; 422 with every field at fault.
    private func apply(_ input: LicenceInput, to licence: SoftwareLicenceModel, isNew: Bool,
                       softwareVisible: Bool) throws {
        var errors: [String: String] = [:]
        for (field, value, limit) in input.texts {
            guard let value else { continue }
            if value.count > limit { errors[field] = "At most \(limit) characters." }
            let allowed: Set<Unicode.Scalar> = field == "comment" || field == "licence_key" ? ["\n", "\r", "\t"] : []
            if value.unicodeScalars.contains(where: { ($0.value < 0x20 || $0.value == 0x7F) && !allowed.contains($0) }) {
                errors[field] = Self.controlMessage
            }
        }
        func cleaned(_ text: String?) -> String? { text?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty }
        if isNew || input.name != nil {
            licence.name = cleaned(input.name) ?? ""
            if licence.name.isEmpty { errors["name"] = "is required" }
        }
        if isNew || input.licence_type != nil {
            if let type = LicenceType(rawValue: input.licence_type ?? "") {
                licence.licenceType = type.rawValue
            } else {
                errors["licence_type"] = Self.typeMessage
            }
        }
        if case .some(let seats) = input.seats { licence.seats = seats }
        if case .some(let cost) = input.cost { licence.cost = cost }
        for (field, value) in [("purchase_date", input.purchase_date), ("expires_on", input.expires_on)] {
            guard let value else { continue }
            let day = cleaned(value)
            if let day, InventoryDate(iso: day) == nil { errors[field] = Self.dateMessage }
            if field == "purchase_date" { licence.purchaseDate = day } else { licence.expiresOn = day }
        }
        if input.supplier != nil { licence.supplier = cleaned(input.supplier) }
        if input.order_number != nil { licence.orderNumber = cleaned(input.order_number) }
        if input.comment != nil { licence.comment = cleaned(input.comment) }
        if input.licence_key != nil { licence.licenceKey = cleaned(input.licence_key) }
        if case .some(let software) = input.software_id {
            if !softwareVisible { errors["software_id"] = Self.softwareMessage }
            licence.softwareID = software
        }
        if let type = LicenceType(rawValue: licence.licenceType) {
            let problems = LicenceTerms.problems(
                type: type, seats: licence.seats, purchasedOn: licence.purchaseDate.flatMap(InventoryDate.init(iso:)),
                expiresOn: licence.expiresOn.flatMap(InventoryDate.init(iso:)), cost: licence.cost)
            for problem in problems {
                let field = problem.field ?? "body"
                errors[field] = errors[field] ?? problem.message
            }
        }
        guard errors.isEmpty else { throw ParcError.validation(errors) }
    }

    // MARK: seats

    /// Gives a seat of the licence to an asset, a person, or a person on an asset. 409 when every seat is taken or
    /// the asset or person already holds one; 404 for an asset or account the user cannot see.
    func assign(_ licence: SoftwareLicenceModel, _ input: LicenceAssignmentInput) async throws -> LicenceAssignmentModel {
        try await request.require(.assetsManage, in: licence.entityID)
        let scope = try await request.accessScope()
        let asset = try await visibleAsset(input.asset_id, scope: scope)
        let user = try await visibleUser(input.user_id, scope: scope)
        var problems: [String: String] = [:]
        if let comment = input.comment, comment.count > 1000 { problems["comment"] = Self.commentLengthMessage }
        if let user, !user.isActive { problems["user_id"] = Self.inactiveUserMessage }
        guard problems.isEmpty else { throw ParcError.validation(problems) }
        let tree = try await request.entityTree()
        let audit = AuditLog(request: request)
        return try await withLicenceLocked(licence.id!) { db in
            guard let stored = try await SoftwareLicenceModel.find(licence.id, on: db) else {
                throw ParcError.notFound("licence")
            }
            let subtree = Set(tree.subtree(of: stored.entityID))
            var errors: [String: String] = [:]
            if let asset, !subtree.contains(asset.entityID) { errors["asset_id"] = Self.assetOutsideMessage }
            if let user, !subtree.contains(user.entityID) { errors["user_id"] = Self.userOutsideMessage }
            guard errors.isEmpty else { throw ParcError.validation(errors) }
            let held = { LicenceAssignmentModel.query(on: db).filter(\.$licenceID == stored.id!) }
            do {
                try stored.type.checkHolder(asset: asset != nil, user: user != nil)
                try LicenceSeats.checkAssignment(seats: stored.seats, assigned: try await held().count())
            } catch let error as LicenceRuleError {
                throw error.parcError
            }
            if let asset, try await held().filter(\.$assetID == asset.id!).first() != nil {
                throw ParcError(.conflict, code: "licence_already_assigned",
                                "The asset \(asset.name) already holds a seat of this licence.")
            }
            if let user, try await held().filter(\.$userID == user.id!).first() != nil {
                throw ParcError(.conflict, code: "licence_already_assigned",
                                "\(user.displayName) already holds a seat of this licence.")
            }
            let assignment = LicenceAssignmentModel()
            assignment.id = UUID()
            assignment.licenceID = stored.id!
            assignment.assetID = asset?.id
            assignment.userID = user?.id
            assignment.comment = input.comment?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
            assignment.assignedAt = request.now
            try await assignment.create(on: db)
            try await Self.recordSeat(assigned: true, of: stored, asset: asset, user: user, audit: audit, on: db)
            return assignment
        }
    }

    /// Takes a seat back; the seat is free again at once.
    func unassign(_ licence: SoftwareLicenceModel, assignment id: UUID?) async throws {
        try await request.require(.assetsManage, in: licence.entityID)
        let audit = AuditLog(request: request)
        try await withLicenceLocked(licence.id!) { db in
            guard let id, let assignment = try await LicenceAssignmentModel.query(on: db).filter(\.$id == id)
                .filter(\.$licenceID == licence.id!).first()
            else { throw ParcError.notFound("assignment") }
            let asset = try await AssetModel.find(assignment.assetID, on: db)
            let user = try await UserModel.find(assignment.userID, on: db)
            try await assignment.delete(on: db)
            try await Self.recordSeat(assigned: false, of: licence, asset: asset, user: user, audit: audit, on: db)
        }
    }

    /// The asset of an assignment, if the user may see it (404 otherwise).
    private func visibleAsset(_ id: UUID?, scope: AccessScope) async throws -> AssetModel? {
        guard let id else { return nil }
        guard let asset = try await AssetModel.find(id, on: db), scope.allows(.assetsRead, in: asset.entityID) else {
            throw ParcError.notFound("asset")
        }
        return asset
    }

    /// The account of an assignment, if the user may see it (404 otherwise).
    private func visibleUser(_ id: UUID?, scope: AccessScope) async throws -> UserModel? {
        guard let id else { return nil }
        guard let user = try await UserModel.find(id, on: db), scope.allows(.usersRead, in: user.entityID) else {
            throw ParcError.notFound("account")
        }
        return user
    }

    /// Records a seat given or taken back in the licence's history, and in the asset's when it names one. The lines
    /// name the asset and the person, never their ids (the history shows ids as entities).
    private static func recordSeat(assigned: Bool, of licence: SoftwareLicenceModel, asset: AssetModel?,
                                   user: UserModel?, audit: AuditLog, on db: any Database) async throws {
        let changes = [("asset", asset?.name), ("user", user.map { "\($0.displayName) (\($0.login))" })]
            .compactMap { field, value in
                value.map { FieldChange(field: field, before: assigned ? nil : $0, after: assigned ? $0 : nil) }
            }
        try await audit.record(assigned ? "licence.assigned" : "licence.unassigned", objectType: objectType,
                               objectID: licence.id!, label: licence.name, entityID: licence.entityID, changes: changes,
                               on: db)
        if let asset { try await recordOnAsset(assigned: assigned, of: licence, asset, audit: audit, on: db) }
    }

    private static func recordOnAsset(assigned: Bool, of licence: SoftwareLicenceModel, _ asset: AssetModel,
                                      audit: AuditLog, on db: any Database) async throws {
        try await audit.record(assigned ? "licence.assigned" : "licence.unassigned", objectType: "asset",
                               objectID: asset.id!, label: asset.name, entityID: asset.entityID,
                               changes: [FieldChange(field: "licence", before: assigned ? nil : licence.name,
                                                     after: assigned ? licence.name : nil)], on: db)
    }

    private func assetsByID(_ ids: [UUID], on db: any Database) async throws -> [UUID: AssetModel] {
        guard !ids.isEmpty else { return [:] }
        return Dictionary(uniqueKeysWithValues: try await AssetModel.query(on: db).filter(\.$id ~~ ids).all()
            .map { ($0.id!, $0) })
    }

    /// Runs `body` in a transaction whose first statement locks the licence's row, so that the seats counted in
    /// `body` cannot change before it commits (decision 0037).
    ///
    /// On PostgreSQL the (empty) update holds the row lock until commit: a second request for the same licence waits,
    /// then counts the first one's seat. On SQLite the update takes the database's write lock before any read (a
    /// transaction that reads first fails instead of waiting when another writer commits in between); requests of
    /// this instance take turns in ``SQLiteWriteQueue`` rather than wait together in SQLite's busy handler.
    func withLicenceLocked<T: Sendable>(_ id: UUID, _ body: @escaping @Sendable (any Database) async throws -> T)
        async throws -> T
    {
        let database = db
        let transaction: @Sendable () async throws -> T = {
            try await database.transaction { db in
                try await (db as! any SQLDatabase)
                    .raw("UPDATE software_licences SET seats = seats WHERE id = \(bind: id)").run()
                return try await body(db)
            }
        }
        if database.isPostgres { return try await transaction() }
        return try await request.parc.sqliteWrites.run(transaction)
    }
}

extension LicenceRuleError {
    /// The API's answer: a field error (422) for what the input got wrong, a conflict (409) with the rule's code for
    /// what clashes with the stored seats and assignments.
    var parcError: ParcError {
        if let field { return ParcError.validation([field: message]) }
        return ParcError(.conflict, code: code, message)
    }
}

extension LicenceService {
    static let assignmentSpec = ListQuerySpec(sortable: ["assigned_at"], defaultSort: [.init("assigned_at", descending: true)])

    /// The seats of a licence whose asset and person the user may see, newest first, paged.
    ///
    /// The licence's `assigned` count covers every seat; this list leaves out those that name an asset or account
    /// of an entity out of the user's sight.
    func assignments(of licence: SoftwareLicenceModel, _ query: ListQuery) async throws
        -> (total: Int, items: [LicenceAssignmentDTO])
    {
        let all = try await LicenceAssignmentModel.query(on: db).filter(\.$licenceID == licence.id!)
            .sort(\.$assignedAt, query.sort.first?.descending == false ? .ascending : .descending).sort(\.$id).all()
        let visible = try await describe(all, softwareID: licence.softwareID)
        return (visible.count, Array(visible.dropFirst(query.offset).prefix(query.perPage)))
    }

    /// Assignments as the API shows them, without those naming an asset or account the user may not see.
    func describe(_ assignments: [LicenceAssignmentModel], softwareID: UUID?) async throws -> [LicenceAssignmentDTO] {
        let scope = try await request.accessScope()
        let assets = try await assetsByID(Array(Set(assignments.compactMap(\.assetID))), on: db)
            .filter { scope.allows(.assetsRead, in: $0.value.entityID) }
        let userIDs = Array(Set(assignments.compactMap(\.userID)))
        let users = userIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await UserModel.query(on: db)
            .filter(\.$id ~~ userIDs).all().filter { scope.allows(.usersRead, in: $0.entityID) }.map { ($0.id!, $0) })
        var installed: Set<UUID> = []
        if let softwareID, !assets.isEmpty {
            for batch in Array(assets.keys).chunked(500) {
                for row in try await (db as! any SQLDatabase).raw("""
                    SELECT DISTINCT x.id AS asset_id FROM assets x CROSS JOIN asset_software i \
                    CROSS JOIN software_versions v \
                    WHERE x.id IN (\(binds: Array(batch))) AND i.asset_num = x.num AND v.num = i.version_num \
                    AND v.software_id = \(bind: softwareID)
                    """).all() {
                    installed.insert(try row.decode(column: "asset_id", as: UUID.self))
                }
            }
        }
        return assignments.compactMap { assignment in
            let asset = assignment.assetID.map { assets[$0] }
            let user = assignment.userID.map { users[$0] }
            // A seat naming something out of sight is left out (`.some(nil)`: named, not visible).
            if case .some(nil) = asset { return nil }
            if case .some(nil) = user { return nil }
            return LicenceAssignmentDTO(
                id: assignment.id!, licence_id: assignment.licenceID,
                asset: asset.flatMap { $0 }.map { .init(id: $0.id!, name: $0.name) },
                user: user.flatMap { $0 }.map { .init(id: $0.id!, login: $0.login, display_name: $0.displayName) },
                comment: assignment.comment, assigned_at: assignment.assignedAt,
                installed: assignment.assetID.flatMap { id in softwareID.map { _ in installed.contains(id) } })
        }
    }
}
