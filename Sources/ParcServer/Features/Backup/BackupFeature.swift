import FluentKit
import Foundation
import ParcCore
import Fluent
import Vapor

/// Backup, server side: repositories, plans and targets, runs and restore tests reported by
/// agents, the fleet view, the "RPO late" alert (docs/backup-server.md).
struct BackupFeature: ParcFeature {
    var migrations: [any Migration] { [CreateBackupTables(), AddAssetAndViewTargetsToBackupPlans()] }

    func register(_ registry: FeatureRegistry, routes: any RoutesBuilder, api: APIRoutes) throws {
        registry.addNavigation(.init(id: "backup", labelKey: "nav.backup.fleet", path: "/backup", icon: "archive",
                                     section: "nav.section.backup", permission: .backupRead, order: 500))
        registry.addNavigation(.init(id: "backup-plans", labelKey: "nav.backup.plans", path: "/backup/plans",
                                     icon: "clock", section: "nav.section.backup", permission: .backupRead, order: 510))
        registry.addNavigation(.init(id: "backup-repositories", labelKey: "nav.backup.repositories",
                                     path: "/backup/repositories", icon: "database", section: "nav.section.backup",
                                     permission: .backupRead, order: 520))
        registry.addJob(BackupRPOJob())
        registry.addSchedule(BackupRPOJob.schedule)
        BackupAPIController().register(api)
        BackupPagesController().register(routes)
    }

    func registerAgentAPI(_ agent: AgentAPIRoutes) throws {
        agent.on(.GET, "backup", "plans", use: BackupAgentAPI.plans)
        agent.on(.POST, "backup", "runs", use: BackupAgentAPI.reportRun)
        agent.on(.POST, "backup", "drills", use: BackupAgentAPI.reportDrill)
    }
}
