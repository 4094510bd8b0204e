import Foundation
import ParcCore
import Fluent
import Vapor

/// The platform's own pages, API, menu entries, widgets and search providers.
struct PlatformFeature {
    func register(_ registry: FeatureRegistry, web: any RoutesBuilder, signedIn: any RoutesBuilder,
                  api: APIRoutes) throws {
        registry.addNavigation(.init(id: "dashboard", labelKey: "nav.dashboard", path: "/", icon: "home",
                                     section: nil, permission: nil, order: 0))
        registry.addNavigation(.init(id: "entities", labelKey: "nav.entities", path: "/admin/entities", icon: "sitemap",
                                     section: "nav.section.admin", permission: .entitiesManage, order: 900))
        registry.addNavigation(.init(id: "users", labelKey: "nav.users", path: "/admin/users", icon: "users",
                                     section: "nav.section.admin", permission: .usersRead, order: 910))
        registry.addNavigation(.init(id: "audit", labelKey: "nav.audit", path: "/admin/audit", icon: "history",
                                     section: "nav.section.admin", permission: .auditRead, order: 920))
        registry.addNavigation(.init(id: "jobs", labelKey: "nav.jobs", path: "/admin/jobs", icon: "clock",
                                     section: "nav.section.admin", permission: .platformManage, order: 930))
        registry.addNavigation(.init(id: "mail", labelKey: "nav.mail", path: "/admin/mail", icon: "mail",
                                     section: "nav.section.admin", permission: .platformManage, order: 940))

        AuthController().register(web)
        HomeController().register(signedIn)
        AccountController().register(signedIn)
        EntitiesController().register(signedIn, api: api, registry: registry)
        UsersController().register(signedIn, api: api, registry: registry)
        AuditController().register(signedIn, api: api)
        TokensController().register(api: api)
        OperationsController().register(signedIn, registry: registry)
        SavedViewsController().register(signedIn, api: api)
    }
}
