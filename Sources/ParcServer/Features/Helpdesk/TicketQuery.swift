import Fluent
import FluentKit
import FluentSQL
import Foundation
import ParcCore
import SQLKit
import Vapor

/// The ticket list shared by the API, the pages and the saved views: scoped to what the user may see (every ticket
/// of the entities they read, their own tickets where they are a requester), filtered, sorted and paged in SQL.
struct TicketQuery: ListFilterParsing {
    static let openStatuses: [TicketStatus] = [.new, .assigned, .planned, .pending]

    static let spec = ListQuerySpec(
        sortable: ["opened_at", "priority", "time_to_resolve_due", "time_to_own_due", "updated_at", "reference", "status",
                   "title"],
        filterable: ["status", "priority", "type", "category_id", "entity_id", "assignee_id", "group_id", "requester_id",
                     "unassigned", "sla", "breaching_within_minutes", "source", "tag"],
        defaultSort: [.init("opened_at", descending: true)], passthrough: ["format", "view"])

    static let filterDescriptions: [(String, String)] = [
        ("status", "\(TicketStatus.allCases.map(\.rawValue).joined(separator: ", ")) or open (commas: any of)"),
        ("priority", "1–6 (commas: any of)"), ("type", "incident or request"),
        ("category_id", "A category and its sub-categories"), ("entity_id", "An entity and its sub-entities"),
        ("assignee_id", "Assigned to this account, or 'me'"), ("group_id", "Assigned to this group"),
        ("requester_id", "Requested by this account, or 'me'"), ("unassigned", "true: no technician and no group"),
        ("sla", "breached (a deadline passed), own_breached or resolve_breached (that deadline), or running (an open "
            + "ticket with a deadline)"),
        ("breaching_within_minutes", "Open, not paused, a deadline within this many minutes from now and not passed"),
        ("source", TicketSource.allCases.map(\.rawValue).joined(separator: ", ")), ("tag", "Carries this tag"),
    ]

    let request: Request
    let query: ListQuery

    /// The query, and the same for the rows of a page: a search for a common text walks the opening-date index
    /// and stops once the page is full, where SQLite would read the whole scope through the entity index and sort
    /// it; counting keeps the entity index, which bounds a count that finds few matches (decision 0066).
    private struct Built {
        var query: QueryBuilder<TicketModel>
        var page: QueryBuilder<TicketModel>
    }

    private func builder() async throws -> Built? {
        let service = TicketService(request: request)
        let access = try await service.access()
        let filters = query.filters
        var readAll = access.readAll
        var own = access.own.subtracting(readAll)
        if let text = filters["entity_id"] {
            let id = try Self.uuid(text, "entity_id")
            let subtree = Set(try await request.entityTree().subtree(of: id))
            readAll = readAll.intersection(subtree)
            own = own.intersection(subtree)
        }
        guard !readAll.isEmpty || !own.isEmpty else { return nil }
        var builder = TicketModel.query(on: request.db)
        let userID = access.userID
        let textSearch = try await TicketTextSearch.plan(query.search, sortedByOpening: query.sort.first?.field
                                                             ?? "opened_at" == "opened_at", on: sql,
                                                         logger: request.logger)
        // Who may see what: every ticket of `readAll`, their own in `own`. Added last, in two forms (below).
        func visibility(_ entityColumn: any SQLExpression) -> DatabaseQuery.Filter {
            var conditions: [any SQLExpression] = []
            if !readAll.isEmpty {
                conditions.append(SQLBinaryExpression(entityColumn, .in,
                                                      SQLGroupExpression(SQLList(readAll.map { SQLBind($0) as any SQLExpression }))))
            }
            if !own.isEmpty {
                conditions.append(SQLBinaryExpression(
                    SQLBinaryExpression(entityColumn, .in,
                                        SQLGroupExpression(SQLList(own.map { SQLBind($0) as any SQLExpression }))),
                    .and,
                    Self.hasActor(column: "user_id", userID, roles: [.requester, .observer])))
            }
            return .sql(SQLGroupExpression(conditions.dropFirst().reduce(conditions[0]) { SQLBinaryExpression($0, .or, $1) }))
        }
        if let text = filters["status"] {
            var statuses: [String] = []
            for value in try Self.values(text, "status", allowed: TicketStatus.allCases.map(\.rawValue) + ["open"]) {
                statuses += value == "open" ? Self.openStatuses.map(\.rawValue) : [value]
            }
            builder = builder.filter(\.$status ~~ statuses)
        }
        if let text = filters["priority"] {
            let values = try Self.values(text, "priority", allowed: (1...6).map(String.init)).compactMap(Int.init)
            builder = builder.filter(\.$priority ~~ values)
        }
        if let text = filters["type"] {
            builder = builder.filter(\.$type ~~ (try Self.values(text, "type", allowed: TicketKind.allCases.map(\.rawValue))))
        }
        if let text = filters["source"] {
            builder = builder.filter(\.$source ~~ (try Self.values(text, "source", allowed: TicketSource.allCases.map(\.rawValue))))
        }
        if let text = filters["category_id"] {
            let root = try Self.uuid(text, "category_id")
            builder = builder.filter(\.$categoryID ~~ (try await Self.categorySubtree(root, on: request.db)))
        }
        for (parameter, role, column) in [("assignee_id", TicketActorRole.assignee, "user_id"),
                                          ("requester_id", .requester, "user_id"), ("group_id", .assignee, "group_id")] {
            guard let text = filters[parameter] else { continue }
            let id = text == "me" && column == "user_id" ? userID : try Self.uuid(text, parameter)
            builder = builder.filter(.sql(Self.hasActor(column: column, id, roles: [role])))
        }
        if let text = filters["unassigned"] {
            guard text == "true" || text == "false" else {
                throw ParcError.badRequest("invalid_query", "Parameter 'unassigned' takes true or false.")
            }
            let not = text == "true" ? "NOT " : ""
            builder = builder.filter(.sql(SQLQueryString("\(unsafeRaw: not)\(Self.hasActor(roles: [.assignee]))")))
        }
        if let text = filters["tag"] {
            // Tags are stored as a JSON array of strings: match the quoted tag.
            let escaped = String(decoding: try JSONEncoder().encode(text), as: UTF8.self)
            builder = builder.filter(.sql(ContainsText.condition("tags", table: TicketModel.schema, escaped)))
        }
        let now = request.now
        if let text = filters["sla"] {
            switch text {
            case "breached":
                builder = builder.group(.or) { group in
                    group.filter(\.$timeToOwnBreached == true).filter(\.$timeToResolveBreached == true)
                        .group(.and) { $0.filter(\.$takenIntoAccountAt == nil).filter(\.$timeToOwnDue < now) }
                        .group(.and) {
                            $0.filter(\.$status ~~ [TicketStatus.new, .assigned, .planned].map(\.rawValue))
                                .filter(\.$timeToResolveDue < now)
                        }
                }
            case "own_breached":
                builder = builder.filter(.sql(Self.ownBreached(now: now, table: TicketModel.schema)))
            case "resolve_breached":
                builder = builder.filter(.sql(Self.resolveBreached(now: now, table: TicketModel.schema)))
            case "running":
                builder = builder.filter(\.$status ~~ Self.openStatuses.map(\.rawValue))
                    .group(.or) { $0.filter(\.$timeToOwnDue != nil).filter(\.$timeToResolveDue != nil) }
            default:
                throw ParcError.badRequest("invalid_query",
                                           "Parameter 'sla' takes breached, own_breached, resolve_breached or running.")
            }
        }
        if let text = filters["breaching_within_minutes"] {
            guard let minutes = Int(text), (1...525_600).contains(minutes) else {
                throw ParcError.badRequest("invalid_query", "Parameter 'breaching_within_minutes' must be 1 to 525600.")
            }
            let limit = now.addingTimeInterval(TimeInterval(minutes * 60))
            builder = builder.filter(\.$status ~~ [TicketStatus.new, .assigned, .planned].map(\.rawValue))
                .group(.or) { group in
                    group.group(.and) { $0.filter(\.$timeToResolveDue >= now).filter(\.$timeToResolveDue <= limit) }
                        .group(.and) {
                            $0.filter(\.$takenIntoAccountAt == nil).filter(\.$timeToOwnDue >= now)
                                .filter(\.$timeToOwnDue <= limit)
                        }
                }
        }
        if let search = query.search {
            if TicketReference.parse(search) != nil {
                builder = builder.filter(\.$reference == search.trimmingCharacters(in: .whitespaces))
            } else {
                let matches = ["title", "description", "reference"].map {
                    ContainsText.condition($0, table: TicketModel.schema, search) as any SQLExpression
                }
                builder = builder.filter(.sql(SQLGroupExpression(
                    matches.dropFirst().reduce(matches[0]) { SQLBinaryExpression($0, .or, $1) })))
                if let candidates = textSearch?.candidates {
                    builder = builder.filter(.sql(candidates))
                }
            }
        }
        let entityColumn = SQLColumn("entity_id", table: TicketModel.schema)
        let page = textSearch?.walksOpeningOrder == true
            ? builder.copy().filter(visibility("+\(ident: TicketModel.schema).\(ident: "entity_id")" as SQLQueryString))
            : builder.copy().filter(visibility(entityColumn))
        return Built(query: builder.filter(visibility(entityColumn)), page: page)
    }

    /// One page, and how many match in all, counted exactly (every match is visited: slow over a large backlog).
    func page() async throws -> (total: Int, items: [TicketModel]) {
        guard let built = try await builder() else { return (0, []) }
        let total = try await built.query.count()
        return (total, try await rows(sorted(built.page).range(query.offset..<(query.offset + query.perPage))))
    }

    /// At most this many matches are counted for a list page (decision 0059).
    static let countLimit = 1000

    /// One page for the lists and the API: the total is exact up to `countLimit` matches, "more than" beyond, so a
    /// page over a million tickets does not visit them all to count them (decision 0059).
    func countedPage(countLimit: Int = Self.countLimit) async throws -> CountedPage<TicketModel> {
        guard let built = try await builder() else {
            return CountedPage(items: [], offset: 0, hasMore: false, counted: nil, countLimit: countLimit)
        }
        // One row more than the page says whether another page follows.
        let window = sorted(built.page).range(query.offset..<(query.offset + query.perPage + 1))
        let counting = Self.selectingIDs(built.query.limit(countLimit + 1))
        // PostgreSQL: a count this page may need runs beside it, on another connection of the pool, and the answer
        // waits for the slower of the two instead of both in turn (a common search word: a page in 5–25 ms, a count
        // in 30–55 ms; decision 0066). SQLite answers both on one connection, in turn.
        let concurrently = sql.dialect.name == "postgresql" && query.offset + query.perPage < countLimit
        async let early: Int? = concurrently ? count(counting) : nil
        var items = try await rows(window)
        let hasMore = items.count > query.perPage
        if hasMore { items.removeLast() }
        var counted: Int?
        if CountedPage<TicketModel>.needsCount(itemCount: items.count, offset: query.offset, perPage: query.perPage,
                                               hasMore: hasMore, countLimit: countLimit) {
            counted = concurrently ? try await early : try await count(counting)
        }
        return CountedPage(items: items, offset: query.offset, hasMore: hasMore, counted: counted, countLimit: countLimit)
    }

    /// The rows of a sorted window, found by id first: the sort and the offset run over the narrow index entries,
    /// and only the rows of the page are read whole.
    private func rows(_ window: QueryBuilder<TicketModel>) async throws -> [TicketModel] {
        let ids = try await sql.raw("\(Self.selectingIDs(window))").all()
            .map { try $0.decode(column: TicketModel.schema + "_id", as: UUID.self) }
        guard !ids.isEmpty else { return [] }
        let byID = Dictionary(uniqueKeysWithValues: try await TicketModel.query(on: request.db).filter(\.$id ~~ ids).all()
            .map { ($0.id!, $0) })
        return ids.compactMap { byID[$0] }
    }

    /// How many rows the query matches, within its limit, counted by the database: decoding each id as a Fluent
    /// model cost about 30 µs a row, 30 ms for a thousand (decision 0059).
    private func count(_ limited: any SQLExpression) async throws -> Int {
        let row = try await sql.raw("""
            SELECT COUNT(*) AS \(ident: "matches") FROM (\(limited)) AS \(ident: "limited")
            """).first()
        return try row?.decode(column: "matches", as: Int.self) ?? 0
    }

    private var sql: any SQLDatabase { request.db as! any SQLDatabase }

    /// The query's SQL with the ticket id as its only column (aliased `tickets_id`, as Fluent does), for the
    /// statements above that read plain values instead of models.
    static func selectingIDs(_ builder: QueryBuilder<TicketModel>) -> any SQLExpression {
        var query = builder.query
        query.fields = [.extendedPath([.id], schema: TicketModel.schema, space: nil)]
        return SQLQueryConverter(delegate: QueryConversion()).convert(query)
    }

    /// Queries use no column types and no nested fields: the converter needs no driver's delegate.
    private struct QueryConversion: SQLConverterDelegate {
        func customDataType(_ dataType: DatabaseSchema.DataType) -> (any SQLExpression)? { nil }
    }

    /// Every match (CSV export), at most `limit`.
    func all(limit: Int = 100_000) async throws -> [TicketModel] {
        guard let built = try await builder() else { return [] }
        return try await sorted(built.page).limit(limit).all()
    }

    private func sorted(_ builder: QueryBuilder<TicketModel>) -> QueryBuilder<TicketModel> {
        var builder = builder
        for key in query.sort {
            let direction: DatabaseQuery.Sort.Direction = key.descending ? .descending : .ascending
            switch key.field {
            case "priority": builder = builder.sort(\.$priority, direction)
            case "time_to_resolve_due": builder = builder.sort(\.$timeToResolveDue, direction)
            case "time_to_own_due": builder = builder.sort(\.$timeToOwnDue, direction)
            case "updated_at": builder = builder.sort(\.$updatedAt, direction)
            case "reference", "num": builder = builder.sort(\.$number, direction)
            case "status": builder = builder.sort(\.$status, direction)
            case "title": builder = builder.sort(\.$title, direction)
            default: builder = builder.sort(\.$openedAt, direction)
            }
        }
        return builder.sort(\.$id)
    }

    /// Time to own missed: the flag, or a deadline passed with nobody on the ticket yet (the clock job raises the
    /// flag within a minute). The SLA dashboard counts with the same condition the list filters with.
    static func ownBreached(now: Date, table: String) -> SQLQueryString {
        """
        (\(ident: table).\(ident: "time_to_own_breached") = \(bind: true) OR (\(ident: table).\(ident: "taken_into_account_at") IS NULL
         AND \(ident: table).\(ident: "time_to_own_due") < \(bind: now)))
        """
    }

    /// Time to resolve missed: the flag, or a deadline passed on a ticket that is not paused.
    static func resolveBreached(now: Date, table: String) -> SQLQueryString {
        let running = [TicketStatus.new, .assigned, .planned].map(\.rawValue)
        return """
            (\(ident: table).\(ident: "time_to_resolve_breached") = \(bind: true) OR (\(ident: table).\(ident: "status") IN (\(binds: running))
             AND \(ident: table).\(ident: "time_to_resolve_due") < \(bind: now)))
            """
    }

    /// `EXISTS` a row of `ticket_actors` on the ticket in one of `roles`, for `id` in `column` when given. A
    /// correlated `EXISTS` lets both databases start from the ticket index and probe the actor index. `IN` over a
    /// subquery made SQLite read every assignment of the user first, and `NOT IN` (unassigned) compared each open
    /// ticket with every assignment: 0.7 s on SQLite with 200,000 tickets, unfinished after minutes on PostgreSQL
    /// with a million (decision 0059).
    static func hasActor(column: String? = nil, _ id: UUID? = nil, roles: [TicketActorRole]) -> SQLQueryString {
        let actors = "ticket_actors"
        var condition: SQLQueryString = """
            EXISTS (SELECT 1 FROM \(ident: actors) WHERE \(ident: actors).\(ident: "ticket_id") = \
            \(ident: TicketModel.schema).\(ident: "id") AND \(ident: actors).\(ident: "role") IN \
            (\(binds: roles.map(\.rawValue)))
            """
        if let column, let id {
            condition = "\(condition) AND \(ident: actors).\(ident: column) = \(bind: id)"
        }
        return "\(condition))"
    }

    static func categorySubtree(_ root: UUID, on db: any Database) async throws -> [UUID] {
        let all = try await TicketCategoryModel.query(on: db).all()
        var result: [UUID] = [root]
        var index = 0
        while index < result.count, result.count < 10_000 {
            let parent = result[index]
            result += all.filter { $0.parentID == parent && !result.contains($0.id!) }.compactMap(\.id)
            index += 1
        }
        return result
    }
}
