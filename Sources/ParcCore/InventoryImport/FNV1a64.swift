/// The 64-bit FNV-1a hash (Fowler, Noll, Vo), with a final avalanche: a fast, fixed, non-cryptographic digest for
/// telling whether stored data changed. Not for anything an attacker could profit from colliding; the fingerprints
/// it makes only decide whether the server may skip re-importing a section it already holds.
struct FNV1a64 {
    static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01b3

    private(set) var value = offsetBasis

    init() {}

    /// A hasher that has read `tag` (which tells values of different kinds apart).
    init(tag: UInt8) {
        combine(byte: tag)
    }

    mutating func combine(byte: UInt8) {
        value = (value ^ UInt64(byte)) &* Self.prime
    }

    mutating func combine(_ bytes: UnsafeRawBufferPointer) {
        var hash = value
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* Self.prime
        }
        value = hash
    }

    /// The eight bytes of `word`, least significant first.
    mutating func combine(_ word: UInt64) {
        var hash = value
        var rest = word
        for _ in 0..<8 {
            hash = (hash ^ (rest & 0xFF)) &* Self.prime
            rest >>= 8
        }
        value = hash
    }

    /// The UTF-8 bytes of `text`, then its length, so that no two sequences of strings read alike.
    mutating func combine(_ text: String) {
        var text = text
        text.withUTF8 { combine(UnsafeRawBufferPointer($0)) }
        combine(UInt64(text.utf8.count))
    }

    /// The value with its bits spread (the SplitMix64 finaliser), so that sums and exclusive ors of digests stay
    /// good digests.
    var finalized: UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// `value` as 16 lower-case hexadecimal digits.
    static func hex(_ value: UInt64) -> String {
        Hex.string(value)
    }

    /// The finalised digest of `bytes`, as 16 hexadecimal digits.
    static func hex(of bytes: [UInt8]) -> String {
        var hasher = FNV1a64()
        bytes.withUnsafeBytes { hasher.combine($0) }
        return hex(hasher.finalized)
    }
}
