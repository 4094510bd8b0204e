import FluentKit
import Fluent
import Foundation
import ParcCore
import SQLKit
import Vapor

/// `/api/v1/assets`: the fleet as scripts read it (issue 3's API contract).
struct AssetsAPIController {
    struct AssetDTO: Content {
        let id: UUID
        let name: String
        let type: String
        let subtype: String?
        let serial: String?
        let uuid: String?
        let status: String
        let entity_id: UUID
        let entity: String
        let inventory_number: String?
        let manufacturer: String?
        let model: String?
        let location: String?
        let assigned_user_id: UUID?
        let assigned_group: String?
        let os_name: String?
        let os_version: String?
        let memory_bytes: Int64?
        let cpu_name: String?
        let disk_used_max_percent: Int?
        let last_inventory_at: Date?
        let last_inventory_source: String?
        let created_at: Date?
        let updated_at: Date?

        init(_ row: any SQLRow, tree: EntityTree) throws {
            func text(_ column: String) throws -> String? {
                try row.decodeNil(column: column) ? nil : row.decode(column: column, as: String.self)
            }
            func date(_ column: String) throws -> Date? {
                try row.decodeNil(column: column) ? nil : row.decode(column: column, as: Date.self)
            }
            id = try row.decode(column: "id", as: UUID.self)
            name = try row.decode(column: "name", as: String.self)
            type = try row.decode(column: "type", as: String.self)
            subtype = try text("subtype")
            serial = try text("serial")
            uuid = try text("uuid")
            status = try row.decode(column: "status", as: String.self)
            entity_id = try row.decode(column: "entity_id", as: UUID.self)
            entity = tree.path(of: entity_id)
            inventory_number = try text("inventory_number")
            manufacturer = try text("manufacturer")
            model = try text("model")
            location = try text("location")
            assigned_user_id = try row.decodeNil(column: "assigned_user_id") ? nil
                : row.decode(column: "assigned_user_id", as: UUID.self)
            assigned_group = try text("assigned_group")
            os_name = try text("os_name")
            os_version = try text("os_version")
            memory_bytes = try row.decodeNil(column: "memory_bytes") ? nil : row.decode(column: "memory_bytes", as: Int64.self)
            cpu_name = try text("cpu_name")
            disk_used_max_percent = try row.decodeNil(column: "disk_used_max_percent") ? nil
                : row.decode(column: "disk_used_max_percent", as: Int.self)
            last_inventory_at = try date("last_inventory_at")
            last_inventory_source = try text("last_inventory_source")
            created_at = try date("created_at")
            updated_at = try date("updated_at")
        }

        static let schema = OpenAPISchema.object([
            "id": .uuid, "name": .string(), "type": .string(enumValues: AssetType.allCases.map(\.rawValue)),
            "subtype": .nullable(.string()), "serial": .nullable(.string()), "uuid": .nullable(.string()),
            "status": .string(enumValues: AssetStatus.allCases.map(\.rawValue)), "entity_id": .uuid,
            "entity": .string(description: "The entity's path"), "inventory_number": .nullable(.string()),
            "manufacturer": .nullable(.string()), "model": .nullable(.string()), "location": .nullable(.string()),
            "assigned_user_id": .nullable(.uuid), "assigned_group": .nullable(.string()),
            "os_name": .nullable(.string()), "os_version": .nullable(.string()), "memory_bytes": .nullable(.integer),
            "cpu_name": .nullable(.string()), "disk_used_max_percent": .nullable(.integer),
            "last_inventory_at": .nullable(.dateTime), "last_inventory_source": .nullable(.string()),
            "created_at": .dateTime, "updated_at": .dateTime,
        ], required: ["id", "name", "type", "serial", "uuid", "status", "entity_id", "last_inventory_at"])
    }

    struct SoftwareDTO: Content {
        let name: String
        let publisher: String?
        let version: String
        let architecture: String
        let install_date: String?
    }

    struct ComponentDTO: Content {
        let kind: String
        let label: String
        let data: AnyJSON
    }

    struct AssetDetailDTO: Content {
        let asset: AssetDTO
        let operating_system: OperatingSystemDTO
        let components: [ComponentDTO]
        let software: [SoftwareDTO]
        let locked_fields: [String]
        let custom_fields: [String: String]

        struct OperatingSystemDTO: Content {
            let name: String?
            let version: String?
            let build: String?
            let architecture: String?
            let kernel: String?
            let install_date: String?
        }

        func encode(to encoder: any Encoder) throws {
            try asset.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(operating_system, forKey: .operating_system)
            try container.encode(components, forKey: .components)
            try container.encode(software, forKey: .software)
            try container.encode(locked_fields, forKey: .locked_fields)
            try container.encode(custom_fields, forKey: .custom_fields)
        }

        enum Keys: String, CodingKey { case operating_system, components, software, locked_fields, custom_fields }
    }

    func register(_ api: APIRoutes) {
        api.schema("Asset", AssetDTO.schema)
        api.on(.GET, "assets", summary: "List assets", tag: "Inventory",
               query: APIRoutes.listParameters(sortable: Array(AssetQuery.spec.sortable).sorted(), filters: [
                   ("type", "computer, monitor, printer, network_device, phone, peripheral (commas: any of)"),
                   ("status", "Lifecycle status (commas: any of)"), ("entity_id", "An entity and its sub-entities"),
                   ("name", "Name, case-insensitive; every field also takes an operator: name[like]=PC-*, "
                        + "name[ne]=…, name[null]=true"),
                   ("memory_bytes", "Memory: memory_bytes[lt]=8GB (GB powers of 1000, GiB of 1024)"),
                   ("cpu_cores", "Cores: cpu_cores[ge]=4"), ("disk_used_percent", "Fullest volume, percent: [ge]=90"),
                   ("last_inventory_at", "last_inventory_at[before]=30d (an age or a date; [after], [null])"),
                   ("warranty_end", "warranty_end[before]=2027-01-01 (also purchase_date, os_install_date)"),
                   ("manufacturer", "Also model, serial, uuid, inventory_number, os_name, os_version, cpu_name, "
                        + "location, assigned_group, comment, supplier, order_number…"),
                   ("component", "A component's label, any kind; per kind: cpus, memory_modules, storage_drives, "
                        + "volumes, network_interfaces, gpus, batteries, controllers, users, monitors"),
                   ("mac", "A physical network card's MAC address, any spelling"),
                   ("ip", "An address the cards report: ip=10.1.2.3, a network ip=10.1.2.0/24, a span "
                        + "ip=10.1.2.10-10.1.2.50 ([like], [ne], [null])"),
                   ("software", "Has this program installed (name, case-insensitive; [like], [ne], [null])"),
                   ("software_version", "With software: software_version[lt]=120, or the first spelling <120"),
                   ("not_seen_days", "No inventory for this many days, or never"),
                   ("warranty_ends_within_days", "Warranty ending between today and this many days from now"),
                   ("assigned_user_id", "An account's id, or me"),
               ]),
               response: .list(of: "Asset"), use: list)
        api.on(.GET, "assets/:id", summary: "An asset with its components, OS and software", tag: "Inventory",
               response: .ref("Asset"), use: get)
    }

    @Sendable func list(_ req: Request) async throws -> ListResponse<AssetDTO> {
        try await req.requireAnywhere(.assetsRead)
        let query = try req.listQuery(AssetQuery.spec)
        let (total, rows) = try await AssetQuery(request: req, query: query).run()
        let tree = try await req.entityTree()
        return ListResponse(items: try rows.map { try AssetDTO($0, tree: tree) }, total: total,
                            next: req.nextPageURL(query, total: total))
    }

    @Sendable func get(_ req: Request) async throws -> AssetDetailDTO {
        let asset = try await Self.find(req, req.parameters.get("id", as: UUID.self), permission: .assetsRead)
        return try await Self.detail(req, asset)
    }

    /// The asset, if the user may see it with `permission` (404 otherwise, without saying whether it exists).
    static func find(_ req: Request, _ id: UUID?, permission: Permission) async throws -> any SQLRow {
        guard let id else { throw ParcError.notFound("asset") }
        let sql = req.db as! any SQLDatabase
        guard let row = try await sql.select().column("*").from("assets").where("id", .equal, id).first() else {
            throw ParcError.notFound("asset")
        }
        try await req.require(permission, in: try row.decode(column: "entity_id", as: UUID.self))
        return row
    }

    static func detail(_ req: Request, _ row: any SQLRow) async throws -> AssetDetailDTO {
        let sql = req.db as! any SQLDatabase
        let asset = try AssetDTO(row, tree: try await req.entityTree())
        let components = try await sql.select().columns("kind", "label", "data").from("asset_components")
            .where("asset_id", .equal, asset.id).orderBy("kind").orderBy("position").all()
        let software = try await sql.select()
            .column(SQLColumn("name", table: "software")).column(SQLColumn("publisher", table: "software"))
            .column(SQLColumn("version", table: "software_versions"))
            .column(SQLColumn("architecture", table: "software_versions"))
            .column(SQLColumn("install_date", table: "asset_software"))
            .from("asset_software")
            .join("assets", on: SQLColumn("num", table: "assets"), .equal, SQLColumn("asset_num", table: "asset_software"))
            .join("software_versions", on: SQLColumn("num", table: "software_versions"), .equal,
                  SQLColumn("version_num", table: "asset_software"))
            .join("software", on: SQLColumn("id", table: "software"), .equal,
                  SQLColumn("software_id", table: "software_versions"))
            .where(SQLColumn("id", table: "assets"), .equal, SQLBind(asset.id))
            .orderBy(SQLColumn("name", table: "software")).all()
        func text(_ column: String) throws -> String? {
            try row.decodeNil(column: column) ? nil : row.decode(column: column, as: String.self)
        }
        let locked = (try? JSONDecoder().decode([String].self, from: Data((try text("locked_fields") ?? "[]").utf8))) ?? []
        let custom = (try? JSONDecoder().decode([String: String].self,
                                                from: Data((try text("custom_fields") ?? "{}").utf8))) ?? [:]
        return AssetDetailDTO(
            asset: asset,
            operating_system: .init(name: try text("os_name"), version: try text("os_version"), build: try text("os_build"),
                                    architecture: try text("os_architecture"), kernel: try text("os_kernel"),
                                    install_date: try text("os_install_date")),
            components: try components.map {
                ComponentDTO(kind: try $0.decode(column: "kind", as: String.self),
                             label: try $0.decode(column: "label", as: String.self),
                             data: AnyJSON(text: try $0.decode(column: "data", as: String.self)))
            },
            software: try software.map {
                SoftwareDTO(name: try $0.decode(column: "name", as: String.self),
                            publisher: try $0.decodeNil(column: "publisher") ? nil : $0.decode(column: "publisher", as: String.self),
                            version: try $0.decode(column: "version", as: String.self),
                            architecture: try $0.decode(column: "architecture", as: String.self),
                            install_date: try $0.decodeNil(column: "install_date") ? nil
                                : $0.decode(column: "install_date", as: String.self))
            },
            locked_fields: locked.sorted(), custom_fields: custom)
    }
}

/// JSON stored as text, written back as JSON (not as a string).
struct AnyJSON: Codable, Sendable {
    let value: JSONValue

    init(text: String) {
        value = (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? .null
    }

    init(from decoder: any Decoder) throws { value = try JSONValue(from: decoder) }
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}

/// Any JSON value.
enum JSONValue: Codable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            if value == value.rounded(), abs(value) < 9e15 { try container.encode(Int64(value)) } else { try container.encode(value) }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
