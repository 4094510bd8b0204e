import Foundation
import ParcCore
import SQLKit

/// The asset list's typed filters (`field[operator]=value`, read by ``AssetFilterParser``) as SQL conditions on
/// `assets`: every column a technician sees, the components, the network cards' MAC addresses and the installed
/// programs with their versions (decision 0077, docs/inventory.md).
///
/// Text compares ignoring case. `ne` keeps the assets where the field is unknown ("not made by Dell" includes the
/// machines whose maker nobody knows); `[null]=true` holds for an unknown or empty field.
enum AssetFilterSQL {
    /// An `assets` column and what it holds.
    enum Target {
        case column(String, AssetFilterFieldKind)
        /// A `YYYY-MM-DD` text column (purchase, warranty, OS install), compared by day.
        case day(String)
        /// The labels of the components of one kind (`asset_components.kind`), or of any kind when nil.
        case component(String?)
        /// The MAC addresses of the physical network interfaces (the matching keys the inventory keeps).
        case mac
        /// The IP addresses the network sections report (``AssetAddresses``).
        case ip
        /// The installed programs, by name.
        case software
        /// Their versions; goes with a `software` filter.
        case softwareVersion
    }

    static let componentKinds: [InventorySection] = [.cpus, .memoryModules, .storageDrives, .volumes,
                                                     .networkInterfaces, .gpus, .batteries, .controllers, .users,
                                                     .monitors]

    /// The fields, by the parameter name the list takes.
    static let targets: [String: Target] = {
        var targets: [String: Target] = [
            "type": .column("type", .choice(Set(AssetType.allCases.map(\.rawValue)))),
            "status": .column("status", .choice(Set(AssetStatus.allCases.map(\.rawValue)))),
            "memory_bytes": .column("memory_bytes", .size),
            "cpu_cores": .column("cpu_cores", .integer),
            "disk_used_percent": .column("disk_used_max_percent", .integer),
            "purchase_cost": .column("purchase_cost", .integer),
            "last_inventory_at": .column("last_inventory_at", .date),
            "created_at": .column("created_at", .date),
            "updated_at": .column("updated_at", .date),
            "purchase_date": .day("purchase_date"),
            "warranty_end": .day("warranty_end"),
            "os_install_date": .day("os_install_date"),
            "component": .component(nil),
            "mac": .mac,
            "ip": .ip,
            "software": .software,
            "software_version": .softwareVersion,
        ]
        for column in ["name", "subtype", "serial", "uuid", "inventory_number", "manufacturer", "model", "location",
                       "assigned_group", "comment", "os_name", "os_version", "os_build", "os_architecture",
                       "os_kernel", "cpu_name", "supplier", "order_number", "last_inventory_source"] {
            targets[column] = .column(column, .text)
        }
        for kind in componentKinds { targets[kind.rawValue] = .component(kind.rawValue) }
        return targets
    }()

    static let parser = AssetFilterParser(fields: targets.mapValues { target in
        switch target {
        case .column(_, let kind): kind
        case .day: .date
        case .component, .mac, .ip, .software: .text
        case .softwareVersion: .version
        }
    })

    /// The conditions of `filters` (all must hold).
    static func conditions(_ filters: [AssetFilter], now: Date, sql: any SQLDatabase) async throws -> [any SQLExpression] {
        var conditions: [any SQLExpression] = []
        for filter in filters {
            switch targets[filter.field] {
            case .column(let column, let kind)?:
                conditions.append(try columnCondition(SQLColumn(column, table: "assets"), filter, kind: kind, now: now))
            case .day(let column)?:
                conditions.append(try dayCondition(SQLColumn(column, table: "assets"), filter, now: now))
            case .component(let kind)?:
                conditions.append(try componentCondition(kind: kind, filter))
            case .mac?:
                conditions.append(try macCondition(filter))
            case .ip?:
                conditions.append(try ipCondition(filter))
            case .software?, .softwareVersion?, nil:
                continue
            }
        }
        let programs = filters.filter { $0.field == "software" }
        let versions = filters.filter { $0.field == "software_version" }
        conditions += try await softwareConditions(programs: programs, versions: versions, sql: sql)
        return conditions
    }

    // MARK: Columns

    static func columnCondition(
        _ column: any SQLExpression, _ filter: AssetFilter, kind: AssetFilterFieldKind, now: Date
    ) throws -> any SQLExpression {
        switch kind {
        case .text, .choice:
            return textCondition(column, filter)
        case .date:
            return try ordered(column, filter, values: filter.values.compactMap { $0.instant(relativeTo: now) })
        default:
            return try ordered(column, filter, values: filter.values.compactMap(\.number))
        }
    }

    /// A day column: compared with the day (UTC) of the instant the value names.
    static func dayCondition(_ column: any SQLExpression, _ filter: AssetFilter, now: Date) throws -> any SQLExpression {
        try ordered(column, filter, values: filter.values.compactMap { $0.instant(relativeTo: now).map(UTCDay.text) })
    }

    /// Equality, order and `null` on numbers, instants or days.
    static func ordered(_ column: any SQLExpression, _ filter: AssetFilter, values: [any Encodable & Sendable])
        throws -> any SQLExpression
    {
        let binds = values.map { SQLBind($0) as any SQLExpression }
        switch filter.op {
        case .isNull:
            return SQLBinaryExpression(column, isNullFlag(filter) ? .is : .isNot, SQLLiteral.null)
        case .eq, .in:
            return SQLBinaryExpression(column, .in, SQLGroupExpression(binds))
        case .ne:
            return either(SQLBinaryExpression(column, .is, SQLLiteral.null),
                          SQLBinaryExpression(column, .notIn, SQLGroupExpression(binds)))
        case .lt, .before: return try single(column, .lessThan, binds, filter)
        case .le: return try single(column, .lessThanOrEqual, binds, filter)
        case .gt, .after: return try single(column, .greaterThan, binds, filter)
        case .ge: return try single(column, .greaterThanOrEqual, binds, filter)
        case .like: throw unsupported(filter)
        }
    }

    private static func single(_ column: any SQLExpression, _ op: SQLBinaryOperator, _ binds: [any SQLExpression],
                               _ filter: AssetFilter) throws -> any SQLExpression {
        guard binds.count == 1 else { throw unsupported(filter) }
        return SQLBinaryExpression(column, op, binds[0])
    }

    /// Text ignoring case: `eq`/`in` any of the values, `ne` none of them (or unknown), `like` any of the patterns,
    /// `null` unknown or empty.
    static func textCondition(_ column: any SQLExpression, _ filter: AssetFilter) -> any SQLExpression {
        let lowered = SQLFunction("LOWER", args: column)
        switch filter.op {
        case .isNull:
            let empty = either(SQLBinaryExpression(column, .is, SQLLiteral.null),
                               SQLBinaryExpression(column, .equal, SQLBind("")))
            if isNullFlag(filter) { return empty }
            return SQLQueryString("NOT \(empty)")
        case .ne:
            return either(SQLBinaryExpression(column, .is, SQLLiteral.null),
                          SQLBinaryExpression(lowered, .notIn, SQLBind.group(filter.values.map(\.loweredText))))
        case .like:
            let patterns = filter.values.map { value -> any SQLExpression in
                let pattern = AssetFilter.sqlLikePattern(value.loweredText)
                return SQLQueryString("\(lowered) LIKE \(bind: pattern) ESCAPE '\\'")
            }
            return SQLGroupExpression(patterns.dropFirst().reduce(patterns[0]) { SQLBinaryExpression($0, .or, $1) })
        default:
            return SQLBinaryExpression(lowered, .in, SQLBind.group(filter.values.map(\.loweredText)))
        }
    }

    // MARK: Components, MAC addresses

    /// An asset having a component (of `kind`, or of any kind) whose label satisfies the filter; `ne` none whose
    /// label is one of the values; `[null]=true` no component of that kind at all.
    static func componentCondition(kind: String?, _ filter: AssetFilter) throws -> any SQLExpression {
        func owners(_ label: (any SQLExpression)?) -> any SQLExpression {
            SQLSubquery.select { select in
                var select = select.column("asset_id").from("asset_components")
                if let kind { select = select.where("kind", .equal, SQLBind(kind)) }
                if let label { select = select.where(label) }
                return select
            }
        }
        let id = SQLColumn("id", table: "assets")
        let label = SQLColumn("label", table: "asset_components")
        switch filter.op {
        case .isNull:
            return SQLBinaryExpression(id, isNullFlag(filter) ? .notIn : .in, owners(nil))
        case .ne:
            var positive = filter
            positive.op = .in
            return SQLBinaryExpression(id, .notIn, owners(textCondition(label, positive)))
        default:
            return SQLBinaryExpression(id, .in, owners(textCondition(label, filter)))
        }
    }

    /// An asset with a physical network interface of that MAC address (any spelling: `AA-BB-…`, `aabb.cc…`).
    static func macCondition(_ filter: AssetFilter) throws -> any SQLExpression {
        let keys = SQLColumn("value", table: "asset_match_keys")
        var condition: (any SQLExpression)?
        switch filter.op {
        case .isNull:
            condition = nil
        case .like:
            condition = textCondition(keys, filter)
        default:
            var addresses: [String] = []
            for value in filter.values {
                guard let address = MACAddress(value.text) else {
                    throw ParcError.badRequest("invalid_query", "Parameter '\(filter.parameter.name.prefix(40))': '\(value.text.prefix(40))' is not a MAC address (six bytes in hexadecimal, such as 52:54:00:12:34:56).")
                }
                addresses.append(address.description)
            }
            condition = SQLBinaryExpression(keys, .in, SQLBind.group(addresses))
        }
        let owners = SQLSubquery.select { select in
            let keyed = select.column("asset_id").from("asset_match_keys")
                .where("criterion", .equal, SQLBind(InventoryMatchCriterion.macAddress.rawValue))
            guard let condition else { return keyed }
            return keyed.where(condition)
        }
        return owned(by: owners, filter)
    }

    /// An asset whose network cards (or, for a network device, its management addresses) have an address in one
    /// of the values: an address, a network (`10.1.0.0/16`, `2001:db8::/32`) or a span (`10.1.2.10-10.1.2.50`);
    /// `like` compares the address as written (`10.1.*`).
    static func ipCondition(_ filter: AssetFilter) throws -> any SQLExpression {
        let table = AssetAddresses.table
        var condition: (any SQLExpression)?
        switch filter.op {
        case .isNull:
            condition = nil
        case .like:
            condition = textCondition(SQLColumn("address", table: table), filter)
        default:
            let key = SQLColumn("sort_key", table: table)
            var spans: [any SQLExpression] = []
            for value in filter.values {
                let range: IPAddressRange
                do {
                    range = try IPAddressRange(parsing: value.text)
                } catch {
                    throw ParcError.badRequest("invalid_query", "Parameter '\(filter.parameter.name.prefix(40))': \(error). Give an address (10.1.2.3), a network (10.1.2.0/24) or a span (10.1.2.10-10.1.2.50).")
                }
                spans.append(SQLGroupExpression(SQLBinaryExpression(
                    SQLBinaryExpression(key, .greaterThanOrEqual, SQLBind(range.first.sortKey)), .and,
                    SQLBinaryExpression(key, .lessThanOrEqual, SQLBind(range.last.sortKey)))))
            }
            guard let first = spans.first else { return never }
            condition = spans.dropFirst().reduce(first) { SQLBinaryExpression($0, .or, $1) }
        }
        let owners = SQLSubquery.select { select in
            let listed = select.column("asset_id").from(table)
            guard let condition else { return listed }
            return listed.where(condition)
        }
        return owned(by: owners, filter)
    }

    /// The assets among `owners` (`eq`, `in`, `like`), not among them (`ne`), or without any (`[null]=true`).
    static func owned(by owners: some SQLExpression, _ filter: AssetFilter) -> any SQLExpression {
        let id = SQLColumn("id", table: "assets")
        switch filter.op {
        case .isNull: return SQLBinaryExpression(id, isNullFlag(filter) ? .notIn : .in, owners)
        case .ne: return SQLBinaryExpression(id, .notIn, owners)
        default: return SQLBinaryExpression(id, .in, owners)
        }
    }

    // MARK: Programs

    /// `software` filters (which programs, ignoring case; several mean all of them), narrowed by the
    /// `software_version` filters, which apply to the programs of every positive `software` filter.
    static func softwareConditions(programs: [AssetFilter], versions: [AssetFilter], sql: any SQLDatabase)
        async throws -> [any SQLExpression]
    {
        let positive = programs.filter { [AssetFilterOperator.eq, .in, .like].contains($0.op) }
        if !versions.isEmpty, positive.isEmpty {
            throw ParcError.badRequest("invalid_query",
                "A 'software_version' filter needs the program it is about: add software=NAME (or software[like]=PATTERN).")
        }
        let num = SQLColumn("num", table: "assets")
        var conditions: [any SQLExpression] = []
        for program in programs {
            switch program.op {
            case .isNull:
                let installed = SQLSubquery.select { $0.column("asset_num").from("asset_software") }
                conditions.append(SQLBinaryExpression(num, isNullFlag(program) ? .notIn : .in, installed))
            case .ne:
                var named = program
                named.op = .in
                let ids = try await versionNumbers(named, versions: [], sql: sql)
                guard !ids.isEmpty else { continue }
                conditions.append(SQLBinaryExpression(num, .notIn, installations(of: ids)))
            default:
                let ids = try await versionNumbers(program, versions: versions, sql: sql)
                if ids.isEmpty {
                    conditions.append(never)
                } else {
                    conditions.append(SQLBinaryExpression(num, .in, installations(of: ids)))
                }
            }
        }
        return conditions
    }

    /// A condition no row satisfies (a program nobody has).
    static var never: any SQLExpression { SQLBinaryExpression(SQLLiteral.numeric("1"), .equal, SQLLiteral.numeric("0")) }

    static func installations(of versionNumbers: [Int64]) -> any SQLExpression {
        SQLSubquery.select { $0.column("asset_num").from("asset_software")
            .where("version_num", .in, SQLBind.group(versionNumbers)) }
    }

    /// The catalogue versions of the programs `program` names whose version satisfies every filter of `versions`.
    static func versionNumbers(_ program: AssetFilter, versions: [AssetFilter], sql: any SQLDatabase) async throws
        -> [Int64]
    {
        var select = sql.select().column(SQLColumn("num", table: "software_versions"))
            .column(SQLColumn("version", table: "software_versions"))
            .from("software_versions")
            .join("software", on: SQLColumn("id", table: "software"), .equal,
                  SQLColumn("software_id", table: "software_versions"))
        if program.op == .like {
            select = select.where(textCondition(SQLColumn("name", table: "software"), program))
        } else {
            select = select.where(SQLColumn("name_key", table: "software"), .in,
                                  SQLBind.group(program.values.map { SoftwareCatalogueKey.fold($0.text) }))
        }
        let rows = try await select.all()
        var numbers: [Int64] = []
        for row in rows {
            let version = try row.decode(column: "version", as: String.self)
            guard versions.allSatisfy({ versionMatches(version, $0) }) else { continue }
            numbers.append(try row.decode(column: "num", as: Int64.self))
        }
        return numbers
    }

    /// Whether a catalogue version satisfies a `software_version` filter, in dpkg's order (``SoftwareVersion``); a
    /// version that does not read as one only equals its own text.
    static func versionMatches(_ candidate: String, _ filter: AssetFilter) -> Bool {
        if filter.op == .isNull { return candidate.isEmpty == isNullFlag(filter) }
        let orders = filter.values.compactMap { value -> Int? in
            guard case .version(let wanted) = value else { return nil }
            return VersionComparison.compare(candidate, wanted.text)
        }
        switch filter.op {
        case .eq, .in: return orders.contains(0)
        case .ne: return !orders.contains(0)
        case .lt: return orders.allSatisfy { $0 < 0 }
        case .le: return orders.allSatisfy { $0 <= 0 }
        case .gt: return orders.allSatisfy { $0 > 0 }
        case .ge: return orders.allSatisfy { $0 >= 0 }
        default: return false
        }
    }

    // MARK: Helpers

    static func isNullFlag(_ filter: AssetFilter) -> Bool {
        if case .boolean(let flag)? = filter.values.first { return flag }
        return true
    }

    static func either(_ lhs: any SQLExpression, _ rhs: any SQLExpression) -> any SQLExpression {
        SQLGroupExpression(SQLBinaryExpression(lhs, .or, rhs))
    }

    static func unsupported(_ filter: AssetFilter) -> ParcError {
        ParcError.badRequest("invalid_query",
            "Parameter '\(filter.parameter.name.prefix(40))' cannot be used with operator '\(filter.op.rawValue)'.")
    }
}

extension AssetFilterValue {
    /// The text of a text, choice or pattern value.
    var text: String {
        switch self {
        case .text(let text), .pattern(let text): text
        default: description
        }
    }

    var loweredText: String { text.lowercased() }

    /// The number of an integer or size value.
    var number: Int? {
        switch self {
        case .integer(let number), .bytes(let number): number
        default: nil
        }
    }
}
