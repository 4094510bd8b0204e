/// Hard limits the readers enforce before and while they parse, so that a hostile or broken body costs bounded time
/// and memory and ends in an ``InventoryFormatError`` rather than an exhausted server.
///
/// The defaults leave room for any real machine: a Debian desktop with 800 packages is 230 kB of XML and 10 000
/// elements; a Windows server with 3 000 programs about 1 MB. A report with 100 000 programs (26 MB of JSON) still
/// parses; ten million entries cannot fit in ``maxInputBytes`` and are refused before parsing starts.
public struct InventoryLimits: Hashable, Sendable {
    /// Largest body, decompressed, in bytes. Default 64 MiB. The server must stop inflating a compressed body at
    /// this size too (decompression bombs).
    public var maxInputBytes: Int
    /// Deepest nesting of JSON objects and arrays, or of XML elements, the root counting 1. Default 32; real
    /// inventories nest at most 8 deep.
    public var maxDepth: Int
    /// Most entries in one section or list (software, ports…), and most children of one XML element.
    /// Default 250 000.
    public var maxEntriesPerSection: Int
    /// Most JSON values or XML elements in the whole body. Default 4 000 000 (100 000 programs take 1.1 million).
    public var maxNodes: Int
    /// Longest value, in UTF-8 bytes, of a field Parc keeps. Default 64 KiB. Fields Parc does not read (process
    /// command lines, environment variables…) are bounded by ``maxInputBytes`` only.
    public var maxStringBytes: Int

    /// Limits; every parameter defaults to the value ``default`` has.
    public init(
        maxInputBytes: Int = 64 << 20, maxDepth: Int = 32, maxEntriesPerSection: Int = 250_000,
        maxNodes: Int = 4_000_000, maxStringBytes: Int = 64 << 10
    ) {
        self.maxInputBytes = maxInputBytes
        self.maxDepth = maxDepth
        self.maxEntriesPerSection = maxEntriesPerSection
        self.maxNodes = maxNodes
        self.maxStringBytes = maxStringBytes
    }

    /// 64 MiB, depth 32, 250 000 entries per section, 4 000 000 nodes, 64 KiB per kept string.
    public static let `default` = InventoryLimits()
}
