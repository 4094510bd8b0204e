import Fluent
import Foundation
import ParcCore
import Vapor

/// A licence as the API shows it. The key appears only where the caller passes it: the detail, to those who manage
/// the entity's assets (decision 0036); lists and exports never carry it.
struct LicenceDTO: Content {
    struct SoftwareRef: Content {
        let id: UUID
        let name: String
        let publisher: String?
    }

    struct ComplianceDTO: Content {
        let status: String
        /// Machines (or people) using the program where the licence applies, on the entities the caller may see.
        let installations: Int?
        /// Seats of the valid licences pooled with this one; null when one has no limit.
        let pooled_seats: Int?
        let pooled_licences: Int
        let shortfall: Int
        let surplus: Int
    }

    let id: UUID
    let entity_id: UUID
    let entity: String
    let name: String
    let software: SoftwareRef?
    let licence_type: String
    let seats: Int?
    let assigned: Int
    let free: Int?
    let purchase_date: String?
    let supplier: String?
    let order_number: String?
    let cost: Double?
    let expires_on: String?
    let expires_in_days: Int?
    let comment: String?
    let compliance: ComplianceDTO
    let has_licence_key: Bool
    let licence_key: String?
    let created_at: Date?
    let updated_at: Date?

    init(_ standing: LicenceStanding, tree: EntityTree, key: String? = nil) {
        let licence = standing.licence
        id = licence.id!
        entity_id = licence.entityID
        entity = tree.path(of: licence.entityID)
        name = licence.name
        if let softwareID = licence.softwareID, let program = standing.software {
            software = SoftwareRef(id: softwareID, name: program.name, publisher: program.publisher)
        } else {
            software = nil
        }
        licence_type = licence.licenceType
        seats = licence.seats
        assigned = standing.assigned
        free = standing.free
        purchase_date = licence.purchaseDate
        supplier = licence.supplier
        order_number = licence.orderNumber
        cost = licence.cost
        expires_on = licence.expiresOn
        expires_in_days = standing.daysToExpiry
        comment = licence.comment
        let compliance = standing.compliance
        self.compliance = ComplianceDTO(status: compliance.status.rawValue, installations: compliance.demand,
                                        pooled_seats: compliance.pooledSeats, pooled_licences: compliance.pooledLicences,
                                        shortfall: compliance.shortfall, surplus: compliance.surplus)
        has_licence_key = licence.licenceKey != nil
        licence_key = key
        created_at = licence.createdAt
        updated_at = licence.updatedAt
    }

    /// Every field is written, `null` included (`"seats": null` means no limit), except the key where it is not shown.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(entity_id, forKey: .entity_id)
        try container.encode(entity, forKey: .entity)
        try container.encode(name, forKey: .name)
        try container.encode(software, forKey: .software)
        try container.encode(licence_type, forKey: .licence_type)
        try container.encode(seats, forKey: .seats)
        try container.encode(assigned, forKey: .assigned)
        try container.encode(free, forKey: .free)
        try container.encode(purchase_date, forKey: .purchase_date)
        try container.encode(supplier, forKey: .supplier)
        try container.encode(order_number, forKey: .order_number)
        try container.encode(cost, forKey: .cost)
        try container.encode(expires_on, forKey: .expires_on)
        try container.encode(expires_in_days, forKey: .expires_in_days)
        try container.encode(comment, forKey: .comment)
        try container.encode(compliance, forKey: .compliance)
        try container.encode(has_licence_key, forKey: .has_licence_key)
        try container.encodeIfPresent(licence_key, forKey: .licence_key)
        try container.encode(created_at, forKey: .created_at)
        try container.encode(updated_at, forKey: .updated_at)
    }

    static let schema = OpenAPISchema.object([
        "id": .uuid, "entity_id": .uuid, "entity": .string(description: "The entity's path"), "name": .string(),
        "software": .nullable(.object(["id": .uuid, "name": .string(), "publisher": .nullable(.string())],
                                      required: ["id", "name"])),
        "licence_type": .string(enumValues: LicenceType.allCases.map(\.rawValue)),
        "seats": .nullable(.integer), "assigned": .integer, "free": .nullable(.integer),
        "purchase_date": .nullable(.string(format: "date")), "supplier": .nullable(.string()),
        "order_number": .nullable(.string()), "cost": .nullable(.integer),
        "expires_on": .nullable(.string(format: "date")), "expires_in_days": .nullable(.integer),
        "comment": .nullable(.string()),
        "compliance": .object([
            "status": .string(enumValues: LicenceComplianceStatus.allCases.map(\.rawValue)),
            "installations": .nullable(.integer), "pooled_seats": .nullable(.integer), "pooled_licences": .integer,
            "shortfall": .integer, "surplus": .integer,
        ], required: ["status", "pooled_licences", "shortfall", "surplus"]),
        "has_licence_key": .boolean,
        "licence_key": .string(description: "Only in the detail, for those who manage the entity's assets"),
        "created_at": .dateTime, "updated_at": .dateTime,
    ], required: ["id", "entity_id", "name", "licence_type", "seats", "assigned", "compliance", "has_licence_key"])
}

/// A seat as the API shows it.
struct LicenceAssignmentDTO: Content {
    struct AssetRef: Content {
        let id: UUID
        let name: String
    }

    struct UserRef: Content {
        let id: UUID
        let login: String
        let display_name: String
    }

    let id: UUID
    let licence_id: UUID
    let asset: AssetRef?
    let user: UserRef?
    let comment: String?
    let assigned_at: Date
    /// For a seat on an asset: whether the licence's program is installed there (nil when it names no program).
    let installed: Bool?

    static let schema = OpenAPISchema.object([
        "id": .uuid, "licence_id": .uuid,
        "asset": .nullable(.object(["id": .uuid, "name": .string()], required: ["id", "name"])),
        "user": .nullable(.object(["id": .uuid, "login": .string(), "display_name": .string()],
                                  required: ["id", "login", "display_name"])),
        "comment": .nullable(.string()), "assigned_at": .dateTime, "installed": .nullable(.boolean),
    ], required: ["id", "licence_id", "assigned_at"])
}
