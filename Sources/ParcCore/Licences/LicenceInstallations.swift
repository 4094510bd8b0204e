import Foundation

/// Where a program is installed, per entity, as the licence rules count it: machines for licences counted by device,
/// the people behind those machines for licences counted by user.
///
/// An asset belongs to one entity, so machine counts of several entities add up. People do not add up (one person
/// may use machines in two sites), so they are kept as sets and united. For per-user counting, a machine with no
/// assigned user counts as a person of its own: the caller passes the machine's id as the holder.
public struct LicenceInstallations: Sendable {
    private var machines: [UUID: [UUID: Int]] = [:]
    private var holders: [UUID: [UUID: Set<UUID>]] = [:]

    public init() {}

    /// Records `count` machines of `entity` with `software` installed.
    public mutating func add(machines count: Int, of software: UUID, in entity: UUID) {
        machines[software, default: [:]][entity, default: 0] += count
    }

    /// Records that `holder` (a person, or a machine without one) uses `software` on a machine of `entity`.
    public mutating func add(holder: UUID, of software: UUID, in entity: UUID) {
        holders[software, default: [:]][entity, default: []].insert(holder)
    }

    /// How many machines, or people, use `software` in `entities`.
    public func demand(of software: UUID, unit: LicenceUnit, in entities: some Sequence<UUID>) -> Int {
        switch unit {
        case .device:
            guard let byEntity = machines[software] else { return 0 }
            return entities.reduce(0) { $0 + (byEntity[$1] ?? 0) }
        case .user:
            guard let byEntity = holders[software] else { return 0 }
            var people = Set<UUID>()
            for entity in entities { people.formUnion(byEntity[entity] ?? []) }
            return people.count
        }
    }
}
