import FluentKit
import Foundation
import ParcCore
import Fluent
import SQLKit
import Vapor

/// Which plans apply to which agents (shared by the agent API, the fleet view, the pages and the "RPO late" job).
///
/// A plan applies to an agent directly, through its entity or an entity above it, through the asset the agent is
/// linked to (either link: the agent's `asset_id`, or the asset's `agent_id`), or through a saved view of the asset
/// list that the agent's asset matches now — evaluated within the plan's entity and its sub-entities, as the view's
/// owner would see the list (decision 0067). Retired and disposed assets take part in no plan.
enum PlanTargeting {
    /// Why an asset or saved-view target reaches no machine.
    enum Problem: String, Sendable, CaseIterable {
        case assetDeleted = "asset_deleted"
        case assetOutOfService = "asset_out_of_service"
        case assetOutsidePlan = "asset_outside_plan"
        case noAgent = "no_agent"
        case viewDeleted = "view_deleted"
        case viewNotShared = "view_not_shared"
        case viewInvalid = "view_invalid"

        /// What the API says (English); pages show `backup.plans.target_state.<raw value>`.
        var message: String {
            switch self {
            case .assetDeleted: "The asset was deleted: the target reaches no machine; remove it."
            case .assetOutOfService: "The asset is retired or disposed: the plan no longer applies to it."
            case .assetOutsidePlan: "The asset moved out of the plan's entity: the plan no longer applies to it."
            case .noAgent: "No Parc agent is linked to this asset yet: the machine is not backed up."
            case .viewDeleted: "The saved view was deleted: the target reaches no machine; remove it or choose another view."
            case .viewNotShared: "The saved view is no longer shared: the target reaches no machine until it is shared again."
            case .viewInvalid: "The saved view's search is no longer valid: the target reaches no machine until the view is fixed."
            }
        }
    }

    /// An asset a plan targets that no active agent backs up.
    struct UncoveredAsset: Sendable {
        let id: UUID
        let name: String
        let entityID: UUID
    }

    /// What an asset or saved-view target reaches now.
    struct Reach: Sendable {
        /// Active agents the plan reaches through this target.
        var agents: Set<UUID> = []
        /// In-service assets the target designates (1 for an asset target that is in service).
        var assets = 0
        /// Those of them without an active agent.
        var uncovered: [UncoveredAsset] = []
        var problem: Problem?
        /// The list's own message when the view's search is refused.
        var detail: String?
    }

    /// An asset as targeting needs it.
    private struct AssetFacts {
        let id: UUID
        let name: String
        let entityID: UUID
        let status: String
        let agentID: UUID?

        var inService: Bool { AssetStatus(rawValue: status)?.isInService ?? true }
    }

    // MARK: one agent

    /// The plans (enabled only, unless `includeDisabled`) that apply to the agent now.
    static func plans(for agent: AgentModel, tree: EntityTree, now: Date, includeDisabled: Bool = false,
                      on db: any Database) async throws -> [BackupPlanModel] {
        let lineage = [agent.entityID] + tree.ancestors(of: agent.entityID)
        var targets = try await BackupPlanTargetModel.query(on: db).group(.or) {
            $0.filter(\.$agentID == agent.id!).filter(\.$targetEntityID ~~ lineage)
        }.all()
        let linked = try await assets(of: agent, on: db)
        let assetIDs = Array(linked.keys)
        if !assetIDs.isEmpty {
            let direct = Set(targets.map(\.planID))
            let candidates = try await BackupPlanTargetModel.query(on: db).group(.or) {
                $0.group(.and) {
                    $0.filter(\.$kind == BackupPlanTargetModel.Kind.asset.rawValue).filter(\.$assetID ~~ assetIDs)
                }
                .filter(\.$kind == BackupPlanTargetModel.Kind.savedView.rawValue)
            }.all().filter { !direct.contains($0.planID) }
            if !candidates.isEmpty {
                var query = BackupPlanModel.query(on: db).filter(\.$id ~~ Set(candidates.map(\.planID)))
                if !includeDisabled { query = query.filter(\.$enabled == true) }
                let plans = Dictionary(uniqueKeysWithValues: try await query.all().map { ($0.id!, $0) })
                // Only plans whose subtree holds one of the agent's assets can reach it: no query for the others.
                let entities = Set(linked.values)
                let relevant = candidates.filter { target in
                    guard let plan = plans[target.planID] else { return false }
                    return !entities.isDisjoint(with: tree.subtree(of: plan.entityID))
                }
                let reach = try await self.reach(of: relevant, plans: plans, tree: tree, now: now,
                                                 restrictedTo: assetIDs, on: db)
                targets += candidates.filter { reach[$0.id!]?.agents.contains(agent.id!) == true }
            }
        }
        let planIDs = Set(targets.map(\.planID))
        guard !planIDs.isEmpty else { return [] }
        var query = BackupPlanModel.query(on: db).filter(\.$id ~~ Array(planIDs))
        if !includeDisabled { query = query.filter(\.$enabled == true) }
        return try await query.sort(\.$name).sort(\.$id).all()
    }

    /// The assets an agent is linked to, either way, with their entities.
    private static func assets(of agent: AgentModel, on db: any Database) async throws -> [UUID: UUID] {
        let assets = try await AssetModel.query(on: db).group(.or) { or in
            or.filter(\.$agentID == agent.id!)
            if let linked = agent.assetID { or.filter(\.$id == linked) }
        }.all()
        return Dictionary(assets.map { ($0.id!, $0.entityID) }, uniquingKeysWith: { first, _ in first })
    }

    // MARK: the whole fleet

    /// Every enabled plan with its targets and what each asset or view target reaches now: computed once for a fleet
    /// view or a run of the "RPO late" job.
    struct Snapshot: Sendable {
        let plans: [UUID: BackupPlanModel]
        let targets: [BackupPlanTargetModel]
        let reach: [UUID: Reach]

        static func load(tree: EntityTree, now: Date, on db: any Database) async throws -> Snapshot {
            let plans = try await BackupPlanModel.query(on: db).filter(\.$enabled == true).all()
            guard !plans.isEmpty else { return Snapshot(plans: [:], targets: [], reach: [:]) }
            let byID = Dictionary(uniqueKeysWithValues: plans.map { ($0.id!, $0) })
            var targets: [BackupPlanTargetModel] = []
            for chunk in plans.map({ $0.id! }).chunked(500) {
                targets += try await BackupPlanTargetModel.query(on: db).filter(\.$planID ~~ Array(chunk)).all()
            }
            let reach = try await PlanTargeting.reach(of: targets, plans: byID, tree: tree, now: now, on: db)
            return Snapshot(plans: byID, targets: targets, reach: reach)
        }

        /// The targets through which a plan applies to the agent.
        func targets(reaching agent: AgentModel, tree: EntityTree) -> [BackupPlanTargetModel] {
            let lineage = Set([agent.entityID] + tree.ancestors(of: agent.entityID))
            return targets.filter { target in
                target.agentID == agent.id || target.targetEntityID.map(lineage.contains) == true
                    || reach[target.id!]?.agents.contains(agent.id!) == true
            }
        }

        /// The plans that apply to the agent, by name.
        func plans(for agent: AgentModel, tree: EntityTree) -> [BackupPlanModel] {
            Set(targets(reaching: agent, tree: tree).map(\.planID)).compactMap { plans[$0] }
                .sorted { ($0.name, $0.id!.uuidString) < ($1.name, $1.id!.uuidString) }
        }

        /// Assets that enabled plans target and no active agent backs up, with the plans concerned, by asset name.
        var uncovered: [(asset: UncoveredAsset, plans: [BackupPlanModel])] {
            var assets: [UUID: UncoveredAsset] = [:]
            var plansByAsset: [UUID: Set<UUID>] = [:]
            for target in targets {
                for asset in reach[target.id!]?.uncovered ?? [] {
                    assets[asset.id] = asset
                    plansByAsset[asset.id, default: []].insert(target.planID)
                }
            }
            return assets.values.sorted { ($0.name.lowercased(), $0.id.uuidString) < ($1.name.lowercased(), $1.id.uuidString) }
                .map { asset in
                    (asset, (plansByAsset[asset.id] ?? []).compactMap { plans[$0] }.sorted { $0.name < $1.name })
                }
        }
    }

    /// Plans per agent for many agents at once (fleet view).
    static func plansByAgent(_ agents: [AgentModel], snapshot: Snapshot, tree: EntityTree) -> [UUID: [BackupPlanModel]] {
        Dictionary(uniqueKeysWithValues: agents.map { ($0.id!, snapshot.plans(for: $0, tree: tree)) })
    }

    // MARK: reach of asset and view targets

    /// What each asset or saved-view target reaches now (agent and entity targets are left out). `restrictedTo`
    /// limits the evaluation to a few assets (one agent's).
    static func reach(of targets: [BackupPlanTargetModel], plans: [UUID: BackupPlanModel], tree: EntityTree,
                      now: Date, restrictedTo only: [UUID]? = nil, on db: any Database) async throws -> [UUID: Reach] {
        var result: [UUID: Reach] = [:]
        var designated: [UUID: [AssetFacts]] = [:]

        // Asset targets.
        let assetTargets = targets.filter { $0.targetKind == .asset && $0.assetID != nil }
        let assetIDs = Array(Set(assetTargets.compactMap(\.assetID)))
        var assetsByID: [UUID: AssetFacts] = [:]
        for chunk in assetIDs.chunked(500) {
            for asset in try await AssetModel.query(on: db).filter(\.$id ~~ Array(chunk)).all() {
                assetsByID[asset.id!] = AssetFacts(id: asset.id!, name: asset.name, entityID: asset.entityID,
                                                   status: asset.status, agentID: asset.agentID)
            }
        }
        for target in assetTargets {
            guard let plan = plans[target.planID] else { continue }
            var reach = Reach()
            if let asset = assetsByID[target.assetID!] {
                if !asset.inService {
                    reach.problem = .assetOutOfService
                } else if !tree.subtree(of: plan.entityID).contains(asset.entityID) {
                    reach.problem = .assetOutsidePlan
                } else {
                    designated[target.id!] = [asset]
                }
            } else {
                reach.problem = .assetDeleted
            }
            result[target.id!] = reach
        }

        // Saved-view targets.
        let viewTargets = targets.filter { $0.targetKind == .savedView && $0.savedViewID != nil }
        let viewIDs = Array(Set(viewTargets.compactMap(\.savedViewID)))
        let views = viewIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues:
            try await SavedViewModel.query(on: db).filter(\.$id ~~ viewIDs).all().map { ($0.id!, $0) })
        for target in viewTargets {
            guard let plan = plans[target.planID] else { continue }
            var reach = Reach()
            defer { result[target.id!] = reach }
            guard let view = views[target.savedViewID!] else {
                reach.problem = .viewDeleted
                continue
            }
            guard view.shared, view.listKey == BackupService.assetListKey else {
                reach.problem = .viewNotShared
                continue
            }
            do {
                let query = try AssetQuery.spec.parse(try QueryString.pairs(view.query))
                var assets = AssetQuery(query: query, within: Set(tree.subtree(of: plan.entityID)), tree: tree,
                                        me: view.ownerID, now: now, db: db)
                if let only { assets = assets.restricted(to: only) }
                designated[target.id!] = try await assets.matches().map {
                    AssetFacts(id: $0.id, name: $0.name, entityID: $0.entityID, status: $0.status, agentID: $0.agentID)
                }.filter(\.inService)
            } catch let error as ListQueryError {
                reach.problem = .viewInvalid
                reach.detail = error.description
            } catch let error as QueryStringError {
                reach.problem = .viewInvalid
                reach.detail = error.description
            } catch let error as ParcError where error.status == .badRequest {
                reach.problem = .viewInvalid
                reach.detail = error.message
            }
        }

        // The agents of the designated assets.
        let agentsByAsset = try await activeAgents(linkedTo: Array(designated.values.joined()), on: db)
        for (targetID, assets) in designated {
            var reach = result[targetID] ?? Reach()
            reach.assets = assets.count
            for asset in assets {
                let agents = agentsByAsset[asset.id] ?? []
                if agents.isEmpty {
                    reach.uncovered.append(UncoveredAsset(id: asset.id, name: asset.name, entityID: asset.entityID))
                } else {
                    reach.agents.formUnion(agents)
                }
            }
            if reach.agents.isEmpty, !reach.uncovered.isEmpty { reach.problem = .noAgent }
            result[targetID] = reach
        }
        return result
    }

    /// The active (not revoked) agents linked to each asset, by either link.
    private static func activeAgents(linkedTo assets: [AssetFacts], on db: any Database) async throws
        -> [UUID: Set<UUID>] {
        guard !assets.isEmpty else { return [:] }
        var result: [UUID: Set<UUID>] = [:]
        let assetIDs = Array(Set(assets.map(\.id)))
        for chunk in assetIDs.chunked(500) {
            let agents = try await AgentModel.query(on: db).filter(\.$assetID ~~ Array(chunk))
                .filter(\.$revokedAt == nil).all()
            for agent in agents { result[agent.assetID!, default: []].insert(agent.id!) }
        }
        let named = Array(Set(assets.compactMap(\.agentID)))
        var active = Set<UUID>()
        for chunk in named.chunked(500) {
            active.formUnion(try await AgentModel.query(on: db).filter(\.$id ~~ Array(chunk))
                .filter(\.$revokedAt == nil).all().map { $0.id! })
        }
        for asset in assets {
            if let agentID = asset.agentID, active.contains(agentID) { result[asset.id, default: []].insert(agentID) }
        }
        return result
    }
}
