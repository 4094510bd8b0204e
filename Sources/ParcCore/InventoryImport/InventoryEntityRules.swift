import Foundation

/// The ordered entity-assignment rules of a Parc: which entity a device inventoried for the first time goes to.
///
/// The first rule whose conditions all hold wins (see ``InventoryEntityRule``); when none does, the caller keeps its
/// default (the entity of the enrollment token, or the root). ``matchingRule(tag:ip:hostName:)`` tells which rule that
/// is, for a "which rule would match" check on the rules page.
public struct InventoryEntityRules: Hashable, Sendable, Codable {
    /// The rules, first tried first.
    public var rules: [InventoryEntityRule]

    /// Rules in the order they are tried.
    public init(_ rules: [InventoryEntityRule] = []) {
        self.rules = rules
    }

    /// The entity of the first rule that matches a device with this agent tag, source address and host name; nil
    /// when none does. An `ip` that is not an address satisfies no address condition.
    public func entity(tag: String?, ip: String?, hostName: String?) -> UUID? {
        matchingRule(tag: tag, ip: ip, hostName: hostName)?.rule.entityID
    }

    /// The entity for `report`, sent from `sourceIP`: its agent's tag and its host name (``InventoryIdentity/name``).
    public func entity(for report: InventoryReport, sourceIP: String?) -> UUID? {
        entity(tag: report.agent.tag, ip: sourceIP, hostName: report.identity.name)
    }

    /// The first rule that matches, with its position in ``rules`` (0-based); nil when none does.
    public func matchingRule(
        tag: String?, ip: String?, hostName: String?
    ) -> (index: Int, rule: InventoryEntityRule)? {
        let address = ip.flatMap { IPAddress($0) }
        for (index, rule) in rules.enumerated() where rule.matches(tag: tag, ip: address, hostName: hostName) {
            return (index, rule)
        }
        return nil
    }
}
