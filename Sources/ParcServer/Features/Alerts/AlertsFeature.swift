import FluentKit
import Foundation
import ParcCore
import Fluent
import Vapor

/// Alerts that features raise (backup first, monitoring later) and technicians acknowledge and resolve.
struct AlertsFeature: ParcFeature {
    var migrations: [any Migration] { [CreateAlerts()] }

    func register(_ registry: FeatureRegistry, routes: any RoutesBuilder, api: APIRoutes) throws {
        registry.addNavigation(.init(id: "alerts", labelKey: "nav.alerts", path: "/alerts", icon: "bell",
                                     section: nil, permission: .alertsRead, order: 10))
        registry.addWidget(OpenAlertsWidget())
        AlertsController().register(routes, api: api)
    }
}

/// Dashboard card: how many alerts are open (not resolved) in the user's entities.
struct OpenAlertsWidget: DashboardWidget {
    let id = "alerts.open"

    func render(on request: Request) async throws -> WidgetCard? {
        let entities = try await request.entities(for: .alertsRead)
        guard !entities.isEmpty else { return nil }
        let open = try await AlertModel.query(on: request.db).scoped(to: entities, \.$entityID)
            .filter(\.$resolvedAt == nil).count()
        let critical = try await AlertModel.query(on: request.db).scoped(to: entities, \.$entityID)
            .filter(\.$resolvedAt == nil).filter(\.$severity == AlertModel.Severity.critical.rawValue).count()
        return WidgetCard(title: request.t("alerts.widget.title"), value: ParcFormat.number(open, language: request.language),
                          detail: critical > 0 ? request.t("alerts.widget.critical", String(critical)) : nil,
                          url: "/alerts", tone: open > 0 ? "alert" : nil)
    }
}
