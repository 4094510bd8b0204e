import Fluent
import Foundation
import ParcCore
import Vapor

/// `/assets/{id}/edit`: the asset's form (status by the lifecycle rules, location, numbers, purchase and
/// warranty); it saves through the same checks as `PATCH /api/v1/assets/{id}`.
struct AssetEditPage {
    func register(_ routes: any RoutesBuilder) {
        routes.get("assets", ":id", "edit", use: form)
        routes.post("assets", ":id", "edit", use: save)
    }

    static let fields = ["name", "inventory_number", "location", "assigned_group", "purchase_date", "supplier",
                         "order_number", "purchase_cost", "warranty_end", "comment"]

    struct Page: Encodable {
        let id: UUID
        let name: String
        let values: [String: String]
        let errors: [String: String]
        let statuses: [SelectOption]
        let users: [SelectOption]
        let locked: [String]
    }

    struct Form: Content {
        let status: String?
        let name: String?
        let inventory_number: String?
        let location: String?
        let assigned_group: String?
        let assigned_user_id: String?
        let purchase_date: String?
        let supplier: String?
        let order_number: String?
        let purchase_cost: String?
        let warranty_end: String?
        let comment: String?
    }

    private func render(_ req: Request, asset: AssetModel, values: [String: String], errors: [String: String],
                        status: HTTPResponseStatus = .ok) async throws -> Response {
        let current = AssetStatus(rawValue: asset.status) ?? .inStock
        let targets = [current] + AssetStatus.allCases.filter { AssetLifecycle.canTransition(from: current, to: $0) }
        // The people of the asset's organisation: profiles on its entity, above or below it.
        let tree = try await req.entityTree()
        let related = Set(tree.ancestors(of: asset.entityID) + tree.subtree(of: asset.entityID) + [asset.entityID])
        let holders = Set(try await ProfileModel.query(on: req.db).filter(\.$entityID ~~ Array(related)).all().map(\.userID))
        let people = try await UserModel.query(on: req.db).filter(\.$id ~~ Array(holders)).filter(\.$isActive == true)
            .sort(\.$displayName).limit(1_000).all()
        let chosen = values["assigned_user_id"] ?? ""
        return try await req.renderPage("assets/edit", title: req.t("assets.edit.title", asset.name), active: "assets",
            page: Page(id: asset.id!, name: asset.name, values: values, errors: errors,
                       statuses: targets.map {
                           SelectOption(value: $0.rawValue, label: req.t("assets.status.\($0.rawValue)"),
                                        selected: (values["status"] ?? asset.status) == $0.rawValue)
                       },
                       users: [SelectOption(value: "", label: "—", selected: chosen.isEmpty)] + people.map {
                           SelectOption(value: $0.id!.uuidString, label: "\($0.displayName) (\($0.login))",
                                        selected: chosen == $0.id!.uuidString)
                       },
                       locked: asset.lockedFields.sorted()),
            status: status)
    }

    @Sendable func form(_ req: Request) async throws -> Response {
        guard let asset = try await AssetModel.find(req.parameters.get("id", as: UUID.self), on: req.db) else {
            throw ParcError.notFound("asset")
        }
        try await req.require(.assetsManage, in: asset.entityID)
        var values: [String: String] = ["status": asset.status]
        for field in Self.fields where field != "purchase_cost" { values[field] = asset.editableValue(field) ?? "" }
        values["purchase_cost"] = asset.purchaseCost.map { String($0) } ?? ""
        values["assigned_user_id"] = asset.assignedUserID?.uuidString ?? ""
        return try await render(req, asset: asset, values: values, errors: [:])
    }

    @Sendable func save(_ req: Request) async throws -> Response {
        guard let asset = try await AssetModel.find(req.parameters.get("id", as: UUID.self), on: req.db) else {
            throw ParcError.notFound("asset")
        }
        try await req.require(.assetsManage, in: asset.entityID)
        let form = try req.content.decode(Form.self)
        let values: [String: String] = [
            "status": form.status ?? asset.status, "name": form.name ?? "", "inventory_number": form.inventory_number ?? "",
            "location": form.location ?? "", "assigned_group": form.assigned_group ?? "",
            "purchase_date": form.purchase_date ?? "", "supplier": form.supplier ?? "",
            "order_number": form.order_number ?? "", "purchase_cost": form.purchase_cost ?? "",
            "warranty_end": form.warranty_end ?? "", "comment": form.comment ?? "",
            "assigned_user_id": form.assigned_user_id ?? asset.assignedUserID?.uuidString ?? "",
        ]
        let costText = values["purchase_cost"]!.replacingOccurrences(of: ",", with: ".").trimmingCharacters(in: .whitespaces)
        let cost = Double(costText)
        if !costText.isEmpty && cost == nil {
            return try await render(req, asset: asset, values: values,
                                    errors: ["purchase_cost": req.t("assets.edit.cost_invalid")], status: .unprocessableEntity)
        }
        // Only what the form changed goes through: an untouched inventory field stays unlocked.
        func changed(_ field: String) -> String? {
            let value = values[field]!.trimmingCharacters(in: .whitespacesAndNewlines)
            return value == (asset.editableValue(field) ?? "") ? nil : value
        }
        let input = AssetEditing.Input(
            entity_id: nil, type: nil, subtype: nil, name: changed("name"), inventory_number: changed("inventory_number"),
            serial: nil, uuid: nil, manufacturer: nil, model: nil,
            status: values["status"] == asset.status ? nil : values["status"], location: changed("location"),
            assigned_group: changed("assigned_group"),
            assigned_user_id: values["assigned_user_id"] == (asset.assignedUserID?.uuidString ?? "") ? nil
                : values["assigned_user_id"],
            comment: changed("comment"), custom_fields: nil,
            purchase_date: changed("purchase_date"), supplier: changed("supplier"), order_number: changed("order_number"),
            purchase_cost: cost == asset.purchaseCost ? nil : cost, warranty_end: changed("warranty_end"), unlock: nil)
        do {
            _ = try await AssetEditing().change(req, id: asset.id, input: input)
        } catch let error as ParcError where [.unprocessableEntity, .conflict].contains(error.status) {
            let errors = error.fields.isEmpty ? ["name": error.message] : req.localized(error.fields)
            return try await render(req, asset: asset, values: values, errors: errors, status: error.status)
        }
        req.flash("success", req.t("assets.edit.saved"))
        return req.redirect(to: "/assets/\(asset.id!)")
    }
}
