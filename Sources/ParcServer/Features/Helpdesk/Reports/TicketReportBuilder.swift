import Fluent
import FluentKit
import Foundation
import ParcCore
import SQLKit
import Vapor

/// Computes the helpdesk reports with SQL aggregates that read the same on SQLite and PostgreSQL: grouping by a
/// bucket number computed in the query from the period's edges (instants from ``ReportPeriod``, so days, ISO weeks
/// and months follow the reader's time zone), window functions for backlogs and percentiles. Only durations differ
/// by dialect; both versions sit side by side in ``seconds(_:_:)``. No query runs per row.
struct TicketReportBuilder {
    let request: Request
    let parameters: TicketReportParameters

    private var sql: any SQLDatabase { request.db as! any SQLDatabase }
    private var isPostgres: Bool { sql.dialect.name == "postgresql" }
    static let openStatuses = TicketQuery.openStatuses.map(\.rawValue)

    func build(_ kind: TicketReportKind) async throws -> TicketReport {
        let sections: [TicketReport.Section]
        switch kind {
        case .backlog: sections = [try await backlog()]
        case .createdSolved: sections = [try await createdSolved()]
        case .timeToResolve: sections = [try await timeToResolve()]
        case .slaCompliance: sections = try await slaCompliance()
        case .timeSpent: sections = try await timeSpent()
        }
        return TicketReport(kind: kind, parameters: parameters, sections: sections)
    }

    // MARK: SQL pieces

    /// `"t"."entity_id" IN (…)`: the scope, on the tickets aliased `t`.
    var scope: SQLQueryString {
        "\(ident: "t").\(ident: "entity_id") IN (\(binds: parameters.entities.sorted { $0.uuidString < $1.uuidString }))"
    }

    /// The number of the bucket holding `column`, as a balanced tree of `CASE WHEN column < edge` (a handful of
    /// comparisons a row, whatever the number of buckets): -1 before the first edge, `edges.count - 1` from the last.
    static func bucketIndex(_ column: SQLQueryString, _ edges: [Date]) -> SQLQueryString {
        // How many edges are at or before the value, knowing it is between `low` and `high`.
        func count(_ low: Int, _ high: Int) -> SQLQueryString {
            if low == high { return "\(literal: low - 1)" }
            let middle = (low + high + 1) / 2
            return "(CASE WHEN \(column) < \(bind: edges[middle - 1]) THEN \(count(low, middle - 1)) ELSE \(count(middle, high)) END)"
        }
        return count(0, edges.count)
    }

    /// Seconds from `start` to `end`, both timestamp columns, as a floating-point number.
    func seconds(_ start: SQLQueryString, _ end: SQLQueryString) -> SQLQueryString {
        // SQLite keeps dates as seconds since 1970 (REAL); PostgreSQL as timestamptz.
        isPostgres ? "CAST(EXTRACT(EPOCH FROM (\(end) - \(start))) AS DOUBLE PRECISION)"
            : "CAST((\(end) - \(start)) AS REAL)"
    }

    var buckets: [ReportBucket] { parameters.period.buckets(parameters.interval ?? .week) }

    /// `[start, end)` of the whole period, widened to whole buckets for reports that cut it.
    var bounds: (Date, Date) {
        guard parameters.interval != nil else { return (parameters.period.start, parameters.period.end) }
        let buckets = self.buckets
        return (buckets.first?.start ?? parameters.period.start, buckets.last?.end ?? parameters.period.end)
    }

    private func t(_ key: String, _ arguments: String...) -> String {
        request.parc.catalog.text(key, request.language, arguments)
    }

    private var decimalSeparator: String { request.language == .fr ? "," : "." }

    private func title(_ key: String) -> String {
        t(key) + " — " + parameters.period.fromText + " → " + parameters.period.toText
    }

    /// Rows of `SELECT idx, …` as a dictionary from bucket number to the named integer columns.
    private func byBucket(_ query: SQLQueryString, _ columns: [String]) async throws -> [Int: [Int]] {
        var result: [Int: [Int]] = [:]
        for row in try await sql.raw(query).all() {
            let index = try row.decode(column: "idx", as: Int.self)
            result[index] = try columns.map { try row.decode(column: $0, as: Int?.self) ?? 0 }
        }
        return result
    }

    // MARK: backlog

    /// Open tickets at the end of each bucket, from the status history: each change adds 1 when it makes a ticket
    /// open and takes 1 away when it ends an open stretch, so the sum of the changes before an instant is the
    /// number of tickets open at that instant, reopenings included.
    func backlog() async throws -> TicketReport.Section {
        let buckets = self.buckets
        let edges = buckets.map(\.start) + [bounds.1]
        guard !parameters.entities.isEmpty else { return backlogSection(buckets, [:]) }
        let open = Self.openStatuses
        let query: SQLQueryString = """
            SELECT \(ident: "idx"), SUM(\(ident: "delta")) AS \(ident: "delta") FROM (
              SELECT \(Self.bucketIndex("\(ident: "c").\(ident: "changed_at")", edges)) AS \(ident: "idx"),
                (CASE WHEN \(ident: "c").\(ident: "status") IN (\(binds: open)) THEN 1 ELSE 0 END)
                - (CASE WHEN LAG(\(ident: "c").\(ident: "status")) OVER (PARTITION BY \(ident: "c").\(ident: "ticket_id")
                     ORDER BY \(ident: "c").\(ident: "changed_at"), \(ident: "c").\(ident: "id")) IN (\(binds: open))
                   THEN 1 ELSE 0 END) AS \(ident: "delta")
              FROM \(ident: "ticket_status_changes") \(ident: "c")
              JOIN \(ident: "tickets") \(ident: "t") ON \(ident: "t").\(ident: "id") = \(ident: "c").\(ident: "ticket_id")
              WHERE \(scope) AND \(ident: "c").\(ident: "changed_at") < \(bind: bounds.1)
            ) \(ident: "x") GROUP BY \(ident: "idx")
            """
        return backlogSection(buckets, try await byBucket(query, ["delta"]))
    }

    private func backlogSection(_ buckets: [ReportBucket], _ deltas: [Int: [Int]]) -> TicketReport.Section {
        var open = deltas[-1]?[0] ?? 0
        var rows: [[TicketReport.Value]] = []
        var values: [Double?] = []
        for (index, bucket) in buckets.enumerated() {
            open += deltas[index]?[0] ?? 0
            rows.append([.text(bucket.label), .text(Self.iso(bucket.start)), .text(Self.iso(bucket.end)), .integer(open)])
            values.append(Double(open))
        }
        return TicketReport.Section(
            key: "backlog", columns: ["period", "start", "end", "open"], rows: rows,
            chart: ReportChart(title: title("reports.backlog.title"), kind: .lines, categories: buckets.map(\.label),
                               series: [.init(name: t("reports.column.open"), values: values)],
                               decimalSeparator: decimalSeparator))
    }

    // MARK: created vs solved

    /// Tickets opened in each bucket, and solutions given in it (from the status history: a ticket solved, reopened
    /// and solved again counts twice, so that opened − solved + reopened is the change of the backlog).
    func createdSolved() async throws -> TicketReport.Section {
        let buckets = self.buckets
        let edges = buckets.map(\.start) + [bounds.1]
        var created: [Int: [Int]] = [:], solved: [Int: [Int]] = [:]
        if !parameters.entities.isEmpty {
            created = try await byBucket("""
                SELECT \(Self.bucketIndex("\(ident: "t").\(ident: "opened_at")", edges)) AS \(ident: "idx"),
                  COUNT(*) AS \(ident: "n") FROM \(ident: "tickets") \(ident: "t")
                WHERE \(scope) AND \(ident: "t").\(ident: "opened_at") >= \(bind: bounds.0)
                  AND \(ident: "t").\(ident: "opened_at") < \(bind: bounds.1)
                GROUP BY 1
                """, ["n"])
            solved = try await byBucket("""
                SELECT \(Self.bucketIndex("\(ident: "c").\(ident: "changed_at")", edges)) AS \(ident: "idx"),
                  COUNT(*) AS \(ident: "n") FROM \(ident: "ticket_status_changes") \(ident: "c")
                JOIN \(ident: "tickets") \(ident: "t") ON \(ident: "t").\(ident: "id") = \(ident: "c").\(ident: "ticket_id")
                WHERE \(scope) AND \(ident: "c").\(ident: "status") = \(bind: TicketStatus.solved.rawValue)
                  AND \(ident: "c").\(ident: "changed_at") >= \(bind: bounds.0)
                  AND \(ident: "c").\(ident: "changed_at") < \(bind: bounds.1)
                GROUP BY 1
                """, ["n"])
        }
        let rows: [[TicketReport.Value]] = buckets.enumerated().map { index, bucket in
            [.text(bucket.label), .text(Self.iso(bucket.start)), .text(Self.iso(bucket.end)),
             .integer(created[index]?[0] ?? 0), .integer(solved[index]?[0] ?? 0)]
        }
        return TicketReport.Section(
            key: "created_solved", columns: ["period", "start", "end", "created", "solved"], rows: rows,
            chart: ReportChart(
                title: title("reports.created-solved.title"), kind: .bars, categories: buckets.map(\.label),
                series: [.init(name: t("reports.column.created"), values: buckets.indices.map { Double(created[$0]?[0] ?? 0) }),
                         .init(name: t("reports.column.solved"), values: buckets.indices.map { Double(solved[$0]?[0] ?? 0) })],
                decimalSeparator: decimalSeparator))
    }

    // MARK: time to resolve

    /// For the tickets solved in the period (their last solution), by category: how many, and the median and 90th
    /// percentile of the wall-clock time from opening to solution, in hours. Percentiles are nearest-rank: the
    /// median of n values is the ⌈n/2⌉-th smallest, the 90th percentile the ⌈9n/10⌉-th — always a real ticket's
    /// time, and the same on both databases (window functions, integer arithmetic).
    func timeToResolve() async throws -> TicketReport.Section {
        var found: [(category: UUID?, count: Int, median: Double, p90: Double)] = []
        if !parameters.entities.isEmpty {
            let duration = seconds("\(ident: "t").\(ident: "opened_at")", "\(ident: "t").\(ident: "solved_at")")
            let rows = try await sql.raw("""
                SELECT \(ident: "category_id"), \(ident: "n"), \(ident: "rn"), \(ident: "seconds") FROM (
                  SELECT \(ident: "t").\(ident: "category_id") AS \(ident: "category_id"), \(duration) AS \(ident: "seconds"),
                    ROW_NUMBER() OVER (PARTITION BY \(ident: "t").\(ident: "category_id") ORDER BY \(duration), \(ident: "t").\(ident: "id")) AS \(ident: "rn"),
                    COUNT(*) OVER (PARTITION BY \(ident: "t").\(ident: "category_id")) AS \(ident: "n")
                  FROM \(ident: "tickets") \(ident: "t")
                  WHERE \(scope) AND \(ident: "t").\(ident: "solved_at") >= \(bind: bounds.0)
                    AND \(ident: "t").\(ident: "solved_at") < \(bind: bounds.1)
                ) \(ident: "x")
                WHERE \(ident: "rn") = (\(ident: "n") + 1) / 2 OR \(ident: "rn") = (9 * \(ident: "n") + 9) / 10
                """).all()
            var byCategory: [UUID?: (count: Int, median: Double, p90: Double)] = [:]
            for row in rows {
                let category = try row.decode(column: "category_id", as: UUID?.self)
                let count = try row.decode(column: "n", as: Int.self)
                let rank = try row.decode(column: "rn", as: Int.self)
                let hours = try row.decode(column: "seconds", as: Double.self) / 3600
                var entry = byCategory[category] ?? (count, 0, 0)
                if rank == (count + 1) / 2 { entry.median = hours }
                if rank == (9 * count + 9) / 10 { entry.p90 = hours }
                byCategory[category] = entry
            }
            found = byCategory.map { ($0.key, $0.value.count, $0.value.median, $0.value.p90) }
        }
        let names = try await categoryNames(Set(found.compactMap(\.category)))
        let none = t("reports.no_category")
        let sorted = found.map { (name: $0.category.flatMap { names[$0] } ?? none, $0) }
            .sorted { ($0.1.count, $1.name) > ($1.1.count, $0.name) }
        return TicketReport.Section(
            key: "time_to_resolve", columns: ["category", "tickets", "median_hours", "p90_hours"],
            rows: sorted.map { [.text($0.name), .integer($0.1.count), .number($0.1.median), .number($0.1.p90)] },
            chart: ReportChart(title: title("reports.time-to-resolve.title"), kind: .bars,
                               categories: sorted.map(\.name),
                               series: [.init(name: t("reports.column.median"), values: sorted.map { $0.1.median }),
                                        .init(name: t("reports.column.p90"), values: sorted.map { $0.1.p90 })],
                               unit: " h", decimalSeparator: decimalSeparator))
    }

    /// Category names with their parents (`Matériel › Imprimantes`), in one query.
    private func categoryNames(_ ids: Set<UUID>) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        let all = try await TicketCategoryModel.query(on: request.db).all()
        let byID = Dictionary(uniqueKeysWithValues: all.map { ($0.id!, $0) })
        return Dictionary(uniqueKeysWithValues: ids.map { id in
            var parts: [String] = []
            var current = byID[id]
            while let category = current, parts.count < 10 {
                parts.insert(category.name, at: 0)
                current = category.parentID.flatMap { byID[$0] }
            }
            return (id, parts.joined(separator: " › "))
        })
    }

    // MARK: SLA compliance

    /// Per ticket opened in the period with an SLA target: whether the target was met, missed, or is still running.
    /// Missed is the breach flag or a deadline passed now (the clock job raises the flag within a minute); met is a
    /// ticket taken into account (time to own) or solved (time to resolve) without a breach.
    static func complianceSums(now: Date) -> SQLQueryString {
        let done = [TicketStatus.solved, .closed].map(\.rawValue)
        let ownMissed: SQLQueryString = """
            (\(TicketQuery.ownBreached(now: now, table: "t"))
             OR \(ident: "t").\(ident: "taken_into_account_at") > \(ident: "t").\(ident: "time_to_own_due"))
            """
        let resolveMissed = TicketQuery.resolveBreached(now: now, table: "t")
        return """
            SUM(CASE WHEN \(ident: "t").\(ident: "time_to_own_due") IS NOT NULL AND \(ownMissed) THEN 1 ELSE 0 END) AS \(ident: "own_missed"),
            SUM(CASE WHEN \(ident: "t").\(ident: "time_to_own_due") IS NOT NULL AND NOT \(ownMissed)
                      AND \(ident: "t").\(ident: "taken_into_account_at") IS NOT NULL THEN 1 ELSE 0 END) AS \(ident: "own_met"),
            SUM(CASE WHEN \(ident: "t").\(ident: "time_to_resolve_due") IS NOT NULL AND \(resolveMissed) THEN 1 ELSE 0 END) AS \(ident: "resolve_missed"),
            SUM(CASE WHEN \(ident: "t").\(ident: "time_to_resolve_due") IS NOT NULL AND NOT \(resolveMissed)
                      AND \(ident: "t").\(ident: "status") IN (\(binds: done)) THEN 1 ELSE 0 END) AS \(ident: "resolve_met")
            """
    }

    static let complianceColumns = ["own_met", "own_missed", "resolve_met", "resolve_missed"]

    /// Met / (met + missed) in percent; nil without a decided ticket.
    static func rate(_ met: Int, _ missed: Int) -> Double? {
        met + missed == 0 ? nil : Double(met) * 100 / Double(met + missed)
    }

    static func complianceValues(_ sums: [Int]) -> [TicketReport.Value] {
        [.integer(sums[0]), .integer(sums[1]), .number(rate(sums[0], sums[1])),
         .integer(sums[2]), .integer(sums[3]), .number(rate(sums[2], sums[3]))]
    }

    static let rateColumns = ["own_met", "own_missed", "own_rate", "resolve_met", "resolve_missed", "resolve_rate"]

    func slaCompliance() async throws -> [TicketReport.Section] {
        let buckets = self.buckets
        let edges = buckets.map(\.start) + [bounds.1]
        var byPeriod: [Int: [Int]] = [:], byPriority: [Int: [Int]] = [:]
        if !parameters.entities.isEmpty {
            let sums = Self.complianceSums(now: request.now)
            let inPeriod: SQLQueryString = """
                \(scope) AND \(ident: "t").\(ident: "opened_at") >= \(bind: bounds.0) AND \(ident: "t").\(ident: "opened_at") < \(bind: bounds.1)
                """
            byPeriod = try await byBucket("""
                SELECT \(Self.bucketIndex("\(ident: "t").\(ident: "opened_at")", edges)) AS \(ident: "idx"), \(sums)
                FROM \(ident: "tickets") \(ident: "t") WHERE \(inPeriod) GROUP BY 1
                """, Self.complianceColumns)
            byPriority = try await byBucket("""
                SELECT \(ident: "t").\(ident: "priority") AS \(ident: "idx"), \(sums)
                FROM \(ident: "tickets") \(ident: "t") WHERE \(inPeriod) GROUP BY \(ident: "t").\(ident: "priority")
                """, Self.complianceColumns)
        }
        let zero = [0, 0, 0, 0]
        let periodSums = buckets.indices.map { byPeriod[$0] ?? zero }
        let prioritySums = (1...6).map { byPriority[$0] ?? zero }
        let priorityLabels = (1...6).map { t("tickets.priority.\($0)") }
        func series(_ sums: [[Int]]) -> [ReportChart.Series] {
            [.init(name: t("reports.column.own_rate"), values: sums.map { Self.rate($0[0], $0[1]) }),
             .init(name: t("reports.column.resolve_rate"), values: sums.map { Self.rate($0[2], $0[3]) })]
        }
        return [
            TicketReport.Section(
                key: "by_period", columns: ["period", "start", "end"] + Self.rateColumns,
                rows: zip(buckets, periodSums).map { bucket, sums -> [TicketReport.Value] in
                    [TicketReport.Value.text(bucket.label), .text(Self.iso(bucket.start)), .text(Self.iso(bucket.end))]
                        + Self.complianceValues(sums)
                },
                chart: ReportChart(title: title("reports.sla-compliance.title_period"), kind: .lines,
                                   categories: buckets.map(\.label), series: series(periodSums), unit: " %",
                                   decimalSeparator: decimalSeparator)),
            TicketReport.Section(
                key: "by_priority", columns: ["priority"] + Self.rateColumns,
                rows: (1...6).map { [TicketReport.Value.integer($0)] + Self.complianceValues(prioritySums[$0 - 1]) },
                chart: ReportChart(title: title("reports.sla-compliance.title_priority"), kind: .bars,
                                   categories: priorityLabels, series: series(prioritySums), unit: " %",
                                   decimalSeparator: decimalSeparator)),
        ]
    }

    // MARK: time spent

    /// The time recorded on tasks whose day (their planned date, else when they were written) falls in the period,
    /// by technician and by the ticket's entity, in hours. (PostgreSQL sums a BIGINT column as NUMERIC: cast back.)
    func timeSpent() async throws -> [TicketReport.Section] {
        var byTechnician: [(UUID?, Int, Int)] = [], byEntity: [(UUID?, Int, Int)] = []
        if !parameters.entities.isEmpty {
            let day: SQLQueryString = "COALESCE(\(ident: "k").\(ident: "planned_at"), \(ident: "k").\(ident: "created_at"))"
            func grouped(_ column: SQLQueryString) async throws -> [(UUID?, Int, Int)] {
                try await sql.raw("""
                    SELECT \(column) AS \(ident: "key"),
                      CAST(SUM(\(ident: "k").\(ident: "spent_minutes")) AS BIGINT) AS \(ident: "minutes"),
                      COUNT(*) AS \(ident: "tasks")
                    FROM \(ident: "ticket_tasks") \(ident: "k")
                    JOIN \(ident: "tickets") \(ident: "t") ON \(ident: "t").\(ident: "id") = \(ident: "k").\(ident: "ticket_id")
                    WHERE \(scope) AND \(ident: "k").\(ident: "spent_minutes") > 0
                      AND \(day) >= \(bind: bounds.0) AND \(day) < \(bind: bounds.1)
                    GROUP BY \(column)
                    """).all().map {
                    (try $0.decode(column: "key", as: UUID?.self), try $0.decode(column: "minutes", as: Int.self),
                     try $0.decode(column: "tasks", as: Int.self))
                }
            }
            byTechnician = try await grouped("\(ident: "k").\(ident: "technician_id")")
            byEntity = try await grouped("\(ident: "t").\(ident: "entity_id")")
        }
        let technicianIDs = byTechnician.compactMap(\.0)
        let users = technicianIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues:
            try await UserModel.query(on: request.db).filter(\.$id ~~ technicianIDs).all().map { ($0.id!, $0.displayName) })
        let tree = try await request.entityTree()
        func section(_ key: String, _ column: String, _ titleKey: String, _ rows: [(UUID?, Int, Int)],
                     _ name: (UUID?) -> String) -> TicketReport.Section {
            let named = rows.map { (name: name($0.0), minutes: $0.1, tasks: $0.2) }
                .sorted { ($0.minutes, $1.name) > ($1.minutes, $0.name) }
            return TicketReport.Section(
                key: key, columns: [column, "tasks", "minutes", "hours"],
                rows: named.map { [.text($0.name), .integer($0.tasks), .integer($0.minutes), .number(Double($0.minutes) / 60)] },
                chart: ReportChart(title: title(titleKey), kind: .bars, categories: named.map(\.name),
                                   series: [.init(name: t("reports.column.hours"), values: named.map { Double($0.minutes) / 60 })],
                                   unit: " h", decimalSeparator: decimalSeparator))
        }
        return [
            section("by_technician", "technician", "reports.time-spent.title_technician", byTechnician) {
                $0.flatMap { users[$0] } ?? t("reports.no_technician")
            },
            section("by_entity", "entity", "reports.time-spent.title_entity", byEntity) {
                $0.map { tree.path(of: $0) } ?? "—"
            },
        ]
    }

    static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
}
