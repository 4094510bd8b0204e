import Fluent
import FluentKit
import Foundation
import ParcCore
import SQLKit
import Vapor

/// The SLA dashboard (`/tickets/sla`): open tickets about to breach and already breached, and the share of SLA
/// targets met this month and last by entity and by group — each number a link to the ticket list it counts.
/// Every figure comes from one SQL aggregate over the tickets of the entities where the user reads tickets.
struct SLADashboard: Encodable {
    struct Card: Encodable {
        let label: String
        let count: Int
        let href: String
        let tone: String
    }

    struct Row: Encodable {
        let name: String
        let href: String
        let thisOwn: String
        let thisResolve: String
        let lastOwn: String
        let lastResolve: String
        let thisCount: Int
        let lastCount: Int
    }

    let soon: [Card]
    let breached: [Card]
    let thisMonth: String
    let lastMonth: String
    let entities: [Row]
    let groups: [Row]

    static func load(_ req: Request) async throws -> SLADashboard {
        try await req.requireAnywhere(.ticketsRead)
        let entities = try await req.entities(for: .ticketsRead)
        let now = req.now
        let zone = req.timeZone
        let today = ReportPeriod.dayNumber(of: now, in: zone)
        let endOfToday = ReportPeriod.midnight(today + 1, in: zone)
        let minutesToday = max(1, Int((endOfToday.timeIntervalSince(now) / 60).rounded(.up)))
        let months = ReportPeriod(firstDay: ReportPeriod.bucketStart(of: ReportPeriod.bucketStart(of: today, .month) - 1,
                                                                     .month),
                                  lastDay: today, timeZone: zone).buckets(.month)
        let windows = [60, 240, minutesToday]
        var soon = [0, 0, 0], breached = [0, 0]
        var byEntity: [(UUID?, Int, [Int])] = [], byGroup: [(UUID?, Int, [Int])] = []
        if !entities.isEmpty {
            let sql = req.db as! any SQLDatabase
            let scope: SQLQueryString = "\(ident: "t").\(ident: "entity_id") IN (\(binds: entities.sorted { $0.uuidString < $1.uuidString }))"
            let running = [TicketStatus.new, .assigned, .planned].map(\.rawValue)
            let open = TicketQuery.openStatuses.map(\.rawValue)
            var columns: [SQLQueryString] = windows.enumerated().map { index, minutes in
                let limit = now.addingTimeInterval(TimeInterval(minutes * 60))
                return """
                    SUM(CASE WHEN \(ident: "t").\(ident: "status") IN (\(binds: running)) AND (
                      (\(ident: "t").\(ident: "time_to_resolve_due") >= \(bind: now) AND \(ident: "t").\(ident: "time_to_resolve_due") <= \(bind: limit))
                      OR (\(ident: "t").\(ident: "taken_into_account_at") IS NULL AND \(ident: "t").\(ident: "time_to_own_due") >= \(bind: now)
                          AND \(ident: "t").\(ident: "time_to_own_due") <= \(bind: limit))) THEN 1 ELSE 0 END) AS \(ident: "soon\(index)")
                    """
            }
            columns.append("""
                SUM(CASE WHEN \(TicketQuery.ownBreached(now: now, table: "t")) THEN 1 ELSE 0 END) AS \(ident: "own")
                """)
            columns.append("""
                SUM(CASE WHEN \(TicketQuery.resolveBreached(now: now, table: "t")) THEN 1 ELSE 0 END) AS \(ident: "resolve")
                """)
            let row = try await sql.raw("""
                SELECT \(SQLList(columns)) FROM \(ident: "tickets") \(ident: "t")
                WHERE \(scope) AND \(ident: "t").\(ident: "status") IN (\(binds: open))
                """).first()
            if let row {
                soon = try (0..<3).map { try row.decode(column: "soon\($0)", as: Int?.self) ?? 0 }
                breached = [try row.decode(column: "own", as: Int?.self) ?? 0,
                            try row.decode(column: "resolve", as: Int?.self) ?? 0]
            }
            let edges = months.map(\.start) + [months.last!.end]
            let month = TicketReportBuilder.bucketIndex("\(ident: "t").\(ident: "opened_at")", edges)
            let sums = TicketReportBuilder.complianceSums(now: now)
            let inMonths: SQLQueryString = """
                \(scope) AND \(ident: "t").\(ident: "opened_at") >= \(bind: edges[0]) AND \(ident: "t").\(ident: "opened_at") < \(bind: edges[2])
                """
            func rows(_ query: SQLQueryString) async throws -> [(UUID?, Int, [Int])] {
                try await sql.raw(query).all().map { row in
                    (try row.decode(column: "key", as: UUID?.self), try row.decode(column: "idx", as: Int.self),
                     try TicketReportBuilder.complianceColumns.map { try row.decode(column: $0, as: Int?.self) ?? 0 })
                }
            }
            byEntity = try await rows("""
                SELECT \(ident: "t").\(ident: "entity_id") AS \(ident: "key"), \(month) AS \(ident: "idx"), \(sums)
                FROM \(ident: "tickets") \(ident: "t") WHERE \(inMonths) GROUP BY 1, 2
                """)
            byGroup = try await rows("""
                SELECT \(ident: "a").\(ident: "group_id") AS \(ident: "key"), \(month) AS \(ident: "idx"), \(sums)
                FROM \(ident: "tickets") \(ident: "t")
                JOIN \(ident: "ticket_actors") \(ident: "a") ON \(ident: "a").\(ident: "ticket_id") = \(ident: "t").\(ident: "id")
                  AND \(ident: "a").\(ident: "role") = \(bind: TicketActorRole.assignee.rawValue) AND \(ident: "a").\(ident: "group_id") IS NOT NULL
                WHERE \(inMonths) GROUP BY 1, 2
                """)
        }
        let tree = try await req.entityTree()
        let groupIDs = Array(Set(byGroup.compactMap(\.0)))
        let groupNames = groupIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues:
            try await SupportGroupModel.query(on: req.db).filter(\.$id ~~ groupIDs).all().map { ($0.id!, $0.name) })
        func table(_ found: [(UUID?, Int, [Int])], name: (UUID) -> String, href: (UUID) -> String) -> [Row] {
            let keys = Set(found.compactMap(\.0))
            return keys.map { key -> Row in
                let last = found.first { $0.0 == key && $0.1 == 0 }?.2 ?? [0, 0, 0, 0]
                let this = found.first { $0.0 == key && $0.1 == 1 }?.2 ?? [0, 0, 0, 0]
                return Row(name: name(key), href: href(key),
                           thisOwn: percent(this[0], this[1], req), thisResolve: percent(this[2], this[3], req),
                           lastOwn: percent(last[0], last[1], req), lastResolve: percent(last[2], last[3], req),
                           thisCount: this.reduce(0, +), lastCount: last.reduce(0, +))
            }.sorted { $0.name.localizedStandardCompare($1.name) == .orderedAscending }
        }
        let allStatuses = TicketStatus.allCases.map(\.rawValue).joined(separator: ",")
        let cards = zip(["sla.soon.hour", "sla.soon.four_hours", "sla.soon.today"], zip(windows, soon)).map { key, pair in
            Card(label: req.t(key), count: pair.1, href: "/tickets?breaching_within_minutes=\(pair.0)",
                 tone: pair.1 > 0 ? "amber" : "green")
        }
        return SLADashboard(
            soon: cards,
            breached: [
                Card(label: req.t("sla.breached.own"), count: breached[0], href: "/tickets?status=open&sla=own_breached",
                     tone: breached[0] > 0 ? "red" : "green"),
                Card(label: req.t("sla.breached.resolve"), count: breached[1],
                     href: "/tickets?status=open&sla=resolve_breached", tone: breached[1] > 0 ? "red" : "green"),
            ],
            thisMonth: months[1].label, lastMonth: months[0].label,
            entities: table(byEntity, name: { tree.path(of: $0) },
                            href: { "/tickets?entity_id=\($0.uuidString)&status=\(allStatuses)&sla=breached" }),
            groups: table(byGroup, name: { groupNames[$0] ?? "—" },
                          href: { "/tickets?group_id=\($0.uuidString)&status=\(allStatuses)&sla=breached" }))
    }

    /// `92 %` (French: `92 %` with a non-breaking space), `—` without a decided ticket.
    static func percent(_ met: Int, _ missed: Int, _ req: Request) -> String {
        guard let rate = TicketReportBuilder.rate(met, missed) else { return "—" }
        let shown = TicketReport.rounded((rate * 10).rounded() / 10)
        return (req.language == .fr ? shown.replacingOccurrences(of: ".", with: ",") : shown) + "\u{00A0}%"
            + " (\(met)/\(met + missed))"
    }
}
