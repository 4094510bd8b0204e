import Foundation

/// One rule that places a newly inventoried device in an entity: when every condition it sets holds, the device goes
/// to ``entityID``. Rules are tried in order (``InventoryEntityRules``); the first that matches wins.
///
/// Conditions, each optional:
/// - ``tag``: the agent's tag (`--tag`, FusionInventory and OCS `ACCOUNTINFO` `TAG`) equals it, ignoring case and
///   surrounding white space;
/// - ``ipRanges``: the address the inventory came from is in one of them;
/// - ``hostName``: the device's host name matches the wildcard pattern (`pc-lyon-*`), ignoring case.
///
/// A rule that sets none of them matches every device (``isCatchAll``): put it last, as the default entity.
public struct InventoryEntityRule: Hashable, Sendable, Codable {
    /// The longest host name compared with ``hostName``, in characters; DNS names stop at 253.
    public static let maximumHostNameLength = 255

    /// A label for the rules page ("Lyon workstations").
    public var name: String
    /// The entity that receives the devices the rule matches.
    public var entityID: UUID
    /// The agent tag required, or nil; a blank tag counts as nil.
    public var tag: String?
    /// The ranges one of which must hold the source address; empty for no condition.
    public var ipRanges: [IPAddressRange]
    /// The pattern the host name must match, or nil.
    public var hostName: GlobPattern?

    /// A rule.
    public init(
        name: String = "", entityID: UUID, tag: String? = nil, ipRanges: [IPAddressRange] = [],
        hostName: GlobPattern? = nil
    ) {
        self.name = name
        self.entityID = entityID
        self.tag = tag
        self.ipRanges = ipRanges
        self.hostName = hostName
    }

    /// The tag as compared: trimmed and lower-cased; nil when blank.
    var normalizedTag: String? { Self.normalizeTag(tag) }

    static func normalizeTag(_ tag: String?) -> String? {
        guard let trimmed = tag?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        return trimmed.lowercased()
    }

    /// Whether the rule sets no condition and so matches every device.
    public var isCatchAll: Bool { normalizedTag == nil && ipRanges.isEmpty && hostName == nil }

    /// Whether every condition the rule sets holds for a device with this agent tag, source address and host name.
    /// A condition on something unknown (no tag, no address, no name) does not hold.
    public func matches(tag: String?, ip: IPAddress?, hostName: String?) -> Bool {
        if let required = normalizedTag {
            guard Self.normalizeTag(tag) == required else { return false }
        }
        if !ipRanges.isEmpty {
            guard let ip, ipRanges.contains(address: ip) else { return false }
        }
        if let pattern = self.hostName {
            guard let name = hostName?.trimmingCharacters(in: .whitespacesAndNewlines),
                name.count <= Self.maximumHostNameLength, pattern.matches(name)
            else { return false }
        }
        return true
    }
}
