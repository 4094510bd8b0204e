import FluentKit
import Fluent
import Foundation
import ParcCore
import Vapor

/// The helpdesk: tickets with ITIL qualification, lifecycle and SLA on business calendars, followups and tasks,
/// categories, groups and SLA policies (docs/helpdesk.md, decision 0038).
struct HelpdeskFeature: ParcFeature {
    var migrations: [any Migration] {
        [CreateHelpdeskTables(), CreateTicketAttachments(), CreateTicketTemplatesAndResponses(), AddEscalationToHelpdesk(),
         AddReportIndexesToTickets(), AddListIndexesToTickets(), AddTextIndexToTickets()]
    }

    func register(_ registry: FeatureRegistry, routes: any RoutesBuilder, api: APIRoutes) throws {
        registry.addNavigation(.init(id: "tickets", labelKey: "nav.tickets", path: "/tickets", icon: "inbox",
                                     section: "nav.section.helpdesk", permission: .ticketsCreate, order: 100))
        registry.addNavigation(.init(id: "portal", labelKey: "nav.portal", path: "/portal", icon: "life-buoy",
                                     section: "nav.section.helpdesk", permission: .ticketsCreate, order: 90))
        registry.addHome { req in try await HelpdeskPortal.isRequesterOnly(req) ? "/portal" : nil }
        registry.addNavigation(.init(id: "tickets-sla", labelKey: "nav.tickets.sla", path: "/tickets/sla", icon: "clock",
                                     section: "nav.section.helpdesk", permission: .ticketsRead, order: 110))
        registry.addNavigation(.init(id: "tickets-reports", labelKey: "nav.tickets.reports", path: "/tickets/reports",
                                     icon: "chart", section: "nav.section.helpdesk", permission: .ticketsRead, order: 120))
        registry.addNavigation(.init(id: HelpdeskSetupTab.navigationID, labelKey: "nav.tickets.setup",
                                     path: "/tickets/sla-policies", icon: "sliders", section: "nav.section.helpdesk",
                                     permission: .helpdeskAdmin, order: 130))
        registry.addJob(HelpdeskClockJob())
        registry.addSchedule(ScheduleDefinition(name: "helpdesk.clock", cron: "* * * * *", timeZone: "UTC",
                                                kind: "helpdesk.clock", payload: "{}"))
        // Saved views of the ticket list: "my open tickets" saved as `assignee_id=me` follows whoever opens it.
        registry.addSavedViewList(SavedViewList(key: "tickets", path: "/tickets", permission: .ticketsCreate,
                                                spec: TicketQuery.spec) { req, query in
            var probe = query
            probe.perPage = 1
            _ = try await TicketQuery(request: req, query: probe).countedPage(countLimit: 1)
        })
        TicketsAPIController().register(api)
        TicketAttachmentsAPI().register(api)
        HelpdeskAdminAPI().register(api)
        TicketCategoriesAPI().register(api)
        TicketCannedResponsesAPI().register(api)
        SatisfactionAPIController().register(api)
        TicketLinksAPIController().register(api)
        TicketMailSettingsAPI().register(api)
        TicketRulesAPI().register(api)
        TicketReportsAPIController().register(api)
        TicketPagesController().register(routes)
        TicketCannedResponsesPages().register(routes)
        HelpdeskPortal().register(routes)
        TicketRulePagesController().register(routes)
        SLAPolicyPagesController().register(routes)
        TicketCategoryPagesController().register(routes)
        SupportGroupPagesController().register(routes)
        HelpdeskSettingsPagesController().register(routes)
        TicketReportPagesController().register(routes)
    }
}
