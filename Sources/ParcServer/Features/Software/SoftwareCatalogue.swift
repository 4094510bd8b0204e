import Fluent
import Foundation
import ParcCore
import SQLKit
import Vapor

/// The software catalogue as one user sees it: the programs installed on the assets of the entities they may see,
/// or covered by a licence they may see, with counts that only count those assets.
///
/// The catalogue itself (`software`, `software_versions`) is shared by every entity (decision 0026); these queries
/// never let a program or a count of another entity through.
struct SoftwareCatalogue {
    static let spec = ListQuerySpec(sortable: ["name", "publisher", "installations", "versions"],
                                    filterable: ["name", "publisher", "entity_id"], defaultSort: [.init("name")],
                                    passthrough: ["format"])

    static let installationSpec = ListQuerySpec(sortable: ["asset", "version", "install_date"],
                                                filterable: ["version", "entity_id"], defaultSort: [.init("asset")])

    /// One program with its counts, as the list and the API show it.
    struct Entry: Content {
        let id: UUID
        let name: String
        let publisher: String?
        /// Assets of the user's entities with the program.
        let installations: Int
        /// Versions installed on those assets.
        let versions: Int
        /// Licences of the user's entities covering the program.
        let licences: Int

        static let schema = OpenAPISchema.object([
            "id": .uuid, "name": .string(), "publisher": .nullable(.string()), "installations": .integer,
            "versions": .integer, "licences": .integer,
        ], required: ["id", "name", "publisher", "installations", "versions", "licences"])
    }

    /// One installed version with the number of assets that have it.
    struct Version {
        let id: UUID
        let version: String
        let architecture: String
        let installations: Int
    }

    /// One asset that has one version of the program.
    struct Installation {
        let assetID: UUID
        let asset: String
        let status: String
        let entityID: UUID
        let version: String
        let architecture: String
        let installDate: String?
    }

    let request: Request
    var sql: any SQLDatabase { request.db as! any SQLDatabase }

    /// Which installations count: those on assets of `entities`. When they are every entity, no asset needs reading:
    /// counts come from the installation index alone.
    ///
    /// Every expression below is correlated to the row of `software` being read and driven by that program's own
    /// versions and installations, so a page costs what its programs are installed on, never a scan of every
    /// installation: the "is it visible" test stops at the first installation it finds (`LIMIT 1` in a scalar
    /// subquery keeps PostgreSQL from turning it into a join over the whole table), and `CROSS JOIN` keeps SQLite
    /// from starting at the assets of the entities (SQLite joins a `CROSS JOIN` in the order written; PostgreSQL
    /// reads it as an inner join).
    struct Scope {
        let entities: [UUID]
        let everything: Bool

        /// Adds the assets to a `FROM` that holds `asset_software i`; nothing when every asset is in scope.
        var assets: SQLQueryString { everything ? "" : " CROSS JOIN assets x" }

        /// Keeps the installations on assets in scope; nothing when every asset is.
        var onAssets: SQLQueryString {
            everything ? "" : " AND x.num = i.asset_num AND x.entity_id IN (\(binds: entities))"
        }

        /// The program of the row of `software` is installed on an asset in scope.
        var installed: SQLQueryString {
            """
            (SELECT 1 FROM software_versions v CROSS JOIN asset_software i\(assets) \
            WHERE v.software_id = software.id AND i.version_num = v.num\(onAssets) LIMIT 1) = 1
            """
        }

        /// Assets in scope with the program of the row of `software`.
        var installations: SQLQueryString {
            """
            (SELECT COUNT(DISTINCT i.asset_num) FROM software_versions v CROSS JOIN asset_software i\(assets) \
            WHERE v.software_id = software.id AND i.version_num = v.num\(onAssets))
            """
        }

        /// Versions of the program of the row of `software` installed on an asset in scope.
        var versions: SQLQueryString {
            """
            (SELECT COUNT(*) FROM software_versions v WHERE v.software_id = software.id \
            AND (SELECT 1 FROM asset_software i\(assets) WHERE i.version_num = v.num\(onAssets) LIMIT 1) = 1)
            """
        }

        /// The program is installed in scope, or a licence of the scope's entities covers it.
        var visible: SQLQueryString {
            """
            (\(installed) OR EXISTS (SELECT 1 FROM software_licences l WHERE l.software_id = software.id \
            AND l.entity_id IN (\(binds: entities))))
            """
        }
    }

    private func scope(_ entities: Set<UUID>) async throws -> Scope {
        let tree = try await request.entityTree()
        return Scope(entities: Array(entities), everything: tree.nodes.keys.allSatisfy(entities.contains))
    }

    /// One page of the programs the user may see, and how many there are.
    func list(_ query: ListQuery) async throws -> (total: Int, entries: [Entry]) {
        let entities = try await request.listEntities(for: .assetsRead, entityFilter: query.filters["entity_id"])
        guard !entities.isEmpty else { return (0, []) }
        let scope = try await scope(entities)
        var conditions: [any SQLExpression] = [scope.visible]
        for field in ["name", "publisher"] {
            if let text = query.filters[field] { conditions.append(ContainsText.condition(field, table: "software", text)) }
        }
        if let text = query.search {
            conditions.append(SQLGroupExpression(SQLBinaryExpression(ContainsText.condition("name", table: "software", text),
                .or, ContainsText.condition("publisher", table: "software", text))))
        }
        let predicate = conditions.dropFirst().reduce(conditions[0]) { SQLBinaryExpression($0, .and, $1) }
        let total = try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("software")
            .where(predicate).first()?.decode(column: "n", as: Int.self) ?? 0
        var select = sql.select().column(SQLColumn("id", table: "software")).from("software").where(predicate)
        for key in query.sort {
            // Sorting by a count counts every program of the list: it reads all their installations.
            let expression: any SQLExpression = switch key.field {
            case "installations": scope.installations
            case "versions": scope.versions
            default: SQLColumn(key.field, table: "software")
            }
            select = select.orderBy(SQLOrderBy(expression: expression,
                                               direction: key.descending ? SQLDirection.descending : .ascending))
        }
        let ids = try await select.orderBy(SQLOrderBy(expression: SQLColumn("id", table: "software"),
                                                      direction: SQLDirection.ascending))
            .limit(query.perPage).offset(query.offset).all().map { try $0.decode(column: "id", as: UUID.self) }
        let entries = Dictionary(uniqueKeysWithValues: try await self.entries(ids, scope: scope).map { ($0.id, $0) })
        return (total, ids.compactMap { entries[$0] })
    }

    /// The programs with their counts in `scope`.
    private func entries(_ ids: [UUID], scope: Scope) async throws -> [Entry] {
        guard !ids.isEmpty else { return [] }
        let licences = try await licenceCounts(of: ids, in: Set(scope.entities))
        return try await sql.raw("""
            SELECT software.id AS id, software.name AS name, software.publisher AS publisher, \
            \(scope.installations) AS installations, \(scope.versions) AS versions \
            FROM software WHERE software.id IN (\(binds: ids))
            """).all().map { row in
            let id = try row.decode(column: "id", as: UUID.self)
            return Entry(id: id, name: try row.decode(column: "name", as: String.self),
                         publisher: try row.decodeNil(column: "publisher") ? nil : row.decode(column: "publisher", as: String.self),
                         installations: try row.decode(column: "installations", as: Int.self),
                         versions: try row.decode(column: "versions", as: Int.self), licences: licences[id] ?? 0)
        }
    }

    /// Licences of `entities` covering each program.
    private func licenceCounts(of software: [UUID], in entities: Set<UUID>) async throws -> [UUID: Int] {
        guard !software.isEmpty, !entities.isEmpty else { return [:] }
        let rows = try await sql.raw("""
            SELECT software_id, COUNT(*) AS n FROM software_licences \
            WHERE software_id IN (\(binds: software)) AND entity_id IN (\(binds: Array(entities))) GROUP BY software_id
            """).all()
        return Dictionary(uniqueKeysWithValues: try rows.map {
            (try $0.decode(column: "software_id", as: UUID.self), try $0.decode(column: "n", as: Int.self))
        })
    }

    /// Whether the user may see the program: installed on an asset, or covered by a licence, of their entities.
    func isVisible(_ id: UUID) async throws -> Bool {
        let entities = try await request.entities(for: .assetsRead)
        guard !entities.isEmpty else { return false }
        return try await sql.select().column("id").from("software")
            .where(SQLColumn("id", table: "software"), .equal, SQLBind(id)).where(try await scope(entities).visible)
            .first() != nil
    }

    /// The program the user may see under this catalogue key, if any: where a dictionary rename would merge a
    /// program into.
    func visible(key: SoftwareCatalogueKey) async throws -> UUID? {
        let entities = try await request.entities(for: .assetsRead)
        guard !entities.isEmpty else { return nil }
        return try await sql.select().column("id").from("software").where("name_key", .equal, SQLBind(key.name))
            .where("publisher_key", .equal, SQLBind(key.publisher)).where(try await scope(entities).visible).first()?
            .decode(column: "id", as: UUID.self)
    }

    /// What a program typed in a form designates.
    enum Match: Equatable {
        case found(UUID)
        case missing
        case ambiguous
    }

    /// The program the user may see named `label`: its name, or its name and publisher as the licence form writes them
    /// (`Firefox — Mozilla`), ignoring case. Two publishers of one name make the bare name ambiguous.
    func visible(labelled label: String) async throws -> Match {
        let entities = try await request.entities(for: .assetsRead)
        guard !entities.isEmpty else { return .missing }
        var candidates = [(label, nil as String?)]
        if let dash = label.range(of: " — ", options: .backwards) {
            candidates.append((String(label[..<dash.lowerBound]), String(label[dash.upperBound...])))
        }
        let scope = try await scope(entities)
        for (name, publisher) in candidates {
            var select = sql.select().column("id").from("software")
                .where("name_key", .equal, SoftwareCatalogueKey.fold(name)).where(scope.visible)
            if let publisher { select = select.where("publisher_key", .equal, SoftwareCatalogueKey.fold(publisher)) }
            let ids = try await select.limit(2).all().map { try $0.decode(column: "id", as: UUID.self) }
            if ids.count == 1 { return .found(ids[0]) }
            if ids.count > 1 && publisher == nil { return .ambiguous }
        }
        return .missing
    }

    /// The program, if the user may see it (404 otherwise, as for an unknown id).
    func find(_ id: UUID?) async throws -> Entry {
        let entities = try await request.entities(for: .assetsRead)
        guard let id, !entities.isEmpty else { throw ParcError.notFound("program") }
        let scope = try await scope(entities)
        guard try await sql.select().column("id").from("software")
            .where(SQLColumn("id", table: "software"), .equal, SQLBind(id)).where(scope.visible).first() != nil,
            let entry = try await entries([id], scope: scope).first
        else { throw ParcError.notFound("program") }
        return entry
    }

    /// The versions of a program installed on assets the user may see, newest first.
    func versions(of software: UUID) async throws -> [Version] {
        let entities = try await request.entities(for: .assetsRead)
        guard !entities.isEmpty else { return [] }
        let scope = try await scope(entities)
        let rows = try await sql.raw("""
            SELECT v.id AS id, v.version AS version, v.architecture AS architecture, COUNT(DISTINCT i.asset_num) AS n \
            FROM software_versions v CROSS JOIN asset_software i\(scope.assets) \
            WHERE v.software_id = \(bind: software) AND i.version_num = v.num\(scope.onAssets) \
            GROUP BY v.id, v.version, v.architecture
            """).all()
        let versions = try rows.map {
            Version(id: try $0.decode(column: "id", as: UUID.self), version: try $0.decode(column: "version", as: String.self),
                    architecture: try $0.decode(column: "architecture", as: String.self),
                    installations: try $0.decode(column: "n", as: Int.self))
        }
        return versions.sorted {
            let order = VersionComparison.compare($0.version, $1.version)
            return order != 0 ? order > 0 : $0.architecture < $1.architecture
        }
    }

    /// One page of the assets, among those the user may see, that have the program.
    func installations(of software: UUID, _ query: ListQuery) async throws -> (total: Int, items: [Installation]) {
        let entities = Array(try await request.listEntities(for: .assetsRead, entityFilter: query.filters["entity_id"]))
        guard !entities.isEmpty else { return (0, []) }
        var filter: SQLQueryString = "v.software_id = \(bind: software) AND x.entity_id IN (\(binds: entities))"
        if let version = query.filters["version"] { filter = "\(filter) AND v.version = \(bind: version)" }
        let from: SQLQueryString = """
            FROM software_versions v CROSS JOIN asset_software i CROSS JOIN assets x \
            WHERE i.version_num = v.num AND x.num = i.asset_num AND \(filter)
            """
        let total = try await sql.raw("SELECT COUNT(*) AS n \(from)").first()?.decode(column: "n", as: Int.self) ?? 0
        let columns = ["asset": "x.name", "version": "v.version", "install_date": "i.install_date"]
        let order = (query.sort.map { "\(columns[$0.field] ?? "x.name") \($0.descending ? "DESC" : "ASC")" }
            + ["x.id ASC", "v.id ASC"]).joined(separator: ", ")
        let rows = try await sql.raw("""
            SELECT x.id AS asset_id, x.name AS asset, x.status AS status, x.entity_id AS entity_id, v.version AS version, \
            v.architecture AS architecture, i.install_date AS install_date \(from) \
            ORDER BY \(unsafeRaw: order) LIMIT \(literal: query.perPage) OFFSET \(literal: query.offset)
            """).all()
        return (total, try rows.map {
            Installation(assetID: try $0.decode(column: "asset_id", as: UUID.self),
                         asset: try $0.decode(column: "asset", as: String.self),
                         status: try $0.decode(column: "status", as: String.self),
                         entityID: try $0.decode(column: "entity_id", as: UUID.self),
                         version: try $0.decode(column: "version", as: String.self),
                         architecture: try $0.decode(column: "architecture", as: String.self),
                         installDate: try $0.decodeNil(column: "install_date") ? nil
                             : $0.decode(column: "install_date", as: String.self))
        })
    }
}
