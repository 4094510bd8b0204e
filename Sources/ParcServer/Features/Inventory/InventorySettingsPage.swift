import Fluent
import Foundation
import ParcCore
import Vapor

/// `/inventory/settings`: each entity's inventory settings — the match order and who may use the GLPI,
/// FusionInventory and OCS paths — with where inherited values come from. Reading needs `assets.read` on the
/// entity, changing `inventory.admin`, as in the API; saving goes through the API's checks and
/// ``InventorySettingsService`` (docs/inventory.md §Inventory settings, decision 0069).
struct InventorySettingsPage {
    func register(_ routes: any RoutesBuilder) {
        routes.get("inventory", "settings", use: index)
        routes.get("inventory", "settings", ":entity", use: form)
        routes.post("inventory", "settings", ":entity", use: save)
        routes.post("inventory", "settings", ":entity", "inherit", use: inherit)
    }

    // MARK: index

    struct IndexRow: Encodable {
        let id: UUID
        let entity: String
        let source: String
        let own: Bool
        let matchOrder: String
        let access: String
        let credentials: Bool
    }

    struct IndexPage: Encodable {
        let rows: [IndexRow]
    }

    @Sendable func index(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.assetsRead)
        let tree = try await req.entityTree()
        let scope = try await req.accessScope()
        let entities = tree.ordered.filter { scope.allows(.assetsRead, in: $0) }
        let resolved = try await InventorySettings.resolved(for: entities, tree: tree, on: req.db)
        let rows = entities.map { entity in
            let (settings, source) = resolved[entity]!
            return IndexRow(id: entity, entity: tree.path(of: entity), source: sourceText(req, entity, source, tree),
                            own: source == entity, matchOrder: orderText(req, settings.matchOrder),
                            access: accessText(req, settings.allowedRanges), credentials: settings.basicUser != nil)
        }
        return try await req.renderPage("inventory/settings-index", title: req.t("inventory.settings.title"),
                                        active: "inventory-settings", page: IndexPage(rows: rows))
    }

    private func sourceText(_ req: Request, _ entity: UUID, _ source: UUID?, _ tree: EntityTree) -> String {
        guard let source else { return req.t("inventory.settings.source.defaults") }
        return source == entity ? req.t("inventory.settings.source.own")
            : req.t("inventory.settings.source.inherited", tree.path(of: source))
    }

    private func orderText(_ req: Request, _ order: [InventoryMatchCriterion]) -> String {
        order.map { req.t("inventory.settings.criterion.\($0.rawValue)") }.joined(separator: " → ")
    }

    private func accessText(_ req: Request, _ ranges: [String]?) -> String {
        guard let ranges else { return req.t("inventory.settings.access.default") }
        return req.t("inventory.settings.access.ranges", String(ranges.count))
    }

    // MARK: form

    struct Criterion: Encodable {
        let value: String
        let label: String
        let used: Bool
        let first: Bool
        let last: Bool
    }

    struct FormPage: Encodable {
        let entityID: UUID
        let entity: String
        let source: String
        let own: Bool
        let inherited: Bool
        let criteria: [Criterion]
        let values: [String: String]
        let errors: [String: String]
        let credentialsSet: Bool
        let credentialsUser: String?
        let newPassword: String?
        let reordered: Bool
        let canManage: Bool
        let defaultRanges: String
    }

    /// The form as sent, read within bounds whatever a hostile form holds.
    struct Submission: Content {
        var match_order: [String]?
        var match_use: [String]?
        var move: String?
        var allowed_ranges: String?
        var require_credentials: String?
        var basic_user: String?
        var action: String?
    }

    /// What the form shows: the criteria in their order (used ones first for stored settings), and the fields.
    private struct State {
        var order: [InventoryMatchCriterion]
        var used: Set<InventoryMatchCriterion>
        /// Words of `match_use[]` that name no criterion (a hostile or outdated form): the checks refuse them.
        var unknownUsed: [String]
        var values: [String: String]

        init(_ settings: InventorySettings) {
            order = settings.matchOrder + InventoryMatchCriterion.allCases.filter { !settings.matchOrder.contains($0) }
            used = Set(settings.matchOrder)
            unknownUsed = []
            values = ["allowed_ranges": settings.allowedRanges?.joined(separator: "\n") ?? "",
                      "basic_user": settings.basicUser ?? "", "require_credentials": settings.basicUser == nil ? "" : "on"]
        }

        init(_ form: Submission) {
            var order: [InventoryMatchCriterion] = []
            for word in (form.match_order ?? []).prefix(20) {
                if let criterion = InventoryMatchCriterion(rawValue: word), !order.contains(criterion) {
                    order.append(criterion)
                }
            }
            self.order = order + InventoryMatchCriterion.allCases.filter { !order.contains($0) }
            let words = (form.match_use ?? []).prefix(20)
            used = Set(words.compactMap(InventoryMatchCriterion.init(rawValue:)))
            unknownUsed = words.filter { InventoryMatchCriterion(rawValue: $0) == nil }.map { String($0.prefix(40)) }
            values = ["allowed_ranges": String((form.allowed_ranges ?? "").prefix(100_000)),
                      "basic_user": String((form.basic_user ?? "").prefix(200)),
                      "require_credentials": form.require_credentials == "on" ? "on" : ""]
        }

        /// One line per range; blank lines are skipped. No range at all means the default ranges.
        var ranges: [String]? {
            let lines = (values["allowed_ranges"] ?? "").split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            return lines.isEmpty ? nil : lines
        }

        /// `up-serial`, `down-mac`…
        mutating func move(_ instruction: String) {
            let parts = instruction.split(separator: "-", maxSplits: 1)
            guard parts.count == 2, parts[0] == "up" || parts[0] == "down",
                  let criterion = InventoryMatchCriterion(rawValue: String(parts[1])),
                  let index = order.firstIndex(of: criterion) else { return }
            let other = parts[0] == "up" ? index - 1 : index + 1
            guard order.indices.contains(other) else { return }
            order.swapAt(index, other)
        }
    }

    private func entity(_ req: Request, permission: Permission) async throws -> UUID {
        guard let entity = req.parameters.get("entity", as: UUID.self) else { throw ParcError.notFound("entity") }
        try await req.require(permission, in: entity)
        return entity
    }

    private func render(_ req: Request, entity: UUID, state: State, errors: [String: String] = [:],
                        newPassword: String? = nil, reordered: Bool = false,
                        status: HTTPResponseStatus = .ok) async throws -> Response {
        let tree = try await req.entityTree()
        let (settings, source) = try await InventorySettings.resolved(for: entity, tree: tree, on: req.db)
        let criteria = state.order.enumerated().map { index, criterion in
            Criterion(value: criterion.rawValue, label: req.t("inventory.settings.criterion.\(criterion.rawValue)"),
                      used: state.used.contains(criterion), first: index == 0, last: index == state.order.count - 1)
        }
        let page = FormPage(
            entityID: entity, entity: tree.path(of: entity), source: sourceText(req, entity, source, tree),
            own: source == entity, inherited: source != nil && source != entity, criteria: criteria,
            values: state.values, errors: errors, credentialsSet: settings.basicPasswordHash != nil,
            credentialsUser: settings.basicUser, newPassword: newPassword, reordered: reordered,
            canManage: try await req.accessScope().allows(.inventoryAdmin, in: entity),
            defaultRanges: IPAddressRange.privateAndLoopback.map(\.description).joined(separator: ", "))
        return try await req.renderPage("inventory/settings", title: req.t("inventory.settings.entity_title", tree.path(of: entity)),
                                        active: "inventory-settings", page: page, status: status)
    }

    @Sendable func form(_ req: Request) async throws -> Response {
        let entity = try await entity(req, permission: .assetsRead)
        let settings = try await InventorySettings.effective(for: entity, tree: try await req.entityTree(), on: req.db)
        return try await render(req, entity: entity, state: State(settings))
    }

    @Sendable func save(_ req: Request) async throws -> Response {
        let entity = try await entity(req, permission: .inventoryAdmin)
        let submission = try req.content.decode(Submission.self)
        var state = State(submission)
        if let move = submission.move {
            // ↑ and ↓ reorder the list on the page; nothing is saved until the form is.
            state.move(String(move.prefix(40)))
            return try await render(req, entity: entity, state: state, reordered: true)
        }
        let require = state.values["require_credentials"] == "on"
        let words = state.order.filter(state.used.contains).map(\.rawValue) + state.unknownUsed
        let (order, errors) = InventorySettings.check(
            matchOrder: words, allowedRanges: state.ranges, basicUser: state.values["basic_user"],
            requireCredentials: require, describe: req.describe)
        guard errors.isEmpty else {
            return try await render(req, entity: entity, state: state, errors: req.localized(errors),
                                    status: .unprocessableEntity)
        }
        let current = try await InventorySettings.effective(for: entity, tree: try await req.entityTree(), on: req.db)
        // Credentials are generated when asked, or when they are first required; otherwise the password the
        // agents already hold is kept.
        let credentials: InventorySettingsService.Credentials = !require ? .remove
            : (submission.action == "generate" || current.basicPasswordHash == nil) ? .generate : .keep
        let password = try await InventorySettingsService(request: req).save(
            entity: entity, matchOrder: order, allowedRanges: state.ranges, basicUser: state.values["basic_user"],
            credentials: credentials)
        guard let password else {
            req.flash("success", req.t("inventory.settings.saved"))
            return req.redirect(to: "/inventory/settings/\(entity)")
        }
        // The password is on this answer only: it is stored as its hash.
        let saved = try await InventorySettings.effective(for: entity, tree: try await req.entityTree(), on: req.db)
        return try await render(req, entity: entity, state: State(saved), newPassword: password)
    }

    @Sendable func inherit(_ req: Request) async throws -> Response {
        let entity = try await entity(req, permission: .inventoryAdmin)
        try await InventorySettingsService(request: req).inherit(entity: entity)
        req.flash("success", req.t("inventory.settings.inherited_again"))
        return req.redirect(to: "/inventory/settings/\(entity)")
    }
}
