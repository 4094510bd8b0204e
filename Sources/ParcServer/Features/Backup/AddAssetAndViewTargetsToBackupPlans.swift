import FluentKit
import Foundation
import SQLKit

/// Plans applied to assets and to saved views of the asset list, and the record of since when each machine is under
/// each plan (decisions 0067 and 0068).
struct AddAssetAndViewTargetsToBackupPlans: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // No foreign key to saved_views nor assets: a target whose view or asset is gone stays, so the plan's page
        // can say what it was and that it reaches nothing now.
        try await database.schema("backup_plan_targets").field("saved_view_id", .uuid).update()
        try await database.schema("backup_plan_targets").field("label", .string).update()
        try await database.schema("backup_plan_coverage")
            .id()
            .field("plan_id", .uuid, .required, .references("backup_plans", "id", onDelete: .cascade))
            .field("agent_id", .uuid, .required, .references("agents", "id", onDelete: .cascade))
            .field("since", .datetime, .required)
            .unique(on: "plan_id", "agent_id")
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "backup_plan_targets_asset_idx").on("backup_plan_targets").column("asset_id").run()
        // An agent fetching its plans looks its assets up by either link.
        try await sql.create(index: "assets_agent").on("assets").column("agent_id").run()
        try await sql.create(index: "agents_asset").on("agents").column("asset_id").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        for index in ["agents_asset", "assets_agent", "backup_plan_targets_asset_idx"] {
            try await sql.drop(index: index).run()
        }
        try await database.schema("backup_plan_coverage").delete()
        try await database.schema("backup_plan_targets").deleteField("label").update()
        try await database.schema("backup_plan_targets").deleteField("saved_view_id").update()
    }
}
