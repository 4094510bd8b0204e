import FluentKit
import Foundation
import ParcCore
import Fluent
import Vapor

/// Agents (machines running parc-agent) and their enrollment. Inventory extends it (issue 3).
struct AgentsFeature: ParcFeature {
    var migrations: [any Migration] { [CreateAgents()] }

    func register(_ registry: FeatureRegistry, routes: any RoutesBuilder, api: APIRoutes) throws {
        registry.addNavigation(.init(id: "agents", labelKey: "nav.agents", path: "/agents", icon: "monitor",
                                     section: "nav.section.admin", permission: .agentsRead, order: 905))
        AgentsController().register(routes, api: api)
    }

    func registerAgentAPI(_ agent: AgentAPIRoutes) throws {
        agent.on(.POST, "enroll", authenticated: false, use: AgentsController.enroll)
    }
}
