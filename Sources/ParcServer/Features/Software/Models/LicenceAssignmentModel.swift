import FluentKit
import Foundation

/// One seat of a licence, given to an asset, a person, or a person on an asset.
final class LicenceAssignmentModel: Model, @unchecked Sendable {
    static let schema = "software_licence_assignments"

    // managed
    @ID(key: .id) var id: UUID?
    @Field(key: "assigned_at") var assignedAt: Date

    // references
    @Field(key: "licence_id") var licenceID: UUID
    @OptionalField(key: "asset_id") var assetID: UUID?
    @OptionalField(key: "user_id") var userID: UUID?

    // data
    @OptionalField(key: "comment") var comment: String?

    init() {}
}
