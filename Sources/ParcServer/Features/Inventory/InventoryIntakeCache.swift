import FluentKit
import Foundation
import NIOConcurrencyHelpers
import ParcCore

/// The entity rules and the inventory settings that every agent request reads before its import, kept for
/// ``lifetime`` (decision 0076), as the access cache keeps the entity tree (decision 0011): an agent request then
/// reads neither table, where it read both. Changes this instance makes through ``InventoryEntityRuleService`` and
/// ``InventorySettingsService`` clear it at once; another instance's changes are seen within ``lifetime``. Pages
/// and the API read the tables themselves, as before.
final class InventoryIntakeCache: Sendable {
    static let lifetime: TimeInterval = 2

    /// The rules in their order, ParcCore's reading of them, and every entity's own settings.
    struct Snapshot: Sendable {
        let rows: [InventoryEntityRuleStore.Row]
        let rules: InventoryEntityRules
        let settings: [UUID: InventorySettings]
    }

    private let state = NIOLockedValueBox<(Snapshot, Date)?>(nil)

    func snapshot(on db: any Database, now: Date) async throws -> Snapshot {
        if let (snapshot, loaded) = state.withLockedValue({ $0 }), now.timeIntervalSince(loaded) < Self.lifetime,
           now >= loaded {
            return snapshot
        }
        let rows = try await InventoryEntityRuleStore.rows(on: db)
        let snapshot = Snapshot(rows: rows, rules: InventoryEntityRuleStore.rules(rows),
                                settings: try await InventorySettings.stored(for: nil, on: db))
        state.withLockedValue { $0 = (snapshot, now) }
        return snapshot
    }

    func invalidate() { state.withLockedValue { $0 = nil } }
}
