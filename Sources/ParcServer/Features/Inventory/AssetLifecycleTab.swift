import Fluent
import Foundation
import ParcCore
import SQLKit
import Vapor

/// The asset page's *Lifecycle* tab (`/assets/{id}?tab=lifecycle`): purchase, warranty and today's value
/// (linear depreciation over the asset type's renewal age), the loans with a form to lend and a button to
/// take back, and the disposal record or its form. The forms post to page routes that go through the same
/// checks as the API (``LoansAndDisposalsAPI``); a refused form comes back with its errors next to the fields.
struct AssetLifecycleTab {
    struct Loan: Encodable {
        let id: UUID
        let borrower: String
        let loanedOn: String
        let dueOn: String
        let returnedOn: String?
        let overdue: Bool
    }

    struct Disposal: Encodable {
        let disposedOn: String
        let method: String
        let collector: String?
        let certificateNumber: String?
        let wipeMethod: String
        let wipeProof: String?
        let comment: String?
    }

    struct View: Encodable {
        let facts: [AssetsPagesController.Field]
        let loans: [Loan]
        let disposal: Disposal?
        let canManage: Bool
        /// The asset may be lent now (the lifecycle allows → loaned).
        let canLend: Bool
        /// The lifecycle allows → disposed (the asset is retired) and nothing is recorded yet.
        let canDispose: Bool
        let methods: [SelectOption]
        let wipeMethods: [SelectOption]
        /// The refused form (`lend` or `dispose`), its values and its errors.
        let form: String
        let values: [String: String]
        let errors: [String: String]
        let today: String
    }

    /// A refused form to show again.
    struct Refused {
        let form: String
        let values: [String: String]
        let errors: [String: String]
    }

    /// Depreciation period when the page shows today's value: the renewal age the fleet rules use for
    /// computers (docs/fleet-rules.md), and the accounting habit for IT equipment in France (3 to 5 years).
    static let depreciationYears = 5

    static func view(_ req: Request, asset: AssetModel, canManage: Bool, refused: Refused? = nil) async throws -> View {
        let language = req.language
        func field(_ key: String, _ value: String?) -> AssetsPagesController.Field? {
            guard let value, !value.isEmpty else { return nil }
            return AssetsPagesController.Field(label: req.t(key), value: value, mono: false)
        }
        func money(_ amount: Double) -> String { ParcFormat.money(amount, language: language) }
        let today = UTCDay.text(req.now)
        var warranty: String?
        if let end = asset.warrantyEnd {
            warranty = end < today ? req.t("assets.lifecycle.warranty_over", end) : req.t("assets.lifecycle.warranty_until", end)
        }
        var value: String?
        if let purchase = asset.purchaseDate.flatMap({ InventoryDate(iso: $0) }).flatMap(UTCDay.date),
           let cost = asset.purchaseCost,
           let plan = try? Depreciation(method: .linear, cost: Int((cost * 100).rounded()), purchaseDate: purchase,
                                        durationYears: Self.depreciationYears)
        {
            value = req.t("assets.lifecycle.value_detail", money(Double(plan.value(at: req.now)) / 100),
                          String(Self.depreciationYears))
        }
        let facts = [
            field("assets.purchase_date", asset.purchaseDate), field("assets.supplier", asset.supplier),
            field("assets.order_number", asset.orderNumber), field("assets.purchase_cost", asset.purchaseCost.map(money)),
            field("assets.warranty_end", warranty), field("assets.lifecycle.value", value),
        ].compactMap { $0 }
        let loans = try await LoansAndDisposalsAPI().loans(req, assetID: asset.id!).map {
            Loan(id: $0.id, borrower: $0.borrower, loanedOn: $0.loaned_on, dueOn: $0.due_on, returnedOn: $0.returned_on,
                 overdue: $0.overdue)
        }
        let disposal = try await (req.db as! any SQLDatabase).select()
            .columns("disposed_on", "method", "collector", "certificate_number", "wipe_method", "wipe_proof", "comment")
            .from("asset_disposals").where("asset_id", .equal, asset.id!).orderBy("created_at", .descending).first()
            .map { row in
                func text(_ column: String) throws -> String? {
                    try row.decodeNil(column: column) ? nil : row.decode(column: column, as: String.self)
                }
                return Disposal(
                    disposedOn: try text("disposed_on") ?? "",
                    method: req.t("assets.disposal.method.\(try text("method") ?? "")"),
                    collector: try text("collector"), certificateNumber: try text("certificate_number"),
                    wipeMethod: req.t("assets.disposal.wipe.\(try text("wipe_method") ?? "")"),
                    wipeProof: try text("wipe_proof"), comment: try text("comment"))
            }
        let status = AssetStatus(rawValue: asset.status) ?? .inStock
        let values = refused?.values ?? [:]
        return View(
            facts: facts, loans: loans, disposal: disposal, canManage: canManage,
            canLend: canManage && AssetLifecycle.canTransition(from: status, to: .loaned),
            canDispose: canManage && disposal == nil && AssetLifecycle.canTransition(from: status, to: .disposed),
            methods: LoansAndDisposalsAPI.methods.map {
                SelectOption(value: $0, label: req.t("assets.disposal.method.\($0)"), selected: values["method"] == $0)
            },
            wipeMethods: LoansAndDisposalsAPI.wipeMethods.map {
                SelectOption(value: $0, label: req.t("assets.disposal.wipe.\($0)"), selected: values["wipe_method"] == $0)
            },
            form: refused?.form ?? "", values: values, errors: refused.map { req.localized($0.errors) } ?? [:],
            today: today)
    }

    // MARK: Forms

    func register(_ routes: any RoutesBuilder) {
        routes.post("assets", ":id", "loans", use: lend)
        routes.post("assets", ":id", "loans", ":loan", "return", use: giveBack)
        routes.post("assets", ":id", "disposal", use: dispose)
    }

    private var back: (AssetModel) -> String { { "/assets/\($0.id!)?tab=lifecycle" } }

    @Sendable func lend(_ req: Request) async throws -> Response {
        let api = LoansAndDisposalsAPI()
        let asset = try await api.asset(req)
        let input = try req.content.decode(LoansAndDisposalsAPI.LoanInput.self)
        do {
            _ = try await api.lend(req, asset: asset, input: input)
        } catch let error as ParcError where error.status == .unprocessableEntity {
            let values = ["borrower": input.borrower ?? "", "loaned_on": input.loaned_on ?? "",
                          "due_on": input.due_on ?? "", "comment": input.comment ?? ""]
            return try await refuse(req, Refused(form: "lend", values: values, errors: error.fields))
        }
        req.flash("success", req.t("assets.lifecycle.lent"))
        return req.redirect(to: back(asset))
    }

    @Sendable func giveBack(_ req: Request) async throws -> Response {
        let api = LoansAndDisposalsAPI()
        let asset = try await api.asset(req)
        guard let loan = req.parameters.get("loan", as: UUID.self) else { throw ParcError.notFound("loan") }
        let input = try req.content.decode(LoansAndDisposalsAPI.ReturnInput.self)
        do {
            try await api.giveBack(req, asset: asset, loan: loan, input: input)
        } catch let error as ParcError where error.status == .unprocessableEntity {
            req.flash("error", req.localized(error.fields.values.sorted().first ?? error.message))
            return req.redirect(to: back(asset))
        }
        req.flash("success", req.t("assets.lifecycle.returned"))
        return req.redirect(to: back(asset))
    }

    @Sendable func dispose(_ req: Request) async throws -> Response {
        let api = LoansAndDisposalsAPI()
        let asset = try await api.asset(req)
        let input = try req.content.decode(LoansAndDisposalsAPI.DisposalInput.self)
        do {
            _ = try await api.dispose(req, asset: asset, input: input)
        } catch let error as ParcError where error.status == .unprocessableEntity {
            let values = ["disposed_on": input.disposed_on ?? "", "method": input.method ?? "",
                          "collector": input.collector ?? "", "certificate_number": input.certificate_number ?? "",
                          "wipe_method": input.wipe_method ?? "", "wipe_proof": input.wipe_proof ?? "",
                          "comment": input.comment ?? ""]
            return try await refuse(req, Refused(form: "dispose", values: values, errors: error.fields))
        }
        req.flash("success", req.t("assets.lifecycle.disposed"))
        return req.redirect(to: back(asset))
    }

    /// The asset page on its Lifecycle tab again, with the refused form's values and errors (422).
    private func refuse(_ req: Request, _ refused: Refused) async throws -> Response {
        try await AssetsPagesController().render(req, tab: "lifecycle", refused: refused, status: .unprocessableEntity)
    }
}
