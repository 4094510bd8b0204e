import FluentKit
import Foundation
import ParcCore
import Fluent
import Vapor

/// The repository growth chart: repository size over time, from the sizes agents report with
/// their runs, as server-rendered SVG (no script, no inline style; CSS classes from the design system).
struct GrowthChart: Encodable {
    struct Series: Encodable {
        let cssClass: String
        let name: String
        let points: String
        let last: String
        /// The last point, marked with a dot (a series of one point draws no line).
        let lastX: String
        let lastY: String
    }

    struct GridLine: Encodable {
        let y: String
        let label: String
    }

    let title: String
    let series: [Series]
    let grid: [GridLine]
    let startLabel: String
    let endLabel: String

    static let width = 640.0, height = 220.0, left = 80.0, top = 10.0, bottom = 30.0, right = 10.0

    /// One series per repository (at most five, the largest first), from runs of the last `days`.
    static func load(repositories: [BackupRepositoryModel], days: Int = 90, req: Request) async throws -> GrowthChart? {
        guard !repositories.isEmpty else { return nil }
        let since = req.now.addingTimeInterval(-TimeInterval(days) * 86400)
        let runs = try await BackupRunModel.query(on: req.db).filter(\.$repositoryID ~~ repositories.map { $0.id! })
            .filter(\.$repositorySizeBytes != nil).filter(\.$finishedAt >= since)
            .sort(\.$finishedAt).limit(20_000).all()
        let byRepository = Dictionary(grouping: runs, by: { $0.repositoryID! })
        let names = Dictionary(uniqueKeysWithValues: repositories.map { ($0.id!, $0.name) })
        let ranked = byRepository.map { id, runs in (id, runs) }
            .sorted { ($0.1.last?.repositorySizeBytes ?? 0) > ($1.1.last?.repositorySizeBytes ?? 0) }.prefix(5)
        let points = ranked.map { _, runs in
            runs.map { SeriesChartLayout.Point(date: $0.finishedAt, value: Double($0.repositorySizeBytes ?? 0)) }
        }
        guard let layout = SeriesChartLayout(series: points, left: left, top: top, width: width - left - right,
                                             height: height - top - bottom) else { return nil }
        let language = req.language
        let series = zip(ranked, points).enumerated().map { index, pair in
            let ((id, runs), points) = pair
            let last = points.max { $0.date < $1.date }
            return Series(cssClass: "s\(index + 1)", name: names[id] ?? "", points: layout.polyline(points),
                          last: ParcFormat.bytes(runs.last?.repositorySizeBytes, language: language),
                          lastX: SeriesChartLayout.format(last.map { layout.x($0.date) } ?? 0),
                          lastY: SeriesChartLayout.format(last.map { layout.y($0.value) } ?? 0))
        }
        let grid = layout.gridValues.map {
            GridLine(y: SeriesChartLayout.format(layout.y($0)), label: ParcFormat.bytes(Int($0), language: language))
        }
        let summary = series.map { "\($0.name) \($0.last)" }.joined(separator: ", ")
        return GrowthChart(title: req.t("backup.growth.title_svg", summary), series: series, grid: grid,
                           startLabel: req.formatDateTime(layout.start), endLabel: req.formatDateTime(layout.end))
    }
}

/// The backup tab of an agent's page: its state, recent runs and restore tests.
struct BackupAgentPanel: Encodable {
    struct RunRow: Encodable {
        let id: UUID
        let finished: String
        let plan: String
        var machine: String = ""
        let repository: String
        let method: String
        let status: String
        let statusLabel: String
        let files: String
        let bytes: String
        let newBytes: String
        let errors: Int
        let messages: [String]
        let snapshot: String
    }

    struct DrillRow: Encodable {
        let id: UUID
        let finished: String
        let plan: String
        let repository: String
        let snapshot: String
        let files: String
        let bytes: String
        let passed: Bool
        let failures: [BackupDrillModel.Failure]
        let failureCount: Int
    }

    let state: FleetRowView?
    let runs: [RunRow]
    let drills: [DrillRow]

    static func load(for agent: AgentModel, on req: Request) async throws -> BackupAgentPanel {
        let runs = try await BackupRunModel.query(on: req.db).filter(\.$agentID == agent.id!)
            .sort(\.$finishedAt, .descending).limit(50).all()
        let drills = try await BackupDrillModel.query(on: req.db).filter(\.$agentID == agent.id!)
            .sort(\.$finishedAt, .descending).limit(20).all()
        let planIDs = Set(runs.compactMap(\.planID) + drills.compactMap(\.planID))
        let repositoryIDs = Set(runs.compactMap(\.repositoryID) + drills.compactMap(\.repositoryID))
        let plans = planIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues:
            try await BackupPlanModel.query(on: req.db).filter(\.$id ~~ Array(planIDs)).all().map { ($0.id!, $0.name) })
        let repositories = repositoryIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues:
            try await BackupRepositoryModel.query(on: req.db).filter(\.$id ~~ Array(repositoryIDs)).all()
                .map { ($0.id!, $0.name) })
        let language = req.language
        let state = agent.revokedAt == nil ? try await BackupFleet.rows(for: [agent], req: req).first : nil
        return BackupAgentPanel(
            state: state.map { FleetRowView($0, req: req) },
            runs: runs.map {
                RunRow(id: $0.id!, finished: req.formatDateTime($0.finishedAt),
                       plan: $0.planID.flatMap { plans[$0] } ?? "—",
                       repository: $0.repositoryID.flatMap { repositories[$0] } ?? "—",
                       method: req.t("backup.method.\($0.method)"), status: $0.status,
                       statusLabel: req.t("backup.run.status.\($0.status)"),
                       files: ParcFormat.number($0.files, language: language),
                       bytes: ParcFormat.bytes($0.bytes, language: language),
                       newBytes: ParcFormat.bytes($0.newBytes, language: language), errors: $0.errors,
                       messages: Array($0.errorMessages.prefix(5)), snapshot: String(($0.snapshotID ?? "").prefix(12)))
            },
            drills: drills.map {
                DrillRow(id: $0.id!, finished: req.formatDateTime($0.finishedAt),
                         plan: $0.planID.flatMap { plans[$0] } ?? "—",
                         repository: $0.repositoryID.flatMap { repositories[$0] } ?? "—",
                         snapshot: String($0.snapshotID.prefix(12)),
                         files: ParcFormat.number($0.filesChecked, language: language),
                         bytes: ParcFormat.bytes($0.bytesChecked, language: language), passed: $0.passed,
                         failures: Array($0.failures.prefix(10)), failureCount: $0.failureCount)
            })
    }
}

/// A fleet row as pages show it: dates and badges in the user's language.
struct FleetRowView: Encodable {
    let agentID: UUID
    let hostname: String
    let entity: String
    let lastSeen: String
    let lastGood: String
    let rpoState: String
    let rpoLabel: String
    let rpoHours: Int
    let drillState: String
    let drillLabel: String
    let drillDate: String
    let threeTwoOne: String
    let threeTwoOneLabel: String
    let repositories: [String]
    let plans: [String]
    /// The plan whose state the machine shows (its worst), when one does.
    let rpoPlan: String?

    init(_ row: BackupFleet.Row, req: Request) {
        agentID = row.agent_id
        hostname = row.hostname
        entity = row.entity
        lastSeen = req.formatDateTime(row.last_seen_at)
        lastGood = req.formatDateTime(row.last_good_backup_at)
        rpoState = row.rpo_state
        rpoLabel = req.t("backup.rpo.\(row.rpo_state)")
        rpoHours = row.rpo_hours
        drillState = row.drill_state
        drillLabel = req.t("backup.drill.\(row.drill_state)")
        drillDate = row.last_drill.map { req.formatDateTime($0.finished_at) } ?? ""
        threeTwoOne = row.three_two_one
        threeTwoOneLabel = req.t("backup.321.\(row.three_two_one)")
        repositories = row.repositories.map { $0.off_site ? "\($0.name) (\(req.t("backup.repositories.off_site_short")))" : $0.name }
        plans = row.plans.map(\.name)
        rpoPlan = row.plans.first { $0.rpo_state == row.rpo_state && $0.rpo_hours == row.rpo_hours }?.name
    }
}
