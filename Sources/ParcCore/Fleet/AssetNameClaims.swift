import Foundation

/// Whether the names a batch gives (a bulk move, an import) stay unique within their entities: asset names are unique
/// per entity, compared without case, and two customers may both have a `PC-01`.
///
/// A claim is the final name and entity of an asset the batch creates, renames or moves. It conflicts with another
/// claim of the same name in the same entity (the first one keeps it), and with a stored asset holding the name there
/// — unless that asset is the claimant itself, or is itself renamed or moved away by the batch.
public enum AssetNameClaims {
    /// One asset's final name in its final entity; `claimant` is the caller's index (a row number, say).
    public struct Claim: Hashable, Sendable {
        public let claimant: Int
        public let assetID: UUID?
        public let entityID: UUID
        public let name: String

        public init(claimant: Int, assetID: UUID?, entityID: UUID, name: String) {
            self.claimant = claimant
            self.assetID = assetID
            self.entityID = entityID
            self.name = name
        }
    }

    /// A stored asset and its current name.
    public struct Holder: Hashable, Sendable {
        public let assetID: UUID
        public let entityID: UUID
        public let name: String

        public init(assetID: UUID, entityID: UUID, name: String) {
            self.assetID = assetID
            self.entityID = entityID
            self.name = name
        }
    }

    public static let takenMessage = "Another asset of this entity has this name."
    public static let repeatedMessage = "Another row gives this name in this entity."

    /// The claims that cannot stand, by claimant, with the reason.
    public static func conflicts(_ claims: [Claim], holders: [Holder]) -> [Int: String] {
        func key(_ entity: UUID, _ name: String) -> String { entity.uuidString + "/" + name.lowercased() }
        var result: [Int: String] = [:]
        var first: [String: Int] = [:]
        for claim in claims {
            let claimKey = key(claim.entityID, claim.name)
            if first[claimKey] != nil {
                result[claim.claimant] = repeatedMessage
            } else {
                first[claimKey] = claim.claimant
            }
        }
        let leaving = Set(claims.compactMap(\.assetID))
        var held: [String: [UUID]] = [:]
        for holder in holders where !leaving.contains(holder.assetID) {
            held[key(holder.entityID, holder.name), default: []].append(holder.assetID)
        }
        for claim in claims where result[claim.claimant] == nil {
            if held[key(claim.entityID, claim.name)]?.contains(where: { $0 != claim.assetID }) == true {
                result[claim.claimant] = takenMessage
            }
        }
        return result
    }
}
