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

    /// `EXISTS`: the program of the row of `software` is installed on an asset of `entities`.
    private static func installed(in entities: [UUID]) -> SQLQueryString {
        """
        EXISTS (SELECT 1 FROM software_versions v JOIN asset_software i ON i.version_id = v.id \
        JOIN assets x ON x.id = i.asset_id WHERE v.software_id = software.id AND x.entity_id IN (\(binds: entities)))
        """
    }

    /// `EXISTS`: a licence of `entities` covers the program of the row of `software`.
    private static func licensed(in entities: [UUID]) -> SQLQueryString {
        "EXISTS (SELECT 1 FROM software_licences l WHERE l.software_id = software.id AND l.entity_id IN (\(binds: entities)))"
    }

    /// A count per row of `software`, for sorting.
    private static func count(_ what: String, in entities: [UUID]) -> SQLQueryString {
        """
        (SELECT COUNT(DISTINCT \(unsafeRaw: what)) FROM software_versions v JOIN asset_software i ON i.version_id = v.id \
        JOIN assets x ON x.id = i.asset_id WHERE v.software_id = software.id AND x.entity_id IN (\(binds: entities)))
        """
    }

    private func visibility(_ entities: Set<UUID>) -> SQLQueryString {
        let list = Array(entities)
        return "(\(Self.installed(in: list)) OR \(Self.licensed(in: list)))"
    }

    /// One page of the programs the user may see, and how many there are.
    func list(_ query: ListQuery) async throws -> (total: Int, entries: [Entry]) {
        let entities = try await request.listEntities(for: .assetsRead, entityFilter: query.filters["entity_id"])
        guard !entities.isEmpty else { return (0, []) }
        var conditions: [any SQLExpression] = [visibility(entities)]
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
        var select = sql.select().column(SQLColumn("id", table: "software")).column(SQLColumn("name", table: "software"))
            .column(SQLColumn("publisher", table: "software")).from("software").where(predicate)
        let list = Array(entities)
        for key in query.sort {
            let expression: any SQLExpression = switch key.field {
            case "installations": Self.count("i.asset_id", in: list)
            case "versions": Self.count("v.id", in: list)
            default: SQLColumn(key.field, table: "software")
            }
            select = select.orderBy(SQLOrderBy(expression: expression,
                                               direction: key.descending ? SQLDirection.descending : .ascending))
        }
        let rows = try await select.orderBy(SQLOrderBy(expression: SQLColumn("id", table: "software"),
                                                       direction: SQLDirection.ascending))
            .limit(query.perPage).offset(query.offset).all()
        let ids = try rows.map { try $0.decode(column: "id", as: UUID.self) }
        let counts = try await installationCounts(of: ids, in: entities)
        let licences = try await licenceCounts(of: ids, in: entities)
        return (total, try rows.map { row in
            let id = try row.decode(column: "id", as: UUID.self)
            return Entry(id: id, name: try row.decode(column: "name", as: String.self),
                         publisher: try row.decodeNil(column: "publisher") ? nil : row.decode(column: "publisher", as: String.self),
                         installations: counts[id]?.installations ?? 0, versions: counts[id]?.versions ?? 0,
                         licences: licences[id] ?? 0)
        })
    }

    /// Assets (and distinct versions) with each program, on `entities`.
    private func installationCounts(of software: [UUID], in entities: Set<UUID>) async throws
        -> [UUID: (installations: Int, versions: Int)]
    {
        guard !software.isEmpty, !entities.isEmpty else { return [:] }
        let rows = try await sql.raw("""
            SELECT v.software_id AS software_id, COUNT(DISTINCT i.asset_id) AS installations, COUNT(DISTINCT v.id) AS versions \
            FROM software_versions v JOIN asset_software i ON i.version_id = v.id JOIN assets x ON x.id = i.asset_id \
            WHERE v.software_id IN (\(binds: software)) AND x.entity_id IN (\(binds: Array(entities))) \
            GROUP BY v.software_id
            """).all()
        var counts: [UUID: (Int, Int)] = [:]
        for row in rows {
            counts[try row.decode(column: "software_id", as: UUID.self)] =
                (try row.decode(column: "installations", as: Int.self), try row.decode(column: "versions", as: Int.self))
        }
        return counts
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
            .where(SQLColumn("id", table: "software"), .equal, SQLBind(id)).where(visibility(entities)).first() != nil
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
        for (name, publisher) in candidates {
            var select = sql.select().column("id").from("software")
                .where("name_key", .equal, SoftwareCatalogueKey.fold(name)).where(visibility(entities))
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
        guard let id, !entities.isEmpty,
              let row = try await sql.select().column("id").column("name").column("publisher").from("software")
                  .where(SQLColumn("id", table: "software"), .equal, SQLBind(id)).where(visibility(entities)).first()
        else { throw ParcError.notFound("program") }
        let counts = try await installationCounts(of: [id], in: entities)
        return Entry(id: id, name: try row.decode(column: "name", as: String.self),
                     publisher: try row.decodeNil(column: "publisher") ? nil : row.decode(column: "publisher", as: String.self),
                     installations: counts[id]?.installations ?? 0, versions: counts[id]?.versions ?? 0,
                     licences: try await licenceCounts(of: [id], in: entities)[id] ?? 0)
    }

    /// The versions of a program installed on assets the user may see, newest first.
    func versions(of software: UUID) async throws -> [Version] {
        let entities = Array(try await request.entities(for: .assetsRead))
        guard !entities.isEmpty else { return [] }
        let rows = try await sql.raw("""
            SELECT v.id AS id, v.version AS version, v.architecture AS architecture, COUNT(DISTINCT i.asset_id) AS n \
            FROM software_versions v JOIN asset_software i ON i.version_id = v.id JOIN assets x ON x.id = i.asset_id \
            WHERE v.software_id = \(bind: software) AND x.entity_id IN (\(binds: entities)) \
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
            FROM asset_software i JOIN software_versions v ON v.id = i.version_id JOIN assets x ON x.id = i.asset_id \
            WHERE \(filter)
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
