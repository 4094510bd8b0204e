import Fluent
import Foundation
import ParcCore
import SQLKit
import Vapor

/// The fleet's dashboard cards: each counts the assets the user may see, and links to the list
/// filtered the same way (so the number and the list agree).
struct InventoryWidget: DashboardWidget {
    enum Kind: String, CaseIterable {
        case fleet, operatingSystems, notSeen, fullDisks, lowMemory, warranties
    }

    let kind: Kind
    var id: String { "assets-" + kind.rawValue }

    /// Under 4 GB of memory is "low" for a workstation today.
    static let lowMemoryBytes: Int64 = 4_000_000_000

    func render(on request: Request) async throws -> WidgetCard? {
        let entities = try await request.entities(for: .assetsRead)
        guard !entities.isEmpty else { return nil }
        let sql = request.db as! any SQLDatabase
        let language = request.language
        func count(_ extra: (any SQLExpression)? = nil) async throws -> Int {
            var select = sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("assets")
                .where("entity_id", .in, SQLBind.group(Array(entities)))
            if let extra { select = select.where(extra) }
            return try await select.first()?.decode(column: "n", as: Int.self) ?? 0
        }
        func grouped(_ column: String, limit: Int) async throws -> [(String, Int)] {
            try await sql.select().column(column).column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
                .from("assets").where("entity_id", .in, SQLBind.group(Array(entities)))
                .where(SQLColumn(column), .isNot, SQLLiteral.null)
                .groupBy(column).orderBy(SQLOrderBy(expression: SQLIdentifier("n"), direction: SQLDirection.descending)).limit(limit).all()
                .map { (try $0.decode(column: column, as: String.self), try $0.decode(column: "n", as: Int.self)) }
        }
        let number = { (value: Int) in ParcFormat.number(value, language: language) }
        switch kind {
        case .fleet:
            let total = try await count()
            let types = try await grouped("type", limit: 6)
            return WidgetCard(title: request.t("widget.assets.fleet"), value: number(total),
                              detail: types.map { "\(number($0.1)) \(request.t("assets.type.\($0.0)").lowercased())" }
                                  .joined(separator: " · "),
                              url: "/assets", tone: nil)
        case .operatingSystems:
            let systems = try await grouped("os_name", limit: 3)
            guard !systems.isEmpty else { return nil }
            return WidgetCard(title: request.t("widget.assets.os"), value: systems[0].0,
                              detail: systems.map { "\($0.0) : \(number($0.1))" }.joined(separator: " · "),
                              url: "/assets?type=computer&sort=os_name", tone: nil)
        case .notSeen:
            let limit = request.now.addingTimeInterval(-30 * 86_400)
            let stale = try await count(SQLBinaryExpression(SQLColumn("last_inventory_at"), .lessThan, SQLBind(limit)))
            return WidgetCard(title: request.t("widget.assets.not_seen"), value: number(stale),
                              detail: request.t("widget.assets.not_seen.detail"),
                              url: "/assets?not_seen_days=30", tone: stale > 0 ? "alert" : nil)
        case .fullDisks:
            let full = try await count(SQLBinaryExpression(SQLColumn("disk_used_max_percent"), .greaterThanOrEqual,
                                                           SQLBind(90)))
            return WidgetCard(title: request.t("widget.assets.full_disks"), value: number(full),
                              detail: request.t("widget.assets.full_disks.detail"),
                              url: "/assets?disk_used_gte=90", tone: full > 0 ? "alert" : nil)
        case .lowMemory:
            let low = try await count(SQLBinaryExpression(
                SQLBinaryExpression(SQLColumn("memory_bytes"), .lessThan, SQLBind(Self.lowMemoryBytes)), .and,
                SQLBinaryExpression(SQLColumn("type"), .equal, SQLBind("computer"))))
            return WidgetCard(title: request.t("widget.assets.low_memory"), value: number(low),
                              detail: request.t("widget.assets.low_memory.detail"),
                              url: "/assets?type=computer&memory_bytes_lt=\(Self.lowMemoryBytes)", tone: nil)
        case .warranties:
            let today = UTCDay.text(request.now)
            let soon = UTCDay.text(request.now.addingTimeInterval(90 * 86_400))
            let ending = try await count(SQLBinaryExpression(
                SQLBinaryExpression(SQLColumn("warranty_end"), .greaterThanOrEqual, SQLBind(today)), .and,
                SQLBinaryExpression(SQLColumn("warranty_end"), .lessThanOrEqual, SQLBind(soon))))
            return WidgetCard(title: request.t("widget.assets.warranties"), value: number(ending),
                              detail: request.t("widget.assets.warranties.detail"),
                              url: "/assets?warranty_ends_within_days=90", tone: nil)
        }
    }
}
