import Crypto

/// The 256 random 64-bit values of the gear rolling hash, derived from the repository's secret seed.
///
/// A per-repository table keeps chunk boundaries (and so chunk sizes) from revealing which
/// known files a repository holds. `value[i]` = the first 8 bytes, little-endian, of
/// SHA-256("parc-backup gear v1" ‖ seed ‖ i) for i in 0…255.
public struct GearTable: Sendable, Hashable {
    /// The 256 values, indexed by input byte.
    public let values: [UInt64]

    /// Derives the table from a 32-byte seed.
    public init(seed: [UInt8]) throws(ChunkerError) {
        guard seed.count == 32 else { throw .invalidSeed(byteCount: seed.count) }
        var values = [UInt64]()
        values.reserveCapacity(256)
        let label = Array("parc-backup gear v1".utf8)
        for index in 0..<256 {
            let digest = Array(SHA256.hash(data: label + seed + [UInt8(index)]))
            var value: UInt64 = 0
            for byteIndex in (0..<8).reversed() {
                value = value << 8 | UInt64(digest[byteIndex])
            }
            values.append(value)
        }
        self.values = values
    }
}
