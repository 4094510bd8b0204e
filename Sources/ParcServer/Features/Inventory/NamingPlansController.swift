import Fluent
import Foundation
import ParcCore
import Vapor

/// `/api/v1/naming-plans` and the naming report page `/assets/naming`.
struct NamingPlansController {
    struct PlanDTO: Content {
        let id: UUID
        let entity_id: UUID
        let asset_type: String
        let pattern: String
        let type_code: String?

        init(_ plan: NamingPlanModel) {
            id = plan.id!
            entity_id = plan.entityID
            asset_type = plan.assetType
            pattern = plan.pattern
            type_code = plan.typeCode
        }

        static let schema = OpenAPISchema.object([
            "id": .uuid, "entity_id": .uuid, "asset_type": .string(enumValues: AssetType.allCases.map(\.rawValue)),
            "pattern": .string(description: "Tokens {entity} {site} {type} {year} {yy} {seq:N} {serial:N}"),
            "type_code": .nullable(.string()),
        ], required: ["id", "entity_id", "asset_type", "pattern"])
    }

    struct PlanInput: StrictContent, Content {
        let entity_id: UUID?
        let asset_type: String?
        let pattern: String?
        let type_code: String?
        static let acceptedFields: Set<String> = ["entity_id", "asset_type", "pattern", "type_code"]
    }

    struct RenameInput: StrictContent, Content {
        struct Rename: Content {
            let asset_id: UUID
            let name: String
        }

        let renames: [Rename]?
        static let acceptedFields: Set<String> = ["renames"]
    }

    struct ReportDTO: Content {
        let items: [NamingPlanService.Violation]
        let total: Int
    }

    func register(_ api: APIRoutes, routes: any RoutesBuilder) {
        api.schema("NamingPlan", PlanDTO.schema)
        api.on(.GET, "naming-plans", summary: "List naming plans", tag: "Inventory", response: .array(.ref("NamingPlan")),
               use: list)
        api.on(.POST, "naming-plans", summary: "Create or replace the naming plan of a type in an entity",
               tag: "Inventory", body: .object(["entity_id": .uuid, "asset_type": .string(), "pattern": .string(),
                                                "type_code": .nullable(.string())],
                                               required: ["entity_id", "asset_type", "pattern"]),
               response: .ref("NamingPlan"), status: 201, use: create)
        api.on(.DELETE, "naming-plans/:id", summary: "Delete a naming plan", tag: "Inventory", response: nil,
               status: 204, use: delete)
        api.on(.GET, "naming-plans/report", summary: "Assets whose name breaks their plan, with a rename proposal",
               tag: "Inventory", response: .object(["items": .array(.string()), "total": .integer],
                                                   required: ["items", "total"]), use: report)
        api.on(.POST, "naming-plans/apply", summary: "Rename assets (their name is then locked against inventories)",
               tag: "Inventory", body: .object(["renames": .array(.object(["asset_id": .uuid, "name": .string()],
                                                                          required: ["asset_id", "name"]))],
                                               required: ["renames"]),
               response: .object(["renamed": .integer], required: ["renamed"]), use: apply)
        api.on(.GET, "naming-plans/suggest", summary: "The next free name for a new asset",
               tag: "Inventory", query: [
                   .init(name: "entity_id", schema: .uuid, description: "The entity"),
                   .init(name: "type", schema: .string(), description: "The asset type"),
                   .init(name: "serial", schema: .string(), description: "Its serial, for {serial:N}"),
               ], response: .object(["name": .string()], required: ["name"]), use: suggest)
        routes.get("assets", "naming", use: reportPage)
        routes.post("assets", "naming", use: applyFromForm)
    }

    @Sendable func list(_ req: Request) async throws -> [PlanDTO] {
        try await req.requireAnywhere(.assetsRead)
        return try await NamingPlanService(request: req).plans(for: .assetsRead)
            .sorted { ($0.assetType, $0.pattern) < ($1.assetType, $1.pattern) }.map(PlanDTO.init)
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        let input = try req.decodeStrict(PlanInput.self)
        var errors: [String: String] = [:]
        if input.entity_id == nil { errors["entity_id"] = "is required" }
        if AssetType(rawValue: input.asset_type ?? "") == nil {
            errors["asset_type"] = "Use one of \(AssetType.allCases.map(\.rawValue).joined(separator: ", "))."
        }
        var pattern: NamingPattern?
        do {
            pattern = try NamingPattern(input.pattern ?? "")
        } catch {
            errors["pattern"] = error.message
        }
        if let code = input.type_code, code.count > 20 { errors["type_code"] = "At most 20 characters." }
        guard errors.isEmpty, let entityID = input.entity_id, let pattern else { throw ParcError.validation(errors) }
        try await req.require(.inventoryAdmin, in: entityID)
        let plan = try await NamingPlanModel.query(on: req.db).filter(\.$entityID == entityID)
            .filter(\.$assetType == input.asset_type!).first() ?? NamingPlanModel()
        plan.entityID = entityID
        plan.assetType = input.asset_type!
        plan.pattern = pattern.source
        plan.typeCode = input.type_code?.trimmingCharacters(in: .whitespaces).nilIfEmpty
        try await req.db.transaction { db in
            try await plan.save(on: db)
            try await AuditLog(request: req).record("naming_plan.saved", objectType: "naming_plan", objectID: plan.id!,
                                                    label: plan.pattern, entityID: entityID, changes: [
                                                        FieldChange(field: "pattern", before: nil, after: plan.pattern),
                                                    ], on: db)
        }
        let response = try await PlanDTO(plan).encodeResponse(for: req)
        response.status = .created
        return response
    }

    @Sendable func delete(_ req: Request) async throws -> HTTPStatus {
        guard let plan = try await NamingPlanModel.find(req.parameters.get("id", as: UUID.self), on: req.db) else {
            throw ParcError.notFound("naming plan")
        }
        try await req.require(.inventoryAdmin, in: plan.entityID)
        try await plan.delete(on: req.db)
        return .noContent
    }

    @Sendable func report(_ req: Request) async throws -> ReportDTO {
        try await req.requireAnywhere(.assetsRead)
        let items = try await NamingPlanService(request: req).report()
        return ReportDTO(items: items, total: items.count)
    }

    @Sendable func apply(_ req: Request) async throws -> [String: Int] {
        let input = try req.decodeStrict(RenameInput.self)
        let renamed = try await NamingPlanService(request: req).apply((input.renames ?? []).map { ($0.asset_id, $0.name) })
        return ["renamed": renamed]
    }

    @Sendable func suggest(_ req: Request) async throws -> [String: String] {
        guard let entity = (try? req.query.get(String.self, at: "entity_id")).flatMap(UUID.init(uuidString:)),
              let type = try? req.query.get(String.self, at: "type") else {
            throw ParcError.badRequest("invalid_query", "Give entity_id (a UUID) and type.")
        }
        try await req.require(.assetsRead, in: entity)
        return ["name": try await NamingPlanService(request: req).suggest(
            type: type, entity: entity, serial: try? req.query.get(String.self, at: "serial"))]
    }

    struct ReportPage: Encodable {
        let rows: [NamingPlanService.Violation]
        let canManage: Bool
    }

    @Sendable func reportPage(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.assetsRead)
        let rows = try await NamingPlanService(request: req).report()
        return try await req.renderPage("assets/naming", title: req.t("assets.naming.title"), active: "assets-naming",
                                        page: ReportPage(rows: rows,
                                                         canManage: try await req.accessScope().allowsAnywhere(.assetsManage)))
    }

    struct ApplyForm: Content {
        let apply: [String]?
    }

    @Sendable func applyFromForm(_ req: Request) async throws -> Response {
        let form = try req.content.decode(ApplyForm.self)
        let renames = (form.apply ?? []).compactMap { value -> (UUID, String)? in
            let parts = value.split(separator: "|", maxSplits: 1)
            guard parts.count == 2, let id = UUID(uuidString: String(parts[0])) else { return nil }
            return (id, String(parts[1]))
        }
        do {
            let count = try await NamingPlanService(request: req).apply(renames)
            req.flash("success", req.t("assets.naming.applied", String(count)))
        } catch let error as ParcError where [.unprocessableEntity, .conflict].contains(error.status) {
            req.flash("error", error.message)
        }
        return req.redirect(to: "/assets/naming")
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
