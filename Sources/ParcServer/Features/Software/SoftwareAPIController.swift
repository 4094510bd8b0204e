import Fluent
import Foundation
import ParcCore
import Vapor

/// `/api/v1/software`: the software catalogue, scoped to the assets the caller may see.
struct SoftwareAPIController {
    struct VersionDTO: Content {
        let id: UUID
        let version: String
        let architecture: String
        let installations: Int
    }

    struct SoftwareDetailDTO: Content {
        let software: SoftwareCatalogue.Entry
        let version_list: [VersionDTO]
        let licence_list: [LicenceDTO]

        func encode(to encoder: any Encoder) throws {
            try software.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(version_list, forKey: .version_list)
            try container.encode(licence_list, forKey: .licence_list)
        }

        enum Keys: String, CodingKey { case version_list, licence_list }
    }

    struct InstallationDTO: Content {
        let asset_id: UUID
        let asset: String
        let status: String
        let entity_id: UUID
        let entity: String
        let version: String
        let architecture: String
        let install_date: String?

        static let schema = OpenAPISchema.object([
            "asset_id": .uuid, "asset": .string(), "status": .string(), "entity_id": .uuid, "entity": .string(),
            "version": .string(), "architecture": .string(), "install_date": .nullable(.string(format: "date")),
        ], required: ["asset_id", "asset", "status", "entity_id", "version", "architecture"])
    }

    func register(_ api: APIRoutes) {
        api.schema("Software", SoftwareCatalogue.Entry.schema)
        api.schema("SoftwareInstallation", InstallationDTO.schema)
        api.on(.GET, "software", summary: "List the programs installed on your assets or covered by your licences",
               tag: "Software", query: APIRoutes.listParameters(
                   sortable: Array(SoftwareCatalogue.spec.sortable).sorted(), filters: [
                       ("name", "Name contains, case-insensitive"), ("publisher", "Publisher contains"),
                       ("entity_id", "Count only this entity and its sub-entities"),
                   ]),
               response: .list(of: "Software"), use: list)
        api.on(.GET, "software/:id", summary: "A program with its installed versions and its licences", tag: "Software",
               response: .object([
                   "id": .uuid, "name": .string(), "publisher": .nullable(.string()), "installations": .integer,
                   "versions": .integer, "licences": .integer,
                   "version_list": .array(.object(["id": .uuid, "version": .string(), "architecture": .string(),
                                                   "installations": .integer],
                                                  required: ["id", "version", "architecture", "installations"])),
                   "licence_list": .array(.ref("Licence")),
               ], required: ["id", "name", "installations", "version_list", "licence_list"]), use: get)
        api.on(.GET, "software/:id/installations", summary: "The assets that have the program", tag: "Software",
               query: APIRoutes.listParameters(sortable: Array(SoftwareCatalogue.installationSpec.sortable).sorted(),
                                               filters: [("version", "Exact version"),
                                                         ("entity_id", "An entity and its sub-entities")]),
               response: .list(of: "SoftwareInstallation"), use: installations)
    }

    @Sendable func list(_ req: Request) async throws -> ListResponse<SoftwareCatalogue.Entry> {
        try await req.requireAnywhere(.assetsRead)
        let query = try req.listQuery(SoftwareCatalogue.spec)
        let (total, entries) = try await SoftwareCatalogue(request: req).list(query)
        return ListResponse(items: entries, total: total, next: req.nextPageURL(query, total: total))
    }

    @Sendable func get(_ req: Request) async throws -> SoftwareDetailDTO {
        let catalogue = SoftwareCatalogue(request: req)
        let entry = try await catalogue.find(req.parameters.get("id", as: UUID.self))
        let versions = try await catalogue.versions(of: entry.id)
        let licences = try await LicenceQuery(request: req, query: ListQuery(filters: ["software_id": entry.id.uuidString]))
            .all()
        let tree = try await req.entityTree()
        return SoftwareDetailDTO(
            software: entry,
            version_list: versions.map {
                VersionDTO(id: $0.id, version: $0.version, architecture: $0.architecture, installations: $0.installations)
            },
            licence_list: licences.map { LicenceDTO($0, tree: tree) })
    }

    @Sendable func installations(_ req: Request) async throws -> ListResponse<InstallationDTO> {
        let catalogue = SoftwareCatalogue(request: req)
        let entry = try await catalogue.find(req.parameters.get("id", as: UUID.self))
        let query = try req.listQuery(SoftwareCatalogue.installationSpec)
        let (total, items) = try await catalogue.installations(of: entry.id, query)
        let tree = try await req.entityTree()
        return ListResponse(items: items.map {
            InstallationDTO(asset_id: $0.assetID, asset: $0.asset, status: $0.status, entity_id: $0.entityID,
                            entity: tree.path(of: $0.entityID), version: $0.version, architecture: $0.architecture,
                            install_date: $0.installDate)
        }, total: total, next: req.nextPageURL(query, total: total))
    }
}
