/// Size bounds of content-defined chunking; part of the repository config, so every writer of a
/// repository cuts the same data at the same places (needed for deduplication).
public struct ChunkerParameters: Sendable, Hashable, Codable {
    /// No chunk is shorter, except the last chunk of a file.
    public let minSize: Int
    /// The target average; a power of two.
    public let averageSize: Int
    /// No chunk is longer.
    public let maxSize: Int

    /// 512 KiB / 1 MiB / 8 MiB, restic's bounds: large enough to keep the index small, small
    /// enough that an edit rewrites about a megabyte.
    public static let standard = ChunkerParameters(uncheckedMin: 512 * 1024, average: 1024 * 1024, max: 8 * 1024 * 1024)

    /// The largest `maxSize` the format allows (and so the largest data blob).
    public static let largestAllowedMaxSize = 64 * 1024 * 1024

    /// Validates the bounds: 64 ≤ min < average < max ≤ 64 MiB, average a power of two.
    public init(minSize: Int, averageSize: Int, maxSize: Int) throws(ChunkerError) {
        guard minSize >= 64, minSize < averageSize, averageSize < maxSize,
            maxSize <= Self.largestAllowedMaxSize, averageSize.nonzeroBitCount == 1
        else {
            throw .invalidParameters(min: minSize, average: averageSize, max: maxSize)
        }
        self.init(uncheckedMin: minSize, average: averageSize, max: maxSize)
    }

    private init(uncheckedMin: Int, average: Int, max: Int) {
        self.minSize = uncheckedMin
        self.averageSize = average
        self.maxSize = max
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let min = try container.decode(Int.self, forKey: .minSize)
        let average = try container.decode(Int.self, forKey: .averageSize)
        let max = try container.decode(Int.self, forKey: .maxSize)
        do {
            try self.init(minSize: min, averageSize: average, maxSize: max)
        } catch {
            throw DecodingError.dataCorruptedError(
                forKey: .maxSize, in: container, debugDescription: error.description)
        }
    }

    private enum CodingKeys: String, CodingKey {
        case minSize = "min_size"
        case averageSize = "average_size"
        case maxSize = "max_size"
    }
}
