import Fluent
import Foundation
import ParcCore
import SQLKit
import Vapor

/// `/assets`: the fleet list (same filters as the API, CSV export) and the asset page with its tabs
/// (details, components, software, licences, network, lifecycle, history).
struct AssetsPagesController {
    func register(_ routes: any RoutesBuilder) {
        routes.get("assets", use: listPage)
        routes.get("assets", ":id", use: showPage)
        routes.post("assets", "bulk", use: bulkFromForm)
    }

    struct Row: Encodable {
        let id: UUID
        let name: String
        let type: String
        let status: String
        let statusTone: String
        let entity: String
        let os: String
        let memory: String
        let lastInventory: String
        let serial: String
    }

    /// A column header: sortable ones carry their link.
    struct Column: Encodable {
        let label: String
        let href: String?
        let ariaSort: String?
        let numeric: Bool
    }

    struct ListPage: Encodable {
        let rows: [Row]
        let columns: [Column]
        let links: ListPageLinks
        let query: String
        let filters: [String: String]
        let types: [SelectOption]
        let statuses: [SelectOption]
        let savedViews: SavedViewTabs
        /// The typed filters as chips, and the *Add a filter* form.
        let filterBar: AssetFilterBar
        /// The checkbox column and the bulk actions bar, for those who may change assets somewhere.
        let canBulkEdit: Bool
        let bulkStatuses: [SelectOption]
        /// Entities the selection may move to; the select shows when there are two or more.
        let bulkEntities: [SelectOption]
        let bulkMoves: Bool
        /// This page, to come back to after a bulk edit.
        let back: String
    }

    static func statusTone(_ status: String) -> String {
        switch AssetStatus(rawValue: status) {
        case .deployed?: "green"
        case .inRepair?, .loaned?: "amber"
        case .retired?, .disposed?: "grey"
        default: "blue"
        }
    }

    @Sendable func listPage(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.assetsRead)
        if let target = try AssetFilterBar.redirect(req) { return req.redirect(to: target) }
        let query = try req.listQuery(AssetQuery.spec)
        let tree = try await req.entityTree()
        if req.wantsCSV {
            var csvQuery = query
            csvQuery.page = 1
            csvQuery.perPage = 100_000
            let (_, rows) = try await AssetQuery(request: req, query: csvQuery).run()
            return req.csvResponse([AssetCSVColumn.allCases.map(\.rawValue)]
                + (try rows.map { try Self.csvCells($0, tree: tree) }), filename: "assets.csv")
        }
        let (total, rows) = try await AssetQuery(request: req, query: query).run()
        let assets = try rows.map { try AssetsAPIController.AssetDTO($0, tree: tree) }
        let language = req.language
        let bulkEntities = try await req.entityOptions(for: .assetsManage, selected: nil)
        let links = ListPageLinks(req, query: query, total: total, columns: [
            ("name", "assets.name", false), ("status", "assets.status", false),
            ("memory_bytes", "assets.memory", true), ("last_inventory_at", "assets.last_inventory", false),
        ])
        let sortable = Dictionary(uniqueKeysWithValues: links.headers.map { ($0.field, $0) })
        let columns = [("name", "assets.name", false), ("", "assets.type", false), ("status", "assets.status", false),
                       ("", "assets.entity", false), ("", "assets.os", false), ("memory_bytes", "assets.memory", true),
                       ("last_inventory_at", "assets.last_inventory", false)].map { field, key, numeric in
            Column(label: req.t(key), href: sortable[field]?.href, ariaSort: sortable[field]?.ariaSort, numeric: numeric)
        }
        return try await req.renderPage("assets/list", title: req.t("nav.assets"), active: "assets", page: ListPage(
            rows: assets.map {
                Row(id: $0.id, name: $0.name, type: req.t("assets.type.\($0.type)"),
                    status: req.t("assets.status.\($0.status)"), statusTone: Self.statusTone($0.status),
                    entity: $0.entity, os: [$0.os_name, $0.os_version].compactMap { $0 }.joined(separator: " "),
                    memory: $0.memory_bytes.map { ParcFormat.bytes(Int($0), language: language) } ?? "—",
                    lastInventory: req.formatDateTime($0.last_inventory_at), serial: $0.serial ?? "")
            },
            columns: columns, links: links, query: query.search ?? "", filters: query.filters,
            types: [SelectOption(value: "", label: req.t("assets.type.all"), selected: query.filters["type"] == nil)]
                + AssetType.allCases.map {
                    SelectOption(value: $0.rawValue, label: req.t("assets.type.\($0.rawValue)"),
                                 selected: query.filters["type"] == $0.rawValue)
                },
            statuses: [SelectOption(value: "", label: req.t("assets.status.all"), selected: query.filters["status"] == nil)]
                + AssetStatus.allCases.map {
                    SelectOption(value: $0.rawValue, label: req.t("assets.status.\($0.rawValue)"),
                                 selected: query.filters["status"] == $0.rawValue)
                },
            savedViews: try await SavedViewTabs(req, list: "assets", query: query),
            filterBar: AssetFilterBar(req, query: query, tree: tree, visible: try await req.entities(for: .assetsRead)),
            canBulkEdit: try await req.accessScope().allowsAnywhere(.assetsManage),
            bulkStatuses: AssetStatus.allCases.map {
                SelectOption(value: $0.rawValue, label: req.t("assets.status.\($0.rawValue)"), selected: false)
            },
            bulkEntities: bulkEntities, bulkMoves: bulkEntities.count > 1,
            back: RedirectTarget.localPath(req.url.string)))
    }

    struct BulkForm: Content {
        let ids: [UUID]?
        let status: String?
        let entity_id: String?
        let location: String?
        let assigned_group: String?
        let append_comment: String?
        let back: String?
    }

    /// The bulk actions bar: an empty control leaves its field as it is. Back to the list with what was done, or with
    /// each asset's problem when the edit was refused as a whole.
    @Sendable func bulkFromForm(_ req: Request) async throws -> Response {
        let form = try req.content.decode(BulkForm.self)
        let target = RedirectTarget.localPath(form.back)
        let back = target.hasPrefix("/assets") ? target : "/assets"
        func given(_ text: String?) -> String? {
            guard let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
            return text
        }
        let entity = try given(form.entity_id).map { text in
            guard let id = UUID(uuidString: text) else { throw ParcError.badRequest("bad_request", "entity_id must be a UUID.") }
            return id
        }
        let changes = AssetBulkEditing.Changes(
            status: given(form.status), entity_id: entity, location: given(form.location),
            assigned_group: given(form.assigned_group), assigned_user_id: nil, supplier: nil, order_number: nil, purchase_date: nil,
            warranty_end: nil, comment: nil, append_comment: given(form.append_comment))
        do {
            let outcome = try await AssetBulkEditing().apply(req, ids: form.ids ?? [], changes: changes)
            req.flash("success", req.t("assets.bulk.done", ParcFormat.number(outcome.updated, language: req.language),
                                       ParcFormat.number(outcome.unchanged, language: req.language)))
        } catch let error as ParcError where error.status == .unprocessableEntity {
            var reasons = req.localized(error.fields).sorted { $0.key < $1.key }.map(\.value)
            reasons += error.problems.prefix(10).map { problem in
                (problem.name ?? req.t("assets.bulk.unknown_asset")) + " — " + req.localized(problem.message)
            }
            if error.problems.count > 10 { reasons.append(req.t("assets.bulk.more", String(error.problems.count - 10))) }
            req.flash("error", req.t("assets.bulk.refused", reasons.joined(separator: " · ")))
        }
        return req.redirect(to: back)
    }

    /// One asset as a CSV row, in the columns the import reads back (`AssetCSVColumn`).
    static func csvCells(_ row: any SQLRow, tree: EntityTree) throws -> [String] {
        func text(_ column: String) throws -> String {
            try row.decodeNil(column: column) ? "" : row.decode(column: column, as: String.self)
        }
        let entity = try row.decode(column: "entity_id", as: UUID.self)
        return try AssetCSVColumn.allCases.map { column in
            switch column {
            case .id: try row.decode(column: "id", as: UUID.self).uuidString
            case .entity: tree.path(of: entity)
            case .entityID: entity.uuidString
            case .os: try text("os_name")
            case .cpu: try text("cpu_name")
            case .memoryBytes:
                try row.decodeNil(column: "memory_bytes") ? "" : String(try row.decode(column: "memory_bytes", as: Int64.self))
            case .purchaseCost:
                try row.decodeNil(column: "purchase_cost") ? "" : String(try row.decode(column: "purchase_cost", as: Double.self))
            case .lastInventoryAt:
                try row.decodeNil(column: "last_inventory_at") ? ""
                    : ISO8601DateFormatter().string(from: try row.decode(column: "last_inventory_at", as: Date.self))
            default: try text(column.rawValue)
            }
        }
    }

    struct Field: Encodable {
        let label: String
        let value: String
        let mono: Bool
    }

    struct ComponentGroup: Encodable {
        let title: String
        let items: [ComponentItem]
    }

    struct ComponentItem: Encodable {
        let label: String
        let size: String
        let detail: String
    }

    struct Interface: Encodable {
        let name: String
        let mac: String
        let addresses: String
        let status: String
        let speed: String
        let virtual: Bool
    }

    struct ShowPage: Encodable {
        let asset: AssetsAPIController.AssetDTO
        let statusLabel: String
        let statusTone: String
        let typeLabel: String
        let tab: String
        let details: [Field]
        let components: [ComponentGroup]
        let software: [AssetsAPIController.SoftwareDTO]
        let interfaces: [Interface]
        let history: [AuditEntryView]
        let softwareCount: Int
        let canEdit: Bool
        let lifecycle: AssetLifecycleTab.View?
        let licences: LicencePagesController.AssetTab?
    }

    static let tabs = ["details", "components", "software", "licences", "network", "lifecycle", "history"]

    @Sendable func showPage(_ req: Request) async throws -> Response {
        try await render(req, tab: (try? req.query.get(String.self, at: "tab")) ?? "details")
    }

    /// The asset page of the path on `requested` tab; `refused` is a lifecycle form to show again with its errors.
    func render(_ req: Request, tab requested: String, refused: AssetLifecycleTab.Refused? = nil,
                status: HTTPResponseStatus = .ok) async throws -> Response {
        let row = try await AssetsAPIController.find(req, req.parameters.get("id", as: UUID.self), permission: .assetsRead)
        let detail = try await AssetsAPIController.detail(req, row)
        let asset = detail.asset
        let tab = Self.tabs.contains(requested) ? requested : "details"
        let scope = try await req.accessScope()
        let tree = try await req.entityTree()
        let language = req.language
        func field(_ key: String, _ value: String?, mono: Bool = false) -> Field? {
            guard let value, !value.isEmpty else { return nil }
            return Field(label: req.t(key), value: value, mono: mono)
        }
        let os = detail.operating_system
        let user = try await asset.assigned_user_id.asyncMap { try await UserModel.find($0, on: req.db)?.displayName }
        let details = [
            field("assets.type", req.t("assets.type.\(asset.type)")
                + (asset.subtype.map { " · " + req.t("assets.subtype.\($0)") } ?? "")),
            field("assets.entity", asset.entity), field("assets.serial", asset.serial, mono: true),
            field("assets.uuid", asset.uuid, mono: true), field("assets.inventory_number", asset.inventory_number),
            field("assets.manufacturer", asset.manufacturer), field("assets.model", asset.model),
            field("assets.location", asset.location),
            field("assets.assigned_user", user ?? nil), field("assets.assigned_group", asset.assigned_group),
            field("assets.os", [os.name, os.version].compactMap { $0 }.joined(separator: " ")),
            field("assets.os_architecture", os.architecture), field("assets.os_kernel", os.kernel, mono: true),
            field("assets.os_install_date", os.install_date),
            field("assets.cpu", asset.cpu_name),
            field("assets.memory", asset.memory_bytes.map { ParcFormat.bytes(Int($0), language: language) }),
            field("assets.disk_used", asset.disk_used_max_percent.map { "\($0) %" }),
            field("assets.last_inventory", asset.last_inventory_at.map { req.formatDateTime($0) }),
            field("assets.source", asset.last_inventory_source.map { req.t("assets.source.\($0)") }),
            field("assets.locked_fields", detail.locked_fields.isEmpty ? nil : detail.locked_fields.joined(separator: ", ")),
        ].compactMap { $0 } + detail.custom_fields.sorted { $0.key < $1.key }.map {
            Field(label: $0.key, value: $0.value, mono: false)
        }
        var groups: [ComponentGroup] = []
        if tab == "components" {
            let sizes = try await (req.db as! any SQLDatabase).select().columns("kind", "label", "capacity_bytes", "free_bytes")
                .from("asset_components").where("asset_id", .equal, asset.id)
                .where("kind", .notIn, SQLBind.group(["bios", "hardware", "operating_system", "network_interfaces",
                                                      "network_device", "page_counters"]))
                .orderBy("kind").orderBy("position").all()
            var byKind: [(String, [ComponentItem])] = []
            for size in sizes {
                let kind = try size.decode(column: "kind", as: String.self)
                let capacity = try size.decodeNil(column: "capacity_bytes") ? nil : size.decode(column: "capacity_bytes", as: Int.self)
                let free = try size.decodeNil(column: "free_bytes") ? nil : size.decode(column: "free_bytes", as: Int.self)
                let item = ComponentItem(
                    label: try size.decode(column: "label", as: String.self),
                    size: capacity.map { ParcFormat.bytes($0, language: language) } ?? "",
                    detail: free.map { req.t("assets.free", ParcFormat.bytes($0, language: language)) } ?? "")
                if byKind.last?.0 == kind { byKind[byKind.count - 1].1.append(item) } else { byKind.append((kind, [item])) }
            }
            groups = byKind.map { ComponentGroup(title: req.t("assets.component.\($0.0)"), items: $0.1) }
        }
        var interfaces: [Interface] = []
        if tab == "network" {
            for component in detail.components where component.kind == "network_interfaces" {
                guard case .object(let data) = component.data.value else { continue }
                func string(_ key: String) -> String? { if case .string(let text)? = data[key] { text } else { nil } }
                var addresses: [String] = []
                if case .array(let list)? = data["ipv4"] {
                    for case .object(let address) in list { if case .string(let text)? = address["address"] { addresses.append(text) } }
                }
                if case .array(let list)? = data["ipv6"] {
                    for entry in list {
                        if case .string(let text) = entry { addresses.append(text) }
                        if case .object(let address) = entry, case .string(let text)? = address["address"] { addresses.append(text) }
                    }
                }
                var speed = ""
                if case .number(let mbps)? = data["speedMbps"] { speed = "\(Int(mbps)) Mb/s" }
                var virtual = false
                if case .bool(let flag)? = data["isVirtual"] { virtual = flag }
                interfaces.append(Interface(name: component.label, mac: string("macAddress") ?? "",
                                            addresses: addresses.joined(separator: ", "), status: string("status") ?? "",
                                            speed: speed, virtual: virtual))
            }
        }
        let history = tab == "history" && scope.allows(.auditRead, in: asset.entity_id)
            ? try await AuditEntryModel.history(objectType: "asset", objectID: asset.id,
                                                visibleTo: req.entities(for: .auditRead), on: req.db)
                .map { AuditEntryView($0, request: req, tree: tree, scope: scope) } : []
        let canEdit = scope.allows(.assetsManage, in: asset.entity_id)
        var lifecycle: AssetLifecycleTab.View?
        if tab == "lifecycle", let model = try await AssetModel.find(asset.id, on: req.db) {
            lifecycle = try await AssetLifecycleTab.view(req, asset: model, canManage: canEdit, refused: refused)
        }
        let licences = tab == "licences"
            ? try await LicencePagesController.assetTab(req, asset: asset.id, entity: asset.entity_id, canManage: canEdit)
            : nil
        return try await req.renderPage("assets/show", title: asset.name, active: "assets", page: ShowPage(
            asset: asset, statusLabel: req.t("assets.status.\(asset.status)"), statusTone: Self.statusTone(asset.status),
            typeLabel: req.t("assets.type.\(asset.type)"), tab: tab, details: details, components: groups,
            software: tab == "software" ? detail.software : [], interfaces: interfaces, history: history,
            softwareCount: detail.software.count, canEdit: canEdit, lifecycle: lifecycle, licences: licences),
            status: status)
    }
}
