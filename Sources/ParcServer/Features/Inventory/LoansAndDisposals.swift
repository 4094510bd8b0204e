import Fluent
import FluentKit
import Foundation
import ParcCore
import SQLKit
import Vapor

/// Loans (a machine lent with a due date, then returned) and disposals (how a retired machine left the
/// fleet, and how its data was wiped). Each moves the asset's status by the lifecycle rules, in the same
/// transaction as its record and its history line.
struct CreateLoansAndDisposals: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("asset_loans")
            .id()
            .field("asset_id", .uuid, .required, .references("assets", "id", onDelete: .cascade))
            .field("borrower", .string, .required)
            .field("loaned_on", .string, .required)
            .field("due_on", .string, .required)
            .field("returned_on", .string)
            .field("comment", .string)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema("asset_disposals")
            .id()
            .field("asset_id", .uuid, .required, .references("assets", "id", onDelete: .cascade))
            .field("disposed_on", .string, .required)
            .field("method", .string, .required)
            .field("collector", .string)
            .field("certificate_number", .string)
            .field("wipe_method", .string, .required)
            .field("wipe_proof", .string)
            .field("comment", .string)
            .field("created_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("asset_disposals").delete()
        try await database.schema("asset_loans").delete()
    }
}

struct LoansAndDisposalsAPI {
    struct LoanInput: StrictContent, Content {
        let borrower: String?
        let loaned_on: String?
        let due_on: String?
        let comment: String?
        static let acceptedFields: Set<String> = ["borrower", "loaned_on", "due_on", "comment"]
    }

    struct ReturnInput: StrictContent, Content {
        let returned_on: String?
        static let acceptedFields: Set<String> = ["returned_on"]
    }

    struct DisposalInput: StrictContent, Content {
        let disposed_on: String?
        let method: String?
        let collector: String?
        let certificate_number: String?
        let wipe_method: String?
        let wipe_proof: String?
        let comment: String?
        static let acceptedFields: Set<String> = ["disposed_on", "method", "collector", "certificate_number",
                                                  "wipe_method", "wipe_proof", "comment"]
    }

    /// How a machine leaves the fleet. WEEE recycling (DEEE) needs the collector and the certificate.
    static let methods = ["resale", "donation", "weee_recycling"]
    /// How its data was destroyed.
    static let wipeMethods = ["overwrite", "crypto_erase", "physical_destruction", "degaussing", "none_no_storage"]

    func register(_ api: APIRoutes) {
        api.on(.POST, "assets/:id/loans", summary: "Lend an asset (status → loaned)", tag: "Inventory",
               body: .object(["borrower": .string(), "loaned_on": .string(format: "date"), "due_on": .string(format: "date"),
                              "comment": .string()], required: ["borrower", "due_on"]),
               response: .object(["id": .uuid], required: ["id"]), status: 201, use: lend)
        api.on(.POST, "assets/:id/loans/:loan/return", summary: "The asset is back (status → in stock)", tag: "Inventory",
               body: .object(["returned_on": .string(format: "date")], required: []), response: nil, status: 204,
               use: giveBack)
        api.on(.GET, "assets/:id/loans", summary: "The asset's loans, newest first", tag: "Inventory",
               response: .array(.object([:], required: [])), use: loans)
        api.on(.POST, "assets/:id/disposal", summary: "Record the disposal of a retired asset (status → disposed)",
               tag: "Inventory",
               body: .object(["disposed_on": .string(format: "date"), "method": .string(enumValues: Self.methods),
                              "collector": .string(), "certificate_number": .string(),
                              "wipe_method": .string(enumValues: Self.wipeMethods), "wipe_proof": .string(),
                              "comment": .string()], required: ["method", "wipe_method"]),
               response: .object(["id": .uuid], required: ["id"]), status: 201, use: dispose)
    }

    /// The asset of the path, which the user must be allowed to manage.
    func asset(_ req: Request) async throws -> AssetModel {
        guard let asset = try await AssetModel.find(req.parameters.get("id", as: UUID.self), on: req.db) else {
            throw ParcError.notFound("asset")
        }
        try await req.require(.assetsManage, in: asset.entityID)
        return asset
    }

    private func day(_ text: String?, field: String, default value: String, errors: inout [String: String]) -> String {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return value }
        guard InventoryDate(iso: text) != nil else {
            errors[field] = "Give a date as YYYY-MM-DD."
            return value
        }
        return text
    }

    private func move(_ asset: AssetModel, to target: AssetStatus, errors: inout [String: String]) {
        guard let current = AssetStatus(rawValue: asset.status) else { return }
        if !AssetLifecycle.canTransition(from: current, to: target) {
            do { _ = try AssetLifecycle.transition(from: current, to: target) } catch { errors["status"] = error.message }
        }
    }

    @Sendable func lend(_ req: Request) async throws -> Response {
        let id = try await lend(req, asset: try await asset(req), input: try req.decodeStrict(LoanInput.self))
        let response = try await ["id": id.uuidString].encodeResponse(for: req)
        response.status = .created
        return response
    }

    /// Lends `asset` (API and page); throws ``ParcError/validation(_:)`` with the fields at fault.
    func lend(_ req: Request, asset: AssetModel, input: LoanInput) async throws -> UUID {
        var errors: [String: String] = [:]
        let today = UTCDay.text(req.now)
        let borrower = input.borrower?.trimmingCharacters(in: .whitespaces) ?? ""
        if borrower.isEmpty || borrower.count > 200 { errors["borrower"] = "Give who borrows it (1–200 characters)." }
        let loaned = day(input.loaned_on, field: "loaned_on", default: today, errors: &errors)
        let due = day(input.due_on, field: "due_on", default: "", errors: &errors)
        if due.isEmpty && errors["due_on"] == nil { errors["due_on"] = "is required" }
        if !due.isEmpty && due < loaned { errors["due_on"] = "The due date comes after the loan date." }
        move(asset, to: .loaned, errors: &errors)
        guard errors.isEmpty else { throw ParcError.validation(errors) }
        let id = UUID()
        let before = asset.status
        try await req.db.transaction { db in
            try await (db as! any SQLDatabase).insert(into: "asset_loans")
                .columns("id", "asset_id", "borrower", "loaned_on", "due_on", "comment", "created_at")
                .values(SQLBind(id), SQLBind(asset.id!), SQLBind(borrower), SQLBind(loaned), SQLBind(due),
                        SQLBind(input.comment), SQLBind(req.now)).run()
            asset.status = AssetStatus.loaned.rawValue
            try await asset.save(on: db)
            try await AuditLog(request: req).record("asset.loaned", objectType: "asset", objectID: asset.id!,
                                                    label: asset.name, entityID: asset.entityID, changes: [
                                                        FieldChange(field: "status", before: before, after: asset.status),
                                                        FieldChange(field: "borrower", before: nil, after: borrower),
                                                        FieldChange(field: "due_on", before: nil, after: due),
                                                    ], on: db)
        }
        return id
    }

    @Sendable func giveBack(_ req: Request) async throws -> HTTPStatus {
        let asset = try await asset(req)
        let input = try req.decodeStrict(ReturnInput.self)
        guard let loan = req.parameters.get("loan", as: UUID.self) else { throw ParcError.notFound("loan") }
        try await giveBack(req, asset: asset, loan: loan, input: input)
        return .noContent
    }

    /// Closes the open loan `loan` of `asset` (API and page).
    func giveBack(_ req: Request, asset: AssetModel, loan: UUID, input: ReturnInput) async throws {
        var errors: [String: String] = [:]
        let returned = day(input.returned_on, field: "returned_on", default: UTCDay.text(req.now), errors: &errors)
        move(asset, to: .inStock, errors: &errors)
        guard errors.isEmpty else { throw ParcError.validation(errors) }
        let sql = req.db as! any SQLDatabase
        guard try await sql.select().column("id").from("asset_loans").where("id", .equal, loan)
            .where("asset_id", .equal, asset.id!).where(SQLColumn("returned_on"), .is, SQLLiteral.null).first() != nil
        else { throw ParcError.notFound("open loan") }
        let before = asset.status
        try await req.db.transaction { db in
            try await (db as! any SQLDatabase).update("asset_loans").set("returned_on", to: returned)
                .where("id", .equal, loan).run()
            asset.status = AssetStatus.inStock.rawValue
            try await asset.save(on: db)
            try await AuditLog(request: req).record("asset.returned", objectType: "asset", objectID: asset.id!,
                                                    label: asset.name, entityID: asset.entityID, changes: [
                                                        FieldChange(field: "status", before: before, after: asset.status),
                                                        FieldChange(field: "returned_on", before: nil, after: returned),
                                                    ], on: db)
        }
    }

    struct LoanDTO: Content {
        let id: UUID
        let borrower: String
        let loaned_on: String
        let due_on: String
        let returned_on: String?
        let overdue: Bool
    }

    @Sendable func loans(_ req: Request) async throws -> [LoanDTO] {
        guard let asset = try await AssetModel.find(req.parameters.get("id", as: UUID.self), on: req.db) else {
            throw ParcError.notFound("asset")
        }
        try await req.require(.assetsRead, in: asset.entityID)
        return try await loans(req, assetID: asset.id!)
    }

    /// The loans of an asset the caller may read, newest first.
    func loans(_ req: Request, assetID: UUID) async throws -> [LoanDTO] {
        let today = UTCDay.text(req.now)
        return try await (req.db as! any SQLDatabase).select().columns("id", "borrower", "loaned_on", "due_on", "returned_on")
            .from("asset_loans").where("asset_id", .equal, assetID).orderBy("loaned_on", .descending).all()
            .map { row in
                let returned = try row.decodeNil(column: "returned_on") ? nil : row.decode(column: "returned_on", as: String.self)
                let due = try row.decode(column: "due_on", as: String.self)
                return LoanDTO(id: try row.decode(column: "id", as: UUID.self),
                               borrower: try row.decode(column: "borrower", as: String.self),
                               loaned_on: try row.decode(column: "loaned_on", as: String.self), due_on: due,
                               returned_on: returned, overdue: returned == nil && due < today)
            }
    }

    @Sendable func dispose(_ req: Request) async throws -> Response {
        let id = try await dispose(req, asset: try await asset(req), input: try req.decodeStrict(DisposalInput.self))
        let response = try await ["id": id.uuidString].encodeResponse(for: req)
        response.status = .created
        return response
    }

    /// Records the disposal of `asset` (API and page); throws ``ParcError/validation(_:)`` with the fields at fault.
    func dispose(_ req: Request, asset: AssetModel, input: DisposalInput) async throws -> UUID {
        var errors: [String: String] = [:]
        let disposed = day(input.disposed_on, field: "disposed_on", default: UTCDay.text(req.now), errors: &errors)
        let method = input.method ?? ""
        if !Self.methods.contains(method) { errors["method"] = "Use one of \(Self.methods.joined(separator: ", "))." }
        let wipe = input.wipe_method ?? ""
        if !Self.wipeMethods.contains(wipe) { errors["wipe_method"] = "Use one of \(Self.wipeMethods.joined(separator: ", "))." }
        @Sendable func clean(_ text: String?) -> String? {
            text?.trimmingCharacters(in: .whitespaces).nilIfEmpty.map { String($0.prefix(500)) }
        }
        if method == "weee_recycling" {
            if clean(input.collector) == nil { errors["collector"] = "WEEE recycling needs the collector's name." }
            if clean(input.certificate_number) == nil {
                errors["certificate_number"] = "WEEE recycling needs the collector's certificate number."
            }
        }
        if wipe != "none_no_storage", clean(input.wipe_proof) == nil {
            errors["wipe_proof"] = "Give the proof of wiping (report number, certificate, or who did it and how)."
        }
        move(asset, to: .disposed, errors: &errors)
        guard errors.isEmpty else { throw ParcError.validation(errors) }
        let id = UUID()
        let before = asset.status
        try await req.db.transaction { db in
            try await (db as! any SQLDatabase).insert(into: "asset_disposals")
                .columns("id", "asset_id", "disposed_on", "method", "collector", "certificate_number", "wipe_method",
                         "wipe_proof", "comment", "created_at")
                .values(SQLBind(id), SQLBind(asset.id!), SQLBind(disposed), SQLBind(method), SQLBind(clean(input.collector)),
                        SQLBind(clean(input.certificate_number)), SQLBind(wipe), SQLBind(clean(input.wipe_proof)),
                        SQLBind(clean(input.comment)), SQLBind(req.now)).run()
            asset.status = AssetStatus.disposed.rawValue
            try await asset.save(on: db)
            try await AuditLog(request: req).record("asset.disposed", objectType: "asset", objectID: asset.id!,
                                                    label: asset.name, entityID: asset.entityID, changes: [
                                                        FieldChange(field: "status", before: before, after: asset.status),
                                                        FieldChange(field: "method", before: nil, after: method),
                                                        FieldChange(field: "wipe_method", before: nil, after: wipe),
                                                    ], on: db)
        }
        return id
    }
}
