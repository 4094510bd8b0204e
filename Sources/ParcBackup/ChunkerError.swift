/// Why chunking could not start or continue.
public enum ChunkerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The size bounds break the rules of ``ChunkerParameters``.
    case invalidParameters(min: Int, average: Int, max: Int)
    /// The gear seed is not 32 bytes.
    case invalidSeed(byteCount: Int)
    /// Reading the input failed.
    case readFailed(String)

    public var description: String {
        switch self {
        case .invalidParameters(let min, let average, let max):
            "invalid chunker sizes min \(min), average \(average), max \(max): "
                + "need 64 ≤ min < average < max ≤ 64 MiB with average a power of two"
        case .invalidSeed(let count):
            "the chunker seed must be 32 bytes, found \(count)"
        case .readFailed(let reason):
            "reading the input to chunk failed: \(reason)"
        }
    }
}
