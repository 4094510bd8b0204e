import Foundation
import ParcCore

/// A licence as `POST` and `PATCH /api/v1/licences` take it, and as the licence form builds it.
///
/// A field left out keeps its value. Text fields are cleared with `""`; `software_id`, `seats` and `cost` with
/// `null` (a site licence without a seat limit has `"seats": null`).
struct LicenceInput: StrictContent {
    var entity_id: UUID?
    var name: String?
    var software_id: UUID??
    var licence_type: String?
    var seats: Int??
    var licence_key: String?
    var purchase_date: String?
    var supplier: String?
    var order_number: String?
    var cost: Double??
    var expires_on: String?
    var comment: String?

    static let acceptedFields: Set<String> = [
        "entity_id", "name", "software_id", "licence_type", "seats", "licence_key", "purchase_date", "supplier",
        "order_number", "cost", "expires_on", "comment",
    ]

    /// Text fields by column, with their length limits.
    var texts: [(field: String, value: String?, limit: Int)] {
        [("name", name, 200), ("licence_key", licence_key, 4096), ("purchase_date", purchase_date, 10),
         ("supplier", supplier, 255), ("order_number", order_number, 255), ("expires_on", expires_on, 10),
         ("comment", comment, 10_000)]
    }

    static let schema = OpenAPISchema.object([
        "entity_id": .uuid, "name": .string(), "software_id": .nullable(.uuid),
        "licence_type": .string(enumValues: LicenceType.allCases.map(\.rawValue)),
        "seats": .nullable(.integer), "licence_key": .string(description: "Shown only to those who manage the entity's assets"),
        "purchase_date": .string(format: "date"), "supplier": .string(), "order_number": .string(),
        "cost": .nullable(.integer), "expires_on": .string(format: "date", description: "The last valid day"),
        "comment": .string(),
    ], required: [])
}

extension LicenceInput {
    private enum Keys: String, CodingKey {
        case entity_id, name, software_id, licence_type, seats, licence_key, purchase_date, supplier, order_number, cost,
             expires_on, comment
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        entity_id = try container.decodeIfPresent(UUID.self, forKey: .entity_id)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        software_id = try container.decodeNullable(UUID.self, forKey: .software_id)
        licence_type = try container.decodeIfPresent(String.self, forKey: .licence_type)
        seats = try container.decodeNullable(Int.self, forKey: .seats)
        licence_key = try container.decodeIfPresent(String.self, forKey: .licence_key)
        purchase_date = try container.decodeIfPresent(String.self, forKey: .purchase_date)
        supplier = try container.decodeIfPresent(String.self, forKey: .supplier)
        order_number = try container.decodeIfPresent(String.self, forKey: .order_number)
        cost = try container.decodeNullable(Double.self, forKey: .cost)
        expires_on = try container.decodeIfPresent(String.self, forKey: .expires_on)
        comment = try container.decodeIfPresent(String.self, forKey: .comment)
    }
}

/// A seat as `POST /api/v1/licences/{id}/assignments` takes it.
struct LicenceAssignmentInput: StrictContent, Decodable {
    let asset_id: UUID?
    let user_id: UUID?
    let comment: String?

    static let acceptedFields: Set<String> = ["asset_id", "user_id", "comment"]
}
