import Foundation

/// A licence's seats against the installations of its program.
///
/// The rules:
/// - A licence covers its entity and the entity's sub-entities. Installations count there, on the entities the viewer
///   may see (a count never reveals machines of an entity out of sight).
/// - Licences of the same program, held by the same entity and counting the same unit, **pool** their seats: two
///   purchases of 10 seats cover 20 machines, and both licences show the pool's status. Licences held at different
///   levels of the tree are judged separately.
/// - An expired licence is ``LicenceComplianceStatus/expired`` and its seats leave the pool.
/// - A licence without a seat limit (a site licence) makes its whole pool compliant.
/// - Device licences count machines with the program; per-user licences count the people behind those machines.
/// - A licence without a catalogue program is ``LicenceComplianceStatus/notChecked``.
/// - Retired and disposed machines need no licence (``uncountedStatuses``): the caller leaves them out of
///   ``LicenceInstallations``.
public struct LicenceCompliance: Hashable, Sendable {
    /// Asset statuses whose installations no licence has to cover: the machine is out of service for good.
    public static let uncountedStatuses: Set<AssetStatus> = [.retired, .disposed]

    public let status: LicenceComplianceStatus
    /// Machines, or people, using the program where the licence applies; nil when the licence names no program.
    public let demand: Int?
    /// Seats of the valid licences of the pool; nil when one of them has no limit.
    public let pooledSeats: Int?
    /// How many valid licences the pool holds, this one included when valid.
    public let pooledLicences: Int

    public init(status: LicenceComplianceStatus, demand: Int?, pooledSeats: Int?, pooledLicences: Int) {
        self.status = status
        self.demand = demand
        self.pooledSeats = pooledSeats
        self.pooledLicences = pooledLicences
    }

    /// Installations (or people) not covered by a seat.
    public var shortfall: Int {
        guard let demand, let pooledSeats else { return 0 }
        return max(demand - pooledSeats, 0)
    }

    /// Seats not used by an installation (or person).
    public var surplus: Int {
        guard let demand, let pooledSeats else { return 0 }
        return max(pooledSeats - demand, 0)
    }

    /// The compliance of each of `licences`.
    ///
    /// - Parameters:
    ///   - licences: the licences to judge **and** every other licence of their pools; a pool's member left out
    ///     would leave its seats out.
    ///   - installations: where the programs are installed, per entity.
    ///   - tree: the entity tree.
    ///   - visible: the entities whose machines the viewer may count.
    ///   - today: the day the licences are judged on.
    public static func evaluate(_ licences: [LicenceTerms], installations: LicenceInstallations, tree: EntityTree,
                                visible: Set<UUID>, today: InventoryDate) -> [UUID: LicenceCompliance] {
        var pools: [LicenceTerms.PoolKey: [LicenceTerms]] = [:]
        for licence in licences where !licence.isExpired(on: today) {
            if let key = licence.poolKey { pools[key, default: []].append(licence) }
        }
        var demands: [LicenceTerms.PoolKey: Int] = [:]
        var result: [UUID: LicenceCompliance] = [:]
        for licence in licences {
            guard let key = licence.poolKey else {
                result[licence.id] = LicenceCompliance(status: licence.isExpired(on: today) ? .expired : .notChecked,
                                                       demand: nil, pooledSeats: licence.seats, pooledLicences: 1)
                continue
            }
            let demand: Int
            if let known = demands[key] {
                demand = known
            } else {
                let entities = tree.subtree(of: key.entityID).filter(visible.contains)
                demand = installations.demand(of: key.softwareID, unit: key.unit, in: entities)
                demands[key] = demand
            }
            let pool = pools[key] ?? []
            let seats: Int? = pool.contains { $0.seats == nil } ? nil : pool.reduce(0) { $0 + ($1.seats ?? 0) }
            let status: LicenceComplianceStatus
            if licence.isExpired(on: today) {
                status = .expired
            } else if let seats {
                status = demand > seats ? .underLicensed : demand < seats ? .overLicensed : .compliant
            } else {
                status = .compliant
            }
            result[licence.id] = LicenceCompliance(status: status, demand: demand, pooledSeats: seats,
                                                   pooledLicences: pool.count)
        }
        return result
    }
}
