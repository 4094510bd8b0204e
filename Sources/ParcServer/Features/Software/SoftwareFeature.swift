import FluentKit
import Fluent
import Foundation
import ParcCore
import Vapor

/// Software as first-class objects: the catalogue as each user sees it (programs, versions, installations) and the
/// licences entities hold, with their seats, assignments and compliance (docs/inventory.md, decisions 0035–0037).
///
/// It reads the inventory's tables (`software`, `software_versions`, `asset_software`, `assets`), so it comes after
/// the inventory feature.
struct SoftwareFeature: ParcFeature {
    var migrations: [any Migration] { [CreateSoftwareLicences()] }

    func register(_ registry: FeatureRegistry, routes: any RoutesBuilder, api: APIRoutes) throws {
        registry.addNavigation(.init(id: "software", labelKey: "nav.software", path: "/software", icon: "package",
                                     section: "nav.section.fleet", permission: .assetsRead, order: 320))
        registry.addNavigation(.init(id: "licences", labelKey: "nav.licences", path: "/licences", icon: "key",
                                     section: "nav.section.fleet", permission: .assetsRead, order: 330))
        for kind in LicenceWidget.Kind.allCases { registry.addWidget(LicenceWidget(kind: kind)) }
        SoftwareAPIController().register(api)
        LicencesAPIController().register(api)
        SoftwarePagesController().register(routes)
        LicencePagesController().register(routes)
    }
}
