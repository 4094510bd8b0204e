import Foundation

/// A response whose optional fields are written as `null` rather than left out, so that clients see every field of
/// the documented shape (`"time_to_own_due": null` without an SLA). Properties are written under their Swift names,
/// which the API's DTOs spell in snake case. A conforming type implements `encode(to:)` by calling
/// ``encodeAllFields(to:)`` (an implementation in the extension alone would lose to the synthesized one).
protocol EncodesNulls: Encodable {}

private struct FieldKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension EncodesNulls {
    func encodeAllFields(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: FieldKey.self)
        func write<T: Encodable>(_ value: T, _ key: FieldKey) throws { try container.encode(value, forKey: key) }
        for child in Mirror(reflecting: self).children {
            guard let label = child.label else { continue }
            let key = FieldKey(stringValue: label)
            let mirror = Mirror(reflecting: child.value)
            if mirror.displayStyle == .optional, mirror.children.isEmpty {
                try container.encodeNil(forKey: key)
            } else if let value = child.value as? any Encodable {
                try write(value, key)
            }
        }
    }
}
