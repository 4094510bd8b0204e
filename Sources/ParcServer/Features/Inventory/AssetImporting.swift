import Fluent
import FluentKit
import Foundation
import ParcCore
import SQLKit
import Vapor

/// CSV import of assets: `POST /api/v1/assets/import?dry_run=true|false` and the `/assets/import` page.
///
/// The columns are the CSV export's (`AssetCSVColumn`). A row with an `id` updates that asset; a row without one
/// creates an asset. Each row goes through the checks of `POST`/`PATCH /api/v1/assets` — the permission on its
/// entity and the one it moves to, the field rules, the lifecycle from the asset's status — and names stay unique
/// per entity across the whole file. A dry run reports what each row would do and every problem (row, column,
/// message); an import does all of it in one transaction, each created or changed asset with its history line, or
/// nothing when any row has a problem (docs/decisions/0033-asset-csv-import.md).
struct AssetImporting {
    struct Item: Content {
        let row: Int
        /// `create`, `update`, or `unchanged` when the row matches the stored asset.
        let action: String
        /// The asset's id; for a creation, the new id (in a dry run, the one it would have had).
        let id: UUID
        let name: String
        let changes: [FieldChange]
    }

    struct Report: Content {
        let dry_run: Bool
        /// Whether every row can be imported.
        let valid: Bool
        /// Whether the rows were written (an import without problems).
        let imported: Bool
        let rows: Int
        let created: Int
        let updated: Int
        let unchanged: Int
        let delimiter: String
        let encoding: String
        /// Read-only columns present, which the import leaves alone.
        let ignored_columns: [String]
        let errors: [ParcError.Problem]
        let items: [Item]
    }

    static let reportSchema = OpenAPISchema.object([
        "dry_run": .boolean, "valid": .boolean, "imported": .boolean, "rows": .integer, "created": .integer,
        "updated": .integer, "unchanged": .integer, "delimiter": .string(), "encoding": .string(),
        "ignored_columns": .array(.string()),
        "errors": .array(.object(["row": .integer, "column": .nullable(.string()), "message": .string()],
                                 required: ["row", "message"])),
        "items": .array(.object(["row": .integer, "action": .string(enumValues: ["create", "update", "unchanged"]),
                                 "id": .uuid, "name": .string(),
                                 "changes": .array(.object(["field": .string(), "before": .nullable(.string()),
                                                            "after": .nullable(.string())], required: ["field"]))],
                                required: ["row", "action", "id", "name", "changes"])),
    ], required: ["dry_run", "valid", "imported", "rows", "created", "updated", "unchanged", "errors", "items"])

    static let bodyLimit = ByteCount(value: CSVReadLimits.imports.maximumBytes)
    static let mediaTypes: Set<String> = ["text/csv", "application/csv", "text/plain", "application/vnd.ms-excel"]

    func register(_ api: APIRoutes) {
        api.on(.POST, "assets/import", summary: "Import assets from CSV (the export's columns): a dry run, or all rows in one transaction",
               tag: "Inventory",
               query: [.init(name: "dry_run", schema: .boolean,
                             description: "true: check and report, change nothing; false: import, or nothing when a row fails")],
               body: .string(description: "The CSV file (text/csv), up to 5 MiB and 10 000 rows"),
               response: .ref("AssetImportReport"), bodyLimit: Self.bodyLimit, use: importCSV)
        api.schema("AssetImportReport", Self.reportSchema)
    }

    @Sendable func importCSV(_ req: Request) async throws -> Report {
        var dryRun: Bool?
        for (name, value) in try req.queryPairs() {
            guard name == "dry_run", dryRun == nil else {
                throw ParcError.badRequest("invalid_query", "Unknown or repeated parameter '\(name.prefix(40))'. "
                    + "Accepted parameters: dry_run.")
            }
            guard let flag = Bool(value) else {
                throw ParcError.badRequest("invalid_query", "Parameter 'dry_run' must be true or false.")
            }
            dryRun = flag
        }
        guard let dryRun else {
            throw ParcError.badRequest("invalid_query",
                                       "Say dry_run=true to check the file, or dry_run=false to import it.")
        }
        let mediaType = req.headers.contentType.map { "\($0.type)/\($0.subType)".lowercased() }
        guard let mediaType, Self.mediaTypes.contains(mediaType) else {
            throw ParcError(.unsupportedMediaType, code: "unsupported_media_type",
                            "Send the file as the body with 'Content-Type: text/csv'.")
        }
        try await req.requireAnywhere(.assetsManage)
        let bytes = req.body.data.map { Array($0.readableBytesView) } ?? []
        let report = try await run(req, table: try Self.table(bytes), dryRun: dryRun)
        if !dryRun, !report.valid {
            throw ParcError(.unprocessableEntity, code: "import_rejected",
                            "\(Set(report.errors.map(\.row)).count) of \(report.rows) rows cannot be imported; "
                                + "nothing was imported.",
                            problems: report.errors)
        }
        return report
    }

    /// The CSV table of `bytes`: 413 past the size limit, 400 with the line at fault when it is not CSV.
    static func table(_ bytes: [UInt8]) throws -> CSVTable {
        do {
            return try CSVReader().read(bytes)
        } catch let error {
            if case .tooLarge = error { throw ParcError(.payloadTooLarge, code: "payload_too_large", error.description) }
            throw ParcError.badRequest(error.code, error.description)
        }
    }

    /// Checks every row and, unless `dryRun`, writes them all in one transaction when none has a problem. The
    /// report of an import with problems has `valid` false and nothing was written.
    func run(_ req: Request, table: CSVTable, dryRun: Bool) async throws -> Report {
        let sheet = AssetImportSheet.read(table, types: AssetType.allCases.map(\.rawValue))
        // The scope and the tree are loaded first: on SQLite the transaction holds the one connection.
        let scope = try await req.accessScope()
        let tree = try await req.entityTree()
        @Sendable func report(_ plan: Plan, imported: Bool) -> Report {
            let problems = (sheet.problems + plan.problems).sorted { ($0.row, $0.column ?? "") < ($1.row, $1.column ?? "") }
            let items = plan.items
            return Report(
                dry_run: dryRun, valid: problems.isEmpty, imported: imported,
                rows: sheet.rows.count + Set(sheet.problems.map(\.row)).subtracting([1]).count,
                created: items.filter { $0.action == "create" }.count,
                updated: items.filter { $0.action == "update" }.count,
                unchanged: items.filter { $0.action == "unchanged" }.count,
                delimiter: String(table.delimiter), encoding: table.encoding.rawValue,
                ignored_columns: sheet.ignoredColumns.map(\.rawValue),
                errors: problems.map { ParcError.Problem(row: $0.row, column: $0.column, message: $0.message) },
                items: items)
        }
        guard sheet.problems.allSatisfy({ $0.row > 1 }) else { return report(Plan(), imported: false) }
        if dryRun {
            return report(try await plan(req, sheet: sheet, scope: scope, tree: tree, on: req.db), imported: false)
        }
        let audit = AuditLog(request: req)
        return try await req.db.transaction { db in
            let plan = try await self.plan(req, sheet: sheet, scope: scope, tree: tree, on: db)
            guard sheet.problems.isEmpty, plan.problems.isEmpty else { return report(plan, imported: false) }
            for (asset, created, changes) in plan.writes {
                try await AssetEditing.save(asset, created: created, changes: changes, audit: audit, on: db)
            }
            return report(plan, imported: true)
        }
    }

    /// What the rows would do, and their problems.
    struct Plan {
        var problems: [ImportProblem] = []
        var items: [Item] = []
        var writes: [(AssetModel, Bool, [FieldChange])] = []
    }

    private func plan(_ req: Request, sheet: AssetImportSheet, scope: AccessScope, tree: EntityTree,
                      on db: any Database) async throws -> Plan {
        var plan = Plan()
        let ids = Array(Set(sheet.rows.compactMap(\.id)))
        var assets: [UUID: AssetModel] = [:]
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = Array(ids[start..<min(start + 500, ids.count)])
            for asset in try await AssetModel.query(on: db).filter(\.$id ~~ chunk).all() { assets[asset.id!] = asset }
        }
        var paths: [String: UUID] = [:]
        for entity in tree.ordered where scope.canSee(entity) {
            paths[AssetImportSheet.normalizedPath(tree.path(of: entity))] = entity
        }
        var claims: [AssetNameClaims.Claim] = []
        var updatedBy: [UUID: Int] = [:]
        let editing = AssetEditing()
        for row in sheet.rows {
            func problem(_ column: String?, _ message: String) {
                plan.problems.append(ImportProblem(row: row.number, column: column, message: message))
            }
            let entity: UUID?
            switch Self.entity(of: row, paths: paths, tree: tree) {
            case .success(let found): entity = found
            case .failure(let failure):
                problem(failure.column, failure.message)
                continue
            }
            do {
                if let id = row.id {
                    guard let asset = assets[id], scope.canSee(asset.entityID) else {
                        problem("id", ParcError.notFound("asset").message)
                        continue
                    }
                    if let first = updatedBy[id] {
                        problem("id", "Row \(first) already updates this asset.")
                        continue
                    }
                    updatedBy[id] = row.number
                    let input = AssetEditing.Input(
                        texts: row.texts, status: row.status == asset.status ? nil : row.status,
                        entityID: entity == asset.entityID ? nil : entity,
                        type: row.type == asset.type ? nil : row.type,
                        purchaseCost: row.purchaseCost == asset.purchaseCost ? nil : row.purchaseCost)
                    var changes = try await editing.prepareChange(req, asset: asset, input: input)
                    if row.hasPurchaseCost, row.purchaseCost == nil, let cost = asset.purchaseCost {
                        changes.append(FieldChange(field: "purchase_cost", before: "\(cost)", after: nil))
                        asset.purchaseCost = nil
                    }
                    if changes.contains(where: { $0.field == "name" || $0.field == "entity_id" }) {
                        claims.append(.init(claimant: row.number, assetID: id, entityID: asset.entityID, name: asset.name))
                    }
                    plan.items.append(Item(row: row.number, action: changes.isEmpty ? "unchanged" : "update", id: id,
                                           name: asset.name, changes: changes))
                    plan.writes.append((asset, false, changes))
                } else {
                    guard let entity else {
                        problem("entity_id", Self.entityRequiredMessage)
                        continue
                    }
                    let input = AssetEditing.Input(texts: row.texts, status: row.status, entityID: entity,
                                                   type: row.type, purchaseCost: row.purchaseCost)
                    let (asset, changes) = try await editing.prepareNew(req, input: input)
                    claims.append(.init(claimant: row.number, assetID: nil, entityID: entity, name: asset.name))
                    plan.items.append(Item(row: row.number, action: "create", id: asset.id!, name: asset.name,
                                           changes: changes))
                    plan.writes.append((asset, true, changes))
                }
            } catch let error as ParcError where error.status == .notFound {
                // The asset was found and is visible: what is out of sight is the entity it would go to.
                problem("entity_id", ParcError.notFound("entity").message)
            } catch let error as ParcError where error.status == .forbidden || error.status == .unprocessableEntity {
                if error.fields.isEmpty { problem(nil, error.message) }
                for (field, message) in error.fields.sorted(by: { $0.key < $1.key }) { problem(field, message) }
            }
        }
        for (row, message) in try await AssetBulkEditing.nameConflicts(claims, on: db) {
            plan.problems.append(ImportProblem(row: row, column: "name", message: message))
        }
        return plan
    }

    static let entityRequiredMessage = "Give the entity of a new asset: its entity_id, or its path in entity."
    static let entityPathMessage =
        "No entity of this path that you can see; write its path as the export does, or give entity_id."
    static let entityMismatchMessage =
        "entity and entity_id name different entities; to move the asset, change or empty entity_id."

    struct EntityProblem: Error {
        let column: String
        let message: String
    }

    /// The entity a row names: by id, else by path; a path that disagrees with the id is refused.
    static func entity(of row: AssetImportRow, paths: [String: UUID], tree: EntityTree) -> Result<UUID?, EntityProblem> {
        var byPath: UUID?
        if let path = row.entityPath {
            guard let found = paths[AssetImportSheet.normalizedPath(path)] else {
                if row.entityID == nil {
                    return .failure(EntityProblem(column: "entity", message: entityPathMessage))
                }
                return .failure(EntityProblem(column: "entity", message: entityMismatchMessage))
            }
            byPath = found
        }
        if let id = row.entityID {
            if let byPath, byPath != id {
                return .failure(EntityProblem(column: "entity", message: entityMismatchMessage))
            }
            return .success(id)
        }
        return .success(byPath)
    }
}
