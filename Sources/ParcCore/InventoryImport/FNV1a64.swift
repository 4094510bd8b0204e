import Foundation

/// The 64-bit FNV-1a hash (Fowler, Noll, Vo): a fast, fixed, non-cryptographic digest for telling whether stored data
/// changed. Not for anything an attacker could profit from colliding; the fingerprints it makes only decide whether
/// the server may skip re-importing a section it already holds.
struct FNV1a64 {
    static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01b3

    private(set) var value = offsetBasis

    mutating func combine(_ bytes: some Sequence<UInt8>) {
        var hash = value
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= Self.prime
        }
        value = hash
    }

    /// The value as 16 lower-case hexadecimal digits.
    var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    static func hex(of bytes: some Sequence<UInt8>) -> String {
        var hasher = FNV1a64()
        hasher.combine(bytes)
        return hasher.hex
    }
}
