import FluentKit
import NIOConcurrencyHelpers
import ParcCore
import Fluent
import Vapor

/// A capability of Parc (inventory, helpdesk, …): what it adds to the platform.
///
/// Each feature lives in `Features/<Name>/` and is listed once in `ParcFeatures.all`.
protocol ParcFeature: Sendable {
    /// Migrations, appended after the platform's and the earlier features'.
    var migrations: [any Migration] { get }
    /// Registers menu entries, widgets, search providers, jobs and routes.
    func register(_ registry: FeatureRegistry, routes: any RoutesBuilder, api: APIRoutes) throws
    /// Registers routes of the agent API (`/api/agent/v1`), which parc-agent calls with its own
    /// credential; user tokens and sessions never work there (docs/agent-api.md).
    func registerAgentAPI(_ agent: AgentAPIRoutes) throws
    /// Registers routes that third-party agents call with their own protocols (FusionInventory, OCS,
    /// GLPI Agent) at the paths they expect: no session, no CSRF, no Parc credential — the feature
    /// checks access itself.
    func registerAgentProtocols(_ routes: any RoutesBuilder) throws
}

extension ParcFeature {
    func registerAgentAPI(_ agent: AgentAPIRoutes) throws {}
    func registerAgentProtocols(_ routes: any RoutesBuilder) throws {}
}

/// A menu entry. It appears only when the user holds `permission` somewhere.
struct NavigationItem: Sendable {
    let id: String
    let labelKey: String
    let path: String
    let icon: String
    let section: String?
    let permission: Permission?
    let order: Int
}

/// What the global search box asks each feature.
protocol SearchProvider: Sendable {
    var id: String { get }
    var titleKey: String { get }
    func search(_ text: String, limit: Int, on request: Request) async throws -> [SearchHit]
}

struct SearchHit: Encodable, Sendable {
    let title: String
    let detail: String
    let url: String
}

/// A card on the home dashboard.
protocol DashboardWidget: Sendable {
    var id: String { get }
    /// nil when the widget has nothing to show to this user (no permission, say).
    func render(on request: Request) async throws -> WidgetCard?
}

struct WidgetCard: Encodable, Sendable {
    let title: String
    let value: String
    let detail: String?
    let url: String?
    let tone: String?
}

/// Everything the features registered: read by the layout, the dashboard, search and the scheduler.
final class FeatureRegistry: Sendable {
    private struct State {
        var navigation: [NavigationItem] = []
        var searchProviders: [any SearchProvider] = []
        var widgets: [any DashboardWidget] = []
        var jobs: [String: any JobHandler] = [:]
        var schedules: [ScheduleDefinition] = []
        var savedViewLists: [String: SavedViewList] = [:]
        var homes: [@Sendable (Request) async throws -> String?] = []
    }

    private let state = NIOLockedValueBox(State())

    func addNavigation(_ item: NavigationItem) { state.withLockedValue { $0.navigation.append(item) } }
    func addSearchProvider(_ provider: any SearchProvider) { state.withLockedValue { $0.searchProviders.append(provider) } }
    func addWidget(_ widget: any DashboardWidget) { state.withLockedValue { $0.widgets.append(widget) } }
    func addJob(_ handler: any JobHandler) { state.withLockedValue { $0.jobs[handler.kind] = handler } }
    func addSchedule(_ schedule: ScheduleDefinition) { state.withLockedValue { $0.schedules.append(schedule) } }
    func addSavedViewList(_ list: SavedViewList) { state.withLockedValue { $0.savedViewLists[list.key] = list } }
    /// A page that replaces the dashboard as some users' home (the portal for requesters): the resolver returns its
    /// path for users it concerns, nil otherwise; the first answer wins.
    func addHome(_ resolver: @escaping @Sendable (Request) async throws -> String?) {
        state.withLockedValue { $0.homes.append(resolver) }
    }

    var navigation: [NavigationItem] { state.withLockedValue { $0.navigation.sorted { $0.order < $1.order } } }
    var searchProviders: [any SearchProvider] { state.withLockedValue { $0.searchProviders } }
    var widgets: [any DashboardWidget] { state.withLockedValue { $0.widgets } }
    var schedules: [ScheduleDefinition] { state.withLockedValue { $0.schedules } }
    func job(_ kind: String) -> (any JobHandler)? { state.withLockedValue { $0.jobs[kind] } }
    /// The lists whose searches users may save, by key.
    var savedViewLists: [String: SavedViewList] { state.withLockedValue { $0.savedViewLists } }
    var homes: [@Sendable (Request) async throws -> String?] { state.withLockedValue { $0.homes } }
}
