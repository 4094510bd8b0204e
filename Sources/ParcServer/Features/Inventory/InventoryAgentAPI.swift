import Fluent
import Foundation
import ParcCore
import ParcInventory
import Vapor

/// `POST /api/agent/v1/inventory`: Parc's agent sends its inventory (GLPI-native JSON, plain or
/// compressed) with its agent credential; the asset is created or updated, and linked to the agent.
enum InventoryAgentAPI {
    struct Reply: Content {
        let status: String
        let asset_id: UUID
        let created: Bool
        let changed_sections: [String]
    }

    @Sendable static func submit(_ req: Request) async throws -> Reply {
        let agent = try req.requireAgent()
        let (data, _) = try InventoryIntake.body(req)
        let report = try InventoryIntake.readJSON(data)
        guard report.action == .inventory else {
            throw ParcError.badRequest("inventory_unsupported_action",
                "Parc's agent endpoint takes local inventories (\"action\": \"inventory\"); network inventories are not taken here.")
        }
        let tree = try await req.entityTree()
        let settings = try await InventorySettings.effective(for: agent.entityID, tree: tree, on: req.db)
        let importer = InventoryImporter(db: req.db, services: req.parc.inventory,
                                         audit: AuditLog(request: req, actorName: "agent \(agent.hostname)"),
                                         matchOrder: settings.matchOrder)
        let result = try await importer.run(report, entityID: agent.entityID, source: InventorySource(
            kind: InventoryAgentKind.parcAgent.rawValue, deviceID: report.agent.deviceID ?? agent.machineID,
            agentID: agent.id, linkedAssetID: agent.assetID))
        return Reply(status: "ok", asset_id: result.assetID, created: result.created,
                     changed_sections: result.changedSections)
    }
}
