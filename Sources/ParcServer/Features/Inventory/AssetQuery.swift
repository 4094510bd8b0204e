import FluentKit
import Fluent
import Foundation
import ParcCore
import SQLKit
import Vapor

/// The asset list query, shared by the API and the pages: scoped to the entities the user may see,
/// filtered by query parameters named after the fields, sorted and paged.
///
/// Filters (docs/inventory.md, decision 0077): `field=value` or `field[operator]=value` for every field
/// ``AssetFilterSQL`` declares — the asset's columns, its components, MAC addresses and programs with their versions
/// (`memory_bytes[lt]=8GB`, `software=Firefox&software_version[lt]=120`, `last_inventory_at[before]=30d`), read by
/// ``AssetFilterParser``. Besides them: `entity_id` (an entity and its sub-entities), `assigned_user_id` (an
/// account, or `me`), `not_seen_days` (no inventory for that many days, or never), `warranty_ends_within_days`,
/// and the first spellings kept for links and saved views: `memory_bytes_lt`, `memory_bytes_gte`, `disk_used_gte`,
/// `software_version=<120`.
struct AssetQuery {
    /// The filters with a meaning of their own, not read by the typed parser.
    static let ownFilters: Set<String> = ["entity_id", "assigned_user_id", "not_seen_days", "warranty_ends_within_days"]
    /// First spellings, read as the typed filter they stand for.
    static let aliases: [String: (field: String, op: AssetFilterOperator)] = [
        "memory_bytes_lt": ("memory_bytes", .lt), "memory_bytes_gte": ("memory_bytes", .ge),
        "disk_used_gte": ("disk_used_percent", .ge),
    ]

    static let spec = ListQuerySpec(
        sortable: ["name", "type", "status", "serial", "last_inventory_at", "created_at", "os_name", "memory_bytes",
                   "manufacturer", "model", "inventory_number", "cpu_cores", "warranty_end", "purchase_date"],
        filterable: ownFilters.union(aliases.keys).union(AssetFilterSQL.targets.keys),
        defaultSort: [.init("name")], passthrough: ["format"], acceptsOperators: true)

    let query: ListQuery
    private let db: any Database
    private let now: Date
    /// The entities whose assets the query may return.
    private let entities: () async throws -> Set<UUID>
    private let tree: () async throws -> EntityTree
    /// The account `assigned_user_id=me` stands for.
    private let me: () throws -> UUID
    /// Only these assets, when set (what a saved view says about a few known machines).
    private var only: [UUID]?

    /// The list as the request's user sees it.
    init(request: Request, query: ListQuery) {
        self.query = query
        db = request.db
        now = request.now
        entities = { try await request.entities(for: .assetsRead) }
        tree = { try await request.entityTree() }
        me = { try request.requireUser().id }
    }

    /// The list outside any request (a saved view evaluated for a backup plan): the assets of `entities`, `me`
    /// being the view's owner.
    init(query: ListQuery, within entities: Set<UUID>, tree: EntityTree, me: UUID, now: Date, db: any Database) {
        self.query = query
        self.db = db
        self.now = now
        self.entities = { entities }
        self.tree = { tree }
        self.me = { me }
    }

    /// The same query restricted to these assets.
    func restricted(to ids: [UUID]) -> AssetQuery {
        var copy = self
        copy.only = ids
        return copy
    }

    /// The matching asset ids' count, and one page of rows.
    func run() async throws -> (total: Int, rows: [any SQLRow]) {
        let sql = db as! any SQLDatabase
        guard let predicate = try await predicate(sql: sql) else { return (0, []) }
        let count = try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from("assets").where(predicate).first()
        let total = try count?.decode(column: "n", as: Int.self) ?? 0
        var select = sql.select().column(SQLColumn(SQLLiteral.all, table: SQLIdentifier("assets"))).from("assets")
            .where(predicate)
        for key in query.sort {
            select = select.orderBy(SQLOrderBy(expression: SQLColumn(key.field, table: "assets"),
                                                direction: key.descending ? SQLDirection.descending : .ascending))
        }
        select = select.orderBy(SQLOrderBy(expression: SQLColumn("id", table: "assets"), direction: SQLDirection.ascending)).limit(query.perPage).offset(query.offset)
        return (total, try await select.all())
    }

    /// Every matching asset's id, name, entity, status and agent link, without paging (a saved view's machines).
    func matches() async throws -> [(id: UUID, name: String, entityID: UUID, status: String, agentID: UUID?)] {
        let sql = db as! any SQLDatabase
        guard let predicate = try await predicate(sql: sql) else { return [] }
        let rows = try await sql.select().columns(["id", "name", "entity_id", "status", "agent_id"].map {
            SQLColumn($0, table: "assets") as any SQLExpression
        }).from("assets").where(predicate).all()
        return try rows.map {
            (try $0.decode(column: "id", as: UUID.self), try $0.decode(column: "name", as: String.self),
             try $0.decode(column: "entity_id", as: UUID.self), try $0.decode(column: "status", as: String.self),
             try $0.decode(column: "agent_id", as: UUID?.self))
        }
    }

    /// The WHERE clause: the entities, the filters and the search; nil when no entity is allowed.
    private func predicate(sql: any SQLDatabase) async throws -> (any SQLExpression)? {
        let entities = try await entities()
        guard !entities.isEmpty else { return nil }
        var conditions: [any SQLExpression] = [
            SQLBinaryExpression(SQLColumn("entity_id", table: "assets"), .in, SQLBind.group(Array(entities)))
        ]
        if let only {
            guard !only.isEmpty else { return nil }
            conditions.append(SQLBinaryExpression(SQLColumn("id", table: "assets"), .in, SQLBind.group(only)))
        }
        try await addFilters(&conditions, sql: sql)
        if let text = query.search?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            let pattern = "%" + text.lowercased().replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
            let like = { (column: String) -> SQLQueryString in
                "LOWER(\(ident: "assets").\(ident: column)) LIKE \(bind: pattern) ESCAPE '\\'"
            }
            conditions.append(SQLGroupExpression(SQLBinaryExpression(like("name"), .or, like("serial"))))
        }
        return conditions.dropFirst().reduce(conditions[0]) { SQLBinaryExpression($0, .and, $1) }
    }

    private func addFilters(_ conditions: inout [any SQLExpression], sql: any SQLDatabase) async throws {
        let filters = query.filters
        if let entity = filters["entity_id"] {
            guard let id = UUID(uuidString: entity) else {
                throw ParcError.badRequest("invalid_query", "Parameter 'entity_id' must be a UUID.")
            }
            let subtree = try await tree().subtree(of: id)
            conditions.append(SQLBinaryExpression(SQLColumn("entity_id", table: "assets"), .in,
                                                  SQLBind.group(subtree.isEmpty ? [id] : subtree)))
        }
        if let text = filters["assigned_user_id"] {
            let id: UUID
            if text == "me" { id = try me() } else {
                guard let parsed = UUID(uuidString: text) else {
                    throw ParcError.badRequest("invalid_query", "Parameter 'assigned_user_id' must be an account's id or 'me'.")
                }
                id = parsed
            }
            conditions.append(SQLBinaryExpression(SQLColumn("assigned_user_id", table: "assets"), .equal, SQLBind(id)))
        }
        if let text = filters["not_seen_days"] {
            guard let days = Int(text), (0...36_500).contains(days) else {
                throw ParcError.badRequest("invalid_query", "Parameter 'not_seen_days' must be a number of days.")
            }
            let limit = now.addingTimeInterval(-Double(days) * 86_400)
            conditions.append(SQLGroupExpression(SQLBinaryExpression(
                SQLBinaryExpression(SQLColumn("last_inventory_at", table: "assets"), .is, SQLLiteral.null), .or,
                SQLBinaryExpression(SQLColumn("last_inventory_at", table: "assets"), .lessThan, SQLBind(limit)))))
        }
        if let text = filters["warranty_ends_within_days"] {
            guard let days = Int(text), (0...36_500).contains(days) else {
                throw ParcError.badRequest("invalid_query", "Parameter 'warranty_ends_within_days' must be a number of days.")
            }
            let column = SQLColumn("warranty_end", table: "assets")
            conditions.append(SQLBinaryExpression(
                SQLBinaryExpression(column, .greaterThanOrEqual, SQLBind(UTCDay.text(now))), .and,
                SQLBinaryExpression(column, .lessThanOrEqual,
                                    SQLBind(UTCDay.text(now.addingTimeInterval(Double(days) * 86_400))))))
        }
        conditions += try await AssetFilterSQL.conditions(try Self.typedFilters(filters), now: now, sql: sql)
    }

    /// The typed filters among `filters`, first spellings read as what they stand for.
    static func typedFilters(_ filters: [String: String]) throws -> [AssetFilter] {
        var pairs: [(String, String)] = []
        for (name, value) in filters.sorted(by: { $0.key < $1.key }) where !ownFilters.contains(name) {
            if let alias = aliases[name] {
                pairs.append((alias.field + "[" + alias.op.rawValue + "]", value))
            } else if name == "software_version", let comparison = Self.comparison(value) {
                pairs.append(("software_version[" + comparison.op.rawValue + "]", comparison.version))
            } else {
                pairs.append((name, value))
            }
        }
        do {
            return try AssetFilterSQL.parser.parse(pairs, ignoring: [])
        } catch {
            throw ParcError.badRequest("invalid_query", error.message)
        }
    }

    /// `<120`, `<=120`, `>120`, `>=120`, `=120`: the first spelling of a version comparison.
    static func comparison(_ text: String) -> (op: AssetFilterOperator, version: String)? {
        for (prefix, op) in [("<=", AssetFilterOperator.le), (">=", .ge), ("<", .lt), (">", .gt), ("=", .eq)]
        where text.hasPrefix(prefix) {
            return (op, String(text.dropFirst(prefix.count)))
        }
        return nil
    }
}

/// How catalogue versions compare, in lists and filters.
enum VersionComparison {
    /// dpkg's order (epoch, upstream, revision; `~` before anything), which also orders the common
    /// dotted versions: `120.0.1` > `120` > `119.9`. Text that is no version compares as text.
    static func compare(_ lhs: String, _ rhs: String) -> Int {
        guard let left = SoftwareVersion(lhs), let right = SoftwareVersion(rhs) else {
            return lhs == rhs ? 0 : (lhs < rhs ? -1 : 1)
        }
        return left == right ? 0 : (left < right ? -1 : 1)
    }
}
