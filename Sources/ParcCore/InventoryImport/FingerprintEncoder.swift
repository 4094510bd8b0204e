/// An `Encoder` that digests a value instead of writing it: every field the value's `Codable` conformance encodes
/// counts, so a field added to the inventory model later is covered without anyone remembering to.
///
/// The digest is canonical: a keyed container (a struct, a dictionary) combines its entries with a sum and an
/// exclusive or of their digests, so the order of keys does not matter (a dictionary's order changes from one
/// process to the next); an unkeyed container (an array) is read in order; each primitive is tagged with its kind
/// and strings with their length, so `["ab"]` and `["a", "b"]`, `nil` and `""`, 1 and `"1"` differ. Absent optional
/// fields are not encoded at all, and differ from present ones by the entry count and sum.
final class FingerprintEncoder: Encoder {
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// What was encoded into this encoder.
    enum Kind {
        case nothing
        case single
        case keyed
        case unkeyed
    }

    /// An encoded value: a digest already known, or an encoder to digest once it is complete (a nested container
    /// or super-encoder may still be written to after the call that made it returns).
    enum Node {
        case digest(UInt64)
        case encoder(FingerprintEncoder)

        var digest: UInt64 {
            switch self {
            case .digest(let digest): digest
            case .encoder(let encoder): encoder.digest
            }
        }
    }

    var kind = Kind.nothing
    var single: UInt64 = 0
    // A keyed container folds its entries as they come: count, wrapping sum and exclusive or of entry digests.
    var keyedCount: UInt64 = 0
    var keyedSum: UInt64 = 0
    var keyedExclusive: UInt64 = 0
    var deferredEntries: [(key: UInt64, encoder: FingerprintEncoder)] = []
    var unkeyedNodes: [Node] = []

    /// The digest of `value`.
    static func digest(of value: some Encodable) -> UInt64 {
        let encoder = FingerprintEncoder()
        // The encoder itself never throws; a value whose encode(to:) throws digests as far as it got.
        try? value.encode(to: encoder)
        return encoder.digest
    }

    var digest: UInt64 {
        switch kind {
        case .nothing:
            return FNV1a64(tag: 0).finalized
        case .single:
            return single
        case .keyed:
            var count = keyedCount
            var sum = keyedSum
            var exclusive = keyedExclusive
            for entry in deferredEntries {
                let digest = Self.entryDigest(key: entry.key, value: entry.encoder.digest)
                count += 1
                sum &+= digest
                exclusive ^= digest
            }
            var hasher = FNV1a64(tag: 2)
            hasher.combine(count)
            hasher.combine(sum)
            hasher.combine(exclusive)
            return hasher.finalized
        case .unkeyed:
            var hasher = FNV1a64(tag: 3)
            hasher.combine(UInt64(unkeyedNodes.count))
            for node in unkeyedNodes { hasher.combine(node.digest) }
            return hasher.finalized
        }
    }

    static func entryDigest(key: UInt64, value: UInt64) -> UInt64 {
        var hasher = FNV1a64(tag: 1)
        hasher.combine(key)
        hasher.combine(value)
        return hasher.finalized
    }

    func append(_ digest: UInt64, forKey key: any CodingKey) {
        let entry = Self.entryDigest(key: Self.keyDigest(key), value: digest)
        keyedCount += 1
        keyedSum &+= entry
        keyedExclusive ^= entry
    }

    func appendDeferred(_ encoder: FingerprintEncoder, forKey key: any CodingKey) {
        deferredEntries.append((Self.keyDigest(key), encoder))
    }

    /// The node for `value`: a primitive digested at once, anything else through a child encoder.
    static func node<Value: Encodable>(_ value: Value) -> UInt64 {
        if let digest = primitiveDigest(value) { return digest }
        let child = FingerprintEncoder()
        try? value.encode(to: child)
        return child.digest
    }

    static func primitiveDigest<Value>(_ value: Value) -> UInt64? {
        var hasher: FNV1a64
        switch value {
        case let text as String:
            return stringDigest(text)
        case let number as Int:
            return integerDigest(Int64(number))
        case let flag as Bool:
            hasher = FNV1a64(tag: flag ? 12 : 13)
        case let number as Double:
            hasher = FNV1a64(tag: 14)
            hasher.combine(number.bitPattern)
        case let number as Float:
            hasher = FNV1a64(tag: 14)
            hasher.combine(Double(number).bitPattern)
        case let number as Int8: return integerDigest(Int64(number))
        case let number as Int16: return integerDigest(Int64(number))
        case let number as Int32: return integerDigest(Int64(number))
        case let number as Int64: return integerDigest(number)
        case let number as UInt8: return integerDigest(Int64(number))
        case let number as UInt16: return integerDigest(Int64(number))
        case let number as UInt32: return integerDigest(Int64(number))
        case let number as UInt:
            hasher = FNV1a64(tag: 15)
            hasher.combine(UInt64(number))
        case let number as UInt64:
            hasher = FNV1a64(tag: 15)
            hasher.combine(number)
        default:
            return nil
        }
        return hasher.finalized
    }

    static func stringDigest(_ text: String) -> UInt64 {
        var hasher = FNV1a64(tag: 10)
        hasher.combine(text)
        return hasher.finalized
    }

    static func integerDigest(_ number: Int64) -> UInt64 {
        var hasher = FNV1a64(tag: 11)
        hasher.combine(UInt64(bitPattern: number))
        return hasher.finalized
    }

    static let nilDigest = FNV1a64(tag: 16).finalized

    static func keyDigest(_ key: any CodingKey) -> UInt64 {
        var hasher = FNV1a64(tag: 17)
        hasher.combine(key.stringValue)
        return hasher.value
    }

    func append(_ node: Node) {
        unkeyedNodes.append(node)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        kind = .keyed
        return KeyedEncodingContainer(KeyedContainer<Key>(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        kind = .unkeyed
        return UnkeyedContainer(encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueContainer(encoder: self)
    }

    struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let encoder: FingerprintEncoder
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil(forKey key: Key) throws { encoder.append(FingerprintEncoder.nilDigest, forKey: key) }

        mutating func encode<Value: Encodable>(_ value: Value, forKey key: Key) throws {
            encoder.append(FingerprintEncoder.node(value), forKey: key)
        }

        // The inventory model is mostly strings and integers: these skip the dynamic casts of `node`.
        mutating func encode(_ value: String, forKey key: Key) throws {
            encoder.append(FingerprintEncoder.stringDigest(value), forKey: key)
        }

        mutating func encode(_ value: Int, forKey key: Key) throws {
            encoder.append(FingerprintEncoder.integerDigest(Int64(value)), forKey: key)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type, forKey key: Key
        ) -> KeyedEncodingContainer<NestedKey> {
            let child = FingerprintEncoder()
            encoder.appendDeferred(child, forKey: key)
            return child.container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let child = FingerprintEncoder()
            encoder.appendDeferred(child, forKey: key)
            return child.unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder {
            let child = FingerprintEncoder()
            encoder.appendDeferred(child, forKey: SuperKey())
            return child
        }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            let child = FingerprintEncoder()
            encoder.appendDeferred(child, forKey: key)
            return child
        }
    }

    struct SuperKey: CodingKey {
        var stringValue: String { "super" }
        var intValue: Int? { nil }
        init() {}
        init?(stringValue: String) { nil }
        init?(intValue: Int) { nil }
    }

    struct UnkeyedContainer: UnkeyedEncodingContainer {
        let encoder: FingerprintEncoder
        var codingPath: [any CodingKey] { [] }
        var count: Int { encoder.unkeyedNodes.count }

        mutating func encodeNil() throws { encoder.append(.digest(FingerprintEncoder.nilDigest)) }

        mutating func encode<Value: Encodable>(_ value: Value) throws {
            encoder.append(.digest(FingerprintEncoder.node(value)))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type
        ) -> KeyedEncodingContainer<NestedKey> {
            let child = FingerprintEncoder()
            encoder.append(.encoder(child))
            return child.container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let child = FingerprintEncoder()
            encoder.append(.encoder(child))
            return child.unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder {
            let child = FingerprintEncoder()
            encoder.append(.encoder(child))
            return child
        }
    }

    struct SingleValueContainer: SingleValueEncodingContainer {
        let encoder: FingerprintEncoder
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil() throws {
            encoder.kind = .single
            encoder.single = FingerprintEncoder.nilDigest
        }

        mutating func encode<Value: Encodable>(_ value: Value) throws {
            encoder.kind = .single
            encoder.single = FingerprintEncoder.node(value)
        }
    }
}
