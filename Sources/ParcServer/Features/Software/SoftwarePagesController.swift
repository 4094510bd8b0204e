import Fluent
import Foundation
import ParcCore
import Vapor

/// `/software`: the catalogue as the user sees it (filters, CSV export) and a program's page with its versions,
/// installations and licences.
struct SoftwarePagesController {
    func register(_ routes: any RoutesBuilder) {
        routes.get("software", use: listPage)
        routes.get("software", ":id", use: showPage)
    }

    struct Row: Encodable {
        let id: UUID
        let name: String
        let publisher: String
        let installations: String
        let versions: String
        let licences: String
    }

    struct ListPage: Encodable {
        let rows: [Row]
        let links: ListPageLinks
        let query: String
        let filters: [String: String]
    }

    @Sendable func listPage(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.assetsRead)
        let query = try req.listQuery(SoftwareCatalogue.spec)
        let catalogue = SoftwareCatalogue(request: req)
        if req.wantsCSV {
            var everything = query
            everything.page = 1
            everything.perPage = 1_000_000
            let (_, entries) = try await catalogue.list(everything)
            return req.csvResponse([["name", "publisher", "installations", "versions", "licences"]] + entries.map {
                [$0.name, $0.publisher ?? "", String($0.installations), String($0.versions), String($0.licences)]
            }, filename: "software.csv")
        }
        let (total, entries) = try await catalogue.list(query)
        let number = { (value: Int) in ParcFormat.number(value, language: req.language) }
        return try await req.renderPage("software/list", title: req.t("nav.software"), active: "software", page: ListPage(
            rows: entries.map {
                Row(id: $0.id, name: $0.name, publisher: $0.publisher ?? "", installations: number($0.installations),
                    versions: number($0.versions), licences: number($0.licences))
            },
            links: ListPageLinks(req, query: query, total: total, columns: [
                ("name", "software.name", false), ("publisher", "software.publisher", false),
                ("installations", "software.installations", true), ("versions", "software.versions", true),
            ]),
            query: query.search ?? "", filters: query.filters))
    }

    struct VersionRow: Encodable {
        let version: String
        let architecture: String
        let installations: String
        let assetsURL: String
    }

    struct InstallationRow: Encodable {
        let assetID: UUID
        let asset: String
        let status: String
        let statusTone: String
        let entity: String
        let version: String
        let architecture: String
        let installDate: String
    }

    struct ShowPage: Encodable {
        let id: UUID
        let name: String
        let publisher: String?
        let installations: String
        let versionCount: String
        let licenceCount: String
        let tab: String
        let versions: [VersionRow]
        let installationRows: [InstallationRow]
        let installationLinks: ListPageLinks?
        let licences: [LicencePagesController.Row]
        let canCreateLicence: Bool
        let newLicenceURL: String
    }

    static let tabs = ["versions", "installations", "licences"]

    /// The installations tab pages with the list parameters; `tab` rides along so its links stay on the tab.
    static let installationPageSpec = ListQuerySpec(
        sortable: SoftwareCatalogue.installationSpec.sortable,
        filterable: SoftwareCatalogue.installationSpec.filterable.union(["tab"]),
        defaultSort: SoftwareCatalogue.installationSpec.defaultSort)

    @Sendable func showPage(_ req: Request) async throws -> Response {
        let catalogue = SoftwareCatalogue(request: req)
        let entry = try await catalogue.find(req.parameters.get("id", as: UUID.self))
        let requested = (try? req.query.get(String.self, at: "tab")) ?? "versions"
        let tab = Self.tabs.contains(requested) ? requested : "versions"
        let language = req.language
        let number = { (value: Int) in ParcFormat.number(value, language: language) }
        let tree = try await req.entityTree()
        var versions: [VersionRow] = []
        var installations: [InstallationRow] = []
        var links: ListPageLinks?
        var licences: [LicencePagesController.Row] = []
        switch tab {
        case "installations":
            let query = try req.listQuery(Self.installationPageSpec)
            let (total, items) = try await catalogue.installations(of: entry.id, query)
            installations = items.map {
                InstallationRow(assetID: $0.assetID, asset: $0.asset, status: req.t("assets.status.\($0.status)"),
                                statusTone: AssetsPagesController.statusTone($0.status), entity: tree.path(of: $0.entityID),
                                version: $0.version, architecture: $0.architecture, installDate: $0.installDate ?? "")
            }
            links = ListPageLinks(req, query: query, total: total, columns: [
                ("asset", "software.asset", false), ("version", "software.version", false),
                ("install_date", "software.installed", false),
            ])
        case "licences":
            let standings = try await LicenceQuery(request: req, query: ListQuery(
                sort: [.init("name")], filters: ["software_id": entry.id.uuidString])).all()
            licences = standings.map { LicencePagesController.Row($0, request: req, tree: tree) }
        default:
            versions = try await catalogue.versions(of: entry.id).map {
                VersionRow(version: $0.version, architecture: $0.architecture, installations: number($0.installations),
                           assetsURL: "/assets?" + ListPageLinks.encode([("software", entry.name),
                                                                         ("software_version", $0.version)]))
            }
        }
        return try await req.renderPage("software/show", title: entry.name, active: "software", page: ShowPage(
            id: entry.id, name: entry.name, publisher: entry.publisher, installations: number(entry.installations),
            versionCount: number(entry.versions), licenceCount: number(entry.licences), tab: tab, versions: versions,
            installationRows: installations, installationLinks: links, licences: licences,
            canCreateLicence: try await req.accessScope().allowsAnywhere(.assetsManage),
            newLicenceURL: "/licences/new?" + ListPageLinks.encode([("software_id", entry.id.uuidString)])))
    }
}
