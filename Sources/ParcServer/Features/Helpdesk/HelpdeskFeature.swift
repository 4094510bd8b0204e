import FluentKit
import Fluent
import Foundation
import ParcCore
import Vapor

/// The helpdesk: tickets with ITIL qualification, lifecycle and SLA on business calendars, followups and tasks,
/// categories, groups and SLA policies (docs/helpdesk.md, decision 0038).
struct HelpdeskFeature: ParcFeature {
    var migrations: [any Migration] { [CreateHelpdeskTables(), AddReportIndexesToTickets()] }

    func register(_ registry: FeatureRegistry, routes: any RoutesBuilder, api: APIRoutes) throws {
        registry.addNavigation(.init(id: "tickets", labelKey: "nav.tickets", path: "/tickets", icon: "inbox",
                                     section: "nav.section.helpdesk", permission: .ticketsCreate, order: 100))
        registry.addNavigation(.init(id: "tickets-sla", labelKey: "nav.tickets.sla", path: "/tickets/sla", icon: "clock",
                                     section: "nav.section.helpdesk", permission: .ticketsRead, order: 110))
        registry.addNavigation(.init(id: "tickets-reports", labelKey: "nav.tickets.reports", path: "/tickets/reports",
                                     icon: "chart", section: "nav.section.helpdesk", permission: .ticketsRead, order: 120))
        registry.addJob(HelpdeskClockJob())
        registry.addSchedule(ScheduleDefinition(name: "helpdesk.clock", cron: "* * * * *", timeZone: "UTC",
                                                kind: "helpdesk.clock", payload: "{}"))
        TicketsAPIController().register(api)
        HelpdeskAdminAPI().register(api)
        SatisfactionAPIController().register(api)
        TicketLinksAPIController().register(api)
        TicketMailSettingsAPI().register(api)
        TicketRulesAPI().register(api)
        TicketReportsAPIController().register(api)
        TicketPagesController().register(routes)
        TicketReportPagesController().register(routes)
    }
}
