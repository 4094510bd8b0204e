import Foundation

/// The cost of turning a passphrase into a key-encryption key with scrypt; recorded in each key file.
public struct ScryptParameters: Sendable, Hashable, Codable {
    /// CPU/memory cost N, a power of two.
    public let n: Int
    /// Block size r.
    public let r: Int
    /// Parallelism p.
    public let p: Int

    /// N = 2^15, r = 8, p = 3: 32 MiB, and about the work of N = 2^17, p = 1 (three lanes run one
    /// after the other), roughly half a second per guess on a current core. OWASP (2023) lists
    /// both as equivalent; this one keeps the agent's peak memory low on small machines.
    public static let standard = ScryptParameters(validN: 1 << 15, r: 8, p: 3)

    /// N = 2^10, r = 8, p = 1: 1 MiB, milliseconds. Only for tests; never for a real repository.
    public static let fastForTests = ScryptParameters(validN: 1 << 10, r: 8, p: 1)

    /// Memory scrypt needs: 128 · N · r bytes.
    public var memoryBytes: Int { 128 * n * r }

    /// Validates the parameters against the bounds a reader accepts: N a power of two in
    /// 2^10…2^22, r in 1…32, p in 1…16, memory ≤ 1 GiB. A key file outside them is refused
    /// before any work, so a hostile file cannot make the reader allocate or spin for ever.
    public init(n: Int, r: Int, p: Int) throws(KeyError) {
        guard n.nonzeroBitCount == 1, (1 << 10)...(1 << 22) ~= n, 1...32 ~= r, 1...16 ~= p, 128 * n * r <= 1 << 30
        else {
            throw .kdfParametersOutOfRange(n: n, r: r, p: p)
        }
        self.init(validN: n, r: r, p: p)
    }

    private init(validN: Int, r: Int, p: Int) {
        self.n = validN
        self.r = r
        self.p = p
    }
}
