import Foundation
import ParcCore
import Vapor

/// The tabs above the helpdesk configuration pages (*Paramétrage du helpdesk*): SLA policies, categories, groups,
/// the entity settings and the business rules, each shown to whoever may open it.
struct HelpdeskSetupTab: Encodable {
    let label: String
    let href: String
    let current: Bool

    /// The sidebar entry the configuration pages mark as current.
    static let navigationID = "tickets-setup"

    static func all(_ req: Request, current: String) async throws -> [HelpdeskSetupTab] {
        let tabs: [(key: String, label: String, href: String)] = [
            ("sla", "tickets.sla_policies.title", "/tickets/sla-policies"),
            ("categories", "tickets.categories.title", "/tickets/categories"),
            ("groups", "tickets.groups.title", "/tickets/groups"),
            ("settings", "tickets.settings.title", "/tickets/settings"),
            ("rules", "tickets.rules.title", "/tickets/rules"),
        ]
        return tabs.map { HelpdeskSetupTab(label: req.t($0.label), href: $0.href, current: $0.key == current) }
    }
}
