import Foundation

/// Deterministic pseudo-random bytes (SplitMix64), so chunking tests see the same data on every run.
struct TestBytes {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bytes(_ count: Int) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(count + 8)
        while out.count < count {
            let value = next()
            for shift in 0..<8 { out.append(UInt8(truncatingIfNeeded: value >> UInt64(8 * shift))) }
        }
        return Array(out.prefix(count))
    }

    static func random(_ count: Int, seed: UInt64 = 1) -> [UInt8] {
        var generator = TestBytes(seed: seed)
        return generator.bytes(count)
    }
}
