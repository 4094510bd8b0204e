import FluentKit
import Foundation
import ParcCore
import ParcInventory
import Vapor

/// Fleet inventory: assets, their components and software, the shared software catalogue, and the
/// intake of inventories from Parc's agent and from GLPI, FusionInventory and OCS agents
/// (docs/inventory.md).
struct InventoryFeature: ParcFeature {
    var migrations: [any Migration] { [CreateInventoryTables(), CreateNamingPlans(), CreateLoansAndDisposals(),
                                      DropSoftwareLinkVersionKey(), CreateAssetAddresses()] }

    func register(_ registry: FeatureRegistry, routes: any RoutesBuilder, api: APIRoutes) throws {
        registry.addNavigation(.init(id: "assets", labelKey: "nav.assets", path: "/assets", icon: "monitor",
                                     section: "nav.section.fleet", permission: .assetsRead, order: 300))
        for kind in InventoryWidget.Kind.allCases { registry.addWidget(InventoryWidget(kind: kind)) }
        AssetsAPIController().register(api)
        AssetEditing().register(api)
        AssetBulkEditing().register(api)
        AssetImporting().register(api)
        RenewalForecastAPI().register(api)
        LoansAndDisposalsAPI().register(api)
        registry.addNavigation(.init(id: "assets-naming", labelKey: "nav.assets.naming", path: "/assets/naming",
                                     icon: "sitemap", section: "nav.section.fleet", permission: .assetsRead, order: 310))
        registry.addSavedViewList(SavedViewList(key: "assets", path: "/assets", permission: .assetsRead,
                                                spec: AssetQuery.spec) { req, query in
            var probe = query
            probe.perPage = 1
            _ = try await AssetQuery(request: req, query: probe).run()
        })
        AssetsPagesController().register(routes)
        AssetEditPage().register(routes)
        AssetImportPage().register(routes)
        AssetLifecycleTab().register(routes)
        NamingPlansController().register(api, routes: routes)
        InventoryAdminAPI().register(api)
        // The inventory configuration pages: the dictionary next to the software list, the rules and settings
        // after the fleet's lists (administrators).
        registry.addNavigation(.init(id: "software-dictionary", labelKey: "nav.software.dictionary",
                                     path: "/software/dictionary", icon: "book", section: "nav.section.fleet",
                                     permission: .assetsRead, order: 325))
        registry.addNavigation(.init(id: "inventory-rules", labelKey: "nav.inventory.rules", path: "/inventory/entity-rules",
                                     icon: "sitemap", section: "nav.section.fleet", permission: .inventoryAdmin, order: 340))
        registry.addNavigation(.init(id: "inventory-settings", labelKey: "nav.inventory.settings",
                                     path: "/inventory/settings", icon: "database", section: "nav.section.fleet",
                                     permission: .inventoryAdmin, order: 345))
        InventorySettingsPage().register(routes)
        EntityRulesPage().register(routes)
        SoftwareDictionaryPage().register(routes)
    }

    func registerAgentAPI(_ agent: AgentAPIRoutes) throws {
        agent.authenticated.on(.POST, "inventory",
                               body: .collect(maxSize: ByteCount(value: InventoryIntake.limits.maxInputBytes)),
                               use: InventoryAgentAPI.submit)
    }

    func registerAgentProtocols(_ routes: any RoutesBuilder) throws {
        InventoryProtocolController().register(routes)
    }
}
