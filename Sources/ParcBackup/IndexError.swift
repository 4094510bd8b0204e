/// Why an index document could not be read.
public enum IndexError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not valid JSON of the index shape, or impossible values.
    case malformed(name: String, reason: String)
    /// A format version this program does not read.
    case unsupportedVersion(name: String, version: Int)

    public var description: String {
        switch self {
        case .malformed(let name, let reason): "index \(name) is malformed: \(reason)"
        case .unsupportedVersion(let name, let version):
            "index \(name) has format version \(version); this version reads 1"
        }
    }
}
