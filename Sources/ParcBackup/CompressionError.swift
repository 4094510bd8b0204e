/// Why compressing or decompressing failed.
public enum CompressionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// libzstd reported an error.
    case zstd(String)
    /// The frame did not expand to the recorded plaintext length.
    case sizeMismatch(expected: Int, actual: Int)

    public var description: String {
        switch self {
        case .zstd(let reason): "zstd: \(reason)"
        case .sizeMismatch(let expected, let actual): "decompressed to \(actual) bytes, expected \(expected)"
        }
    }
}
