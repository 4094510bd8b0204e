/// One field's value before and after a change, as recorded in the audit log.
public struct FieldChange: Sendable, Codable, Equatable {
    public let field: String
    public let before: String?
    public let after: String?

    public init(field: String, before: String?, after: String?) {
        self.field = field
        self.before = before
        self.after = after
    }

    /// Text recorded instead of a secret's value: the log says it changed, never what it was.
    public static let redacted = "••••••"

    /// The fields that differ between two snapshots of an object, in field-name order.
    ///
    /// A field missing from one side counts as nil there. Fields listed in `secrets` are recorded
    /// as changed with both values redacted.
    public static func between(_ before: [String: String?], _ after: [String: String?],
                               secrets: Set<String> = []) -> [FieldChange] {
        let fields = Set(before.keys).union(after.keys).sorted()
        return fields.compactMap { field in
            let old = before[field] ?? nil
            let new = after[field] ?? nil
            guard old != new else { return nil }
            if secrets.contains(field) {
                return FieldChange(field: field, before: old == nil ? nil : redacted, after: new == nil ? nil : redacted)
            }
            return FieldChange(field: field, before: old, after: new)
        }
    }
}
