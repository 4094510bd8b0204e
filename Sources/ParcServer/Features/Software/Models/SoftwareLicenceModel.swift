import FluentKit
import Foundation
import ParcCore

/// A software licence an entity holds: what it covers, how it counts, how many seats, bought when and from whom, and
/// until when. Its seats go to assets and people through `software_licence_assignments`.
final class SoftwareLicenceModel: Model, @unchecked Sendable {
    static let schema = "software_licences"

    // managed
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // references
    @Field(key: "entity_id") var entityID: UUID
    /// The catalogue program the licence covers (`software`); nil when it names none.
    @OptionalField(key: "software_id") var softwareID: UUID?

    // data
    @Field(key: "name") var name: String
    /// A ``LicenceType`` raw value.
    @Field(key: "licence_type") var licenceType: String
    /// nil: no limit (site licences only).
    @OptionalField(key: "seats") var seats: Int?
    /// In clear, shown only to those who manage the entity's assets (decision 0036).
    @OptionalField(key: "licence_key") var licenceKey: String?
    /// `YYYY-MM-DD`.
    @OptionalField(key: "purchase_date") var purchaseDate: String?
    @OptionalField(key: "supplier") var supplier: String?
    @OptionalField(key: "order_number") var orderNumber: String?
    @OptionalField(key: "cost") var cost: Double?
    /// The last valid day, `YYYY-MM-DD`.
    @OptionalField(key: "expires_on") var expiresOn: String?
    @OptionalField(key: "comment") var comment: String?

    init() {}

    var type: LicenceType { LicenceType(rawValue: licenceType) ?? .perSeat }

    /// What the licence rules see of it.
    var terms: LicenceTerms {
        LicenceTerms(id: id!, entityID: entityID, softwareID: softwareID, type: type, seats: seats,
                     expiresOn: expiresOn.flatMap(InventoryDate.init(iso:)))
    }

    /// The fields the history compares; the key is a secret (recorded as changed, never its value).
    var auditSnapshot: [String: String?] {
        ["name": name, "licence_type": licenceType, "seats": seats.map(String.init), "licence_key": licenceKey,
         "purchase_date": purchaseDate, "supplier": supplier, "order_number": orderNumber,
         "cost": cost.map { String($0) }, "expires_on": expiresOn, "comment": comment]
    }
}
