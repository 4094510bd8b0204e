/// One difference between what Parc holds about a device and a new inventory of it, for the asset's history: an
/// element added or removed, a field changed, or a program whose version changed.
public struct InventoryChange: Equatable, Sendable, Codable {
    /// What happened. Raw values are stable (database, API).
    public enum Kind: String, CaseIterable, Hashable, Sendable, Codable {
        /// The element was stored and is no longer reported.
        case removed = "removed"
        /// The element is reported and was not stored.
        case added = "added"
        /// The element is still there with other values (``InventoryChange/fields``).
        case changed = "changed"
        /// A program was replaced by another version of itself: one removed and one added element shared their
        /// ``InventoryComponent/versionlessKey``. ``InventoryChange/fields`` holds `version` (old, new) first.
        case versionChanged = "version_changed"
    }

    /// The longest value a field change holds, in characters; longer ones are cut and end with `…`.
    public static let maximumValueLength = 200

    /// The section of the element.
    public var section: InventorySection
    /// What happened.
    public var kind: Kind
    /// The element's ``InventoryComponent/stableKey`` (its ``InventoryComponent/versionlessKey`` for a version
    /// change, the section's name for BIOS, hardware, operating system and network device).
    public var key: String
    /// How the history names the element (``InventoryComponent/historyLabel``).
    public var label: String
    /// The fields: for an added element its known values (before nil), for a removed one its last values (after
    /// nil), for a change the fields that differ, in the type's field order.
    public var fields: [FieldChange]

    /// A change.
    public init(section: InventorySection, kind: Kind, key: String, label: String, fields: [FieldChange]) {
        self.section = section
        self.kind = kind
        self.key = key
        self.label = label
        self.fields = fields
    }
}

extension InventoryChange {
    /// The changes between the stored and the new elements of one list section, ordered by key, then removed,
    /// added, changed, version changed, then position; the same for the same input, whatever the order of equal
    /// elements elsewhere.
    ///
    /// Elements pair by ``InventoryComponent/stableKey``, equal keys in order (the two identical processors of a
    /// two-socket server). A pair whose recorded fields differ is `changed`; elements left over are `removed` or
    /// `added`, except that one removed and one added element sharing a ``InventoryComponent/versionlessKey`` make
    /// one `versionChanged` (Firefox 119 → 120). Dictionaries all the way: linear in the number of elements.
    public static func between<Component: InventoryComponent>(
        stored: [Component], new: [Component], in section: InventorySection
    ) -> [InventoryChange] {
        var pending: [String: ArraySlice<Int>] = [:]
        pending.reserveCapacity(stored.count)
        for (index, element) in stored.enumerated() { pending[element.stableKey, default: []].append(index) }
        var paired = Array(repeating: false, count: stored.count)
        var added: [Int] = []
        var changes: [(change: InventoryChange, position: Int)] = []
        for (position, element) in new.enumerated() {
            guard let index = pending[element.stableKey]?.popFirst() else {
                added.append(position)
                continue
            }
            paired[index] = true
            let old = stored[index]
            guard old != element else { continue }
            let fields = fieldChanges(from: old.historyFields, to: element.historyFields)
            if !fields.isEmpty {
                let change = InventoryChange(
                    section: section, kind: .changed, key: element.stableKey, label: element.historyLabel,
                    fields: fields)
                changes.append((change, position))
            }
        }
        var removed = stored.indices.filter { !paired[$0] }

        // One removed and one added element with the same versionless key: a new version.
        var removedByVersionlessKey: [String: [Int]] = [:]
        for index in removed {
            if let key = stored[index].versionlessKey { removedByVersionlessKey[key, default: []].append(index) }
        }
        var addedByVersionlessKey: [String: [Int]] = [:]
        for position in added {
            if let key = new[position].versionlessKey { addedByVersionlessKey[key, default: []].append(position) }
        }
        var upgradedFrom = Set<Int>()
        var upgradedTo = Set<Int>()
        for (key, positions) in addedByVersionlessKey {
            guard positions.count == 1, let indices = removedByVersionlessKey[key], indices.count == 1 else { continue }
            let old = stored[indices[0]]
            let element = new[positions[0]]
            var fields = fieldChanges(from: old.historyFields, to: element.historyFields)
            let version = FieldChange(
                field: "version", before: clipped(old.historyVersion), after: clipped(element.historyVersion))
            fields.removeAll { $0.field == "version" }
            fields.insert(version, at: 0)
            let change = InventoryChange(
                section: section, kind: .versionChanged, key: key, label: element.historyLabel, fields: fields)
            changes.append((change, positions[0]))
            upgradedFrom.insert(indices[0])
            upgradedTo.insert(positions[0])
        }
        removed.removeAll { upgradedFrom.contains($0) }
        added.removeAll { upgradedTo.contains($0) }

        for index in removed {
            let old = stored[index]
            let fields = knownValues(old.historyFields, removed: true)
            changes.append(
                (
                    InventoryChange(
                        section: section, kind: .removed, key: old.stableKey, label: old.historyLabel, fields: fields),
                    index
                ))
        }
        for position in added {
            let element = new[position]
            let fields = knownValues(element.historyFields, removed: false)
            changes.append(
                (
                    InventoryChange(
                        section: section, kind: .added, key: element.stableKey, label: element.historyLabel,
                        fields: fields), position
                ))
        }
        return ordered(changes)
    }

    /// The changes of a one-value section (BIOS, hardware, operating system, network device): `added` when only the
    /// new inventory has it, `removed` when only the stored one does, else `changed` with the fields that differ;
    /// none when nothing recorded differs. The key and label are the section's name.
    public static func between<Record: InventoryHistoryRecord & Equatable>(
        stored: Record?, new: Record?, in section: InventorySection
    ) -> [InventoryChange] {
        let name = section.rawValue
        switch (stored, new) {
        case (nil, nil):
            return []
        case (nil, let new?):
            let fields = knownValues(new.historyFields, removed: false)
            return [InventoryChange(section: section, kind: .added, key: name, label: name, fields: fields)]
        case (let stored?, nil):
            let fields = knownValues(stored.historyFields, removed: true)
            return [InventoryChange(section: section, kind: .removed, key: name, label: name, fields: fields)]
        case (let stored?, let new?):
            guard stored != new else { return [] }
            let fields = fieldChanges(from: stored.historyFields, to: new.historyFields)
            return fields.isEmpty
                ? [] : [InventoryChange(section: section, kind: .changed, key: name, label: name, fields: fields)]
        }
    }

    /// The known values of an element that appeared (as `after`) or disappeared (as `before`).
    static func knownValues(_ fields: [InventoryHistoryField], removed: Bool) -> [FieldChange] {
        fields.compactMap { field in
            field.value.map {
                removed
                    ? FieldChange(field: field.name, before: $0, after: nil)
                    : FieldChange(field: field.name, before: nil, after: $0)
            }
        }
    }

    /// The fields whose values differ, in `new`'s order, then fields only `old` has.
    static func fieldChanges(from old: [InventoryHistoryField], to new: [InventoryHistoryField]) -> [FieldChange] {
        if old.count == new.count, zip(old, new).allSatisfy({ $0.name == $1.name }) {
            return zip(old, new).compactMap { before, after in
                before.value == after.value
                    ? nil : FieldChange(field: after.name, before: before.value, after: after.value)
            }
        }
        var oldValues: [String: String?] = [:]
        for field in old { oldValues[field.name] = field.value }
        var changes: [FieldChange] = []
        for field in new {
            let before = oldValues.removeValue(forKey: field.name) ?? nil
            if before != field.value {
                changes.append(FieldChange(field: field.name, before: before, after: field.value))
            }
        }
        for field in old where oldValues[field.name] != nil {
            if let before = oldValues[field.name] ?? nil {
                changes.append(FieldChange(field: field.name, before: before, after: nil))
            }
        }
        return changes
    }

    /// `text` cut to ``maximumValueLength`` characters.
    static func clipped(_ text: String?) -> String? {
        guard let text, text.count > maximumValueLength else { return text }
        return String(text.prefix(maximumValueLength - 1)) + "…"
    }

    static func ordered(_ changes: [(change: InventoryChange, position: Int)]) -> [InventoryChange] {
        let rank = Dictionary(uniqueKeysWithValues: Kind.allCases.enumerated().map { ($1, $0) })
        return changes.sorted { lhs, rhs in
            if lhs.change.key != rhs.change.key { return lhs.change.key < rhs.change.key }
            if lhs.change.kind != rhs.change.kind { return rank[lhs.change.kind]! < rank[rhs.change.kind]! }
            return lhs.position < rhs.position
        }.map(\.change)
    }
}
