import FluentKit
import Fluent
import Foundation
import ParcCore
import Vapor

/// The helpdesk: tickets with ITIL qualification, lifecycle and SLA on business calendars, followups and tasks,
/// categories, groups and SLA policies (docs/helpdesk.md, decision 0038).
struct HelpdeskFeature: ParcFeature {
    var migrations: [any Migration] { [CreateHelpdeskTables(), AddListIndexesToTickets()] }

    func register(_ registry: FeatureRegistry, routes: any RoutesBuilder, api: APIRoutes) throws {
        registry.addNavigation(.init(id: "tickets", labelKey: "nav.tickets", path: "/tickets", icon: "inbox",
                                     section: "nav.section.helpdesk", permission: .ticketsCreate, order: 100))
        registry.addJob(HelpdeskClockJob())
        registry.addSchedule(ScheduleDefinition(name: "helpdesk.clock", cron: "* * * * *", timeZone: "UTC",
                                                kind: "helpdesk.clock", payload: "{}"))
        TicketsAPIController().register(api)
        HelpdeskAdminAPI().register(api)
        SatisfactionAPIController().register(api)
        TicketLinksAPIController().register(api)
        TicketMailSettingsAPI().register(api)
        TicketRulesAPI().register(api)
        TicketPagesController().register(routes)
    }
}
