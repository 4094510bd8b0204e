/// How much a ``CSVReader`` takes before it refuses the input: a CSV file comes from anyone who may import, so every
/// dimension is bounded before it can cost memory or time.
public struct CSVReadLimits: Hashable, Sendable {
    /// The whole input, in bytes, before decoding.
    public var maximumBytes: Int
    /// Records, the header included.
    public var maximumRecords: Int
    /// Fields in one record.
    public var maximumFields: Int
    /// Bytes of one field once decoded (UTF-8).
    public var maximumFieldBytes: Int

    /// Limits.
    public init(maximumBytes: Int, maximumRecords: Int, maximumFields: Int, maximumFieldBytes: Int) {
        self.maximumBytes = maximumBytes
        self.maximumRecords = maximumRecords
        self.maximumFields = maximumFields
        self.maximumFieldBytes = maximumFieldBytes
    }

    /// 5 MiB, 10 001 records (a header and 10 000 rows), 64 fields of at most 64 KiB.
    public static let imports = CSVReadLimits(
        maximumBytes: 5 << 20, maximumRecords: 10_001, maximumFields: 64, maximumFieldBytes: 64 << 10)
}
