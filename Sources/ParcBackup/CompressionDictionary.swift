import CZstd
import Foundation

/// A zstd dictionary of a repository (format §6a, `dictionaries/<id>`): trained once from a sample
/// of the small files backed up, then used by every writer to compress small data blobs.
///
/// A small file compressed on its own starts from nothing: a 4 KiB configuration file or log
/// shares its vocabulary with thousands of others, but zstd cannot see them. With a dictionary
/// trained on a sample of them, small text files take a third less room (decision 0086).
/// Frames compressed with a dictionary record its zstd ID in their header; readers look the
/// dictionary up by that ID.
///
/// The prepared tables (`ZSTD_CDict`, `ZSTD_DDict`) are read-only once made, so one dictionary is
/// shared by every thread.
public final class CompressionDictionary: @unchecked Sendable {
    /// The dictionary as stored (zstd's format: magic, ID, entropy tables, content).
    public let bytes: Data
    /// zstd's ID of the dictionary, recorded in every frame compressed with it.
    public let zstdID: UInt32
    private let compressor: OpaquePointer
    private let decompressor: OpaquePointer

    /// Size of the dictionaries writers train (zstd's own default).
    public static let trainedSize = 112_640
    /// Largest dictionary a reader accepts.
    public static let largestAccepted = 1 << 20
    /// Smallest zstd ID writers give a dictionary (zstd reserves the IDs below for registered ones).
    public static let smallestWriterID: UInt32 = 32_768

    /// Loads a dictionary from its stored bytes, validating them: a zstd dictionary with a header
    /// (a nonzero ID) whose entropy tables load.
    public init(bytes: Data, level: Int32 = ZstdCodec.blobLevel) throws(CompressionError) {
        guard bytes.count >= 8, bytes.count <= Self.largestAccepted else {
            throw .zstd("a dictionary of \(bytes.count) bytes (8 to \(Self.largestAccepted) expected)")
        }
        let id = bytes.withUnsafeBytes { ZSTD_getDictID_fromDict($0.baseAddress, $0.count) }
        guard id != 0 else { throw .zstd("not a zstd dictionary (no dictionary header)") }
        let loaded = bytes.withUnsafeBytes { raw -> (OpaquePointer?, OpaquePointer?) in
            (ZSTD_createCDict(raw.baseAddress, raw.count, level), ZSTD_createDDict(raw.baseAddress, raw.count))
        }
        guard let compressor = loaded.0, let decompressor = loaded.1 else {
            if let made = loaded.0 { ZSTD_freeCDict(made) }
            if let made = loaded.1 { ZSTD_freeDDict(made) }
            throw .zstd("the dictionary's tables do not load (damaged dictionary)")
        }
        self.bytes = bytes
        self.zstdID = id
        self.compressor = compressor
        self.decompressor = decompressor
    }

    deinit {
        ZSTD_freeCDict(compressor)
        ZSTD_freeDDict(decompressor)
    }

    /// Trains a dictionary of at most ``trainedSize`` bytes with zstd ID `zstdID` from `samples`
    /// (whole small files); nil when they are too few or too small for zstd to make one (fewer than
    /// 16 samples, or under 32 KiB in all), or when training fails.
    ///
    /// FastCover with fixed parameters (segments of 200 bytes, 8-byte d-mers): about 20 ms for a
    /// 1 MiB sample here; the optimizing trainer tried many parameters for a dictionary barely better.
    public static func train(
        samples: [Data], zstdID: UInt32, level: Int32 = ZstdCodec.blobLevel
    ) -> CompressionDictionary? {
        let total = samples.reduce(0) { $0 + $1.count }
        guard samples.count >= 16, total >= 32 * 1024, zstdID >= smallestWriterID else { return nil }
        var joined = Data(capacity: total)
        for sample in samples { joined.append(sample) }
        let sizes = samples.map(\.count)
        let capacity = min(trainedSize, total / 4)
        var parameters = ZDICT_fastCover_params_t()
        parameters.k = 200
        parameters.d = 8
        parameters.f = 20
        parameters.steps = 0
        parameters.nbThreads = 1
        parameters.splitPoint = 1.0
        parameters.accel = 1
        parameters.zParams.compressionLevel = level
        parameters.zParams.notificationLevel = 0
        parameters.zParams.dictID = zstdID
        var dictionary = Data(count: capacity)
        let written = dictionary.withUnsafeMutableBytes { output in
            joined.withUnsafeBytes { input in
                sizes.withUnsafeBufferPointer { sizes in
                    ZDICT_trainFromBuffer_fastCover(
                        output.baseAddress, capacity, input.baseAddress, sizes.baseAddress, UInt32(sizes.count),
                        parameters)
                }
            }
        }
        guard ZDICT_isError(written) == 0, written > 0 else { return nil }
        dictionary.count = written
        return try? CompressionDictionary(bytes: dictionary, level: level)
    }

    /// Compresses `input` into one frame with this dictionary, in a reused buffer, and passes the
    /// frame to `body` when it is shorter than `limit` bytes; nil otherwise (as
    /// ``ZstdCodec/withFrame(of:shorterThan:level:_:)``).
    func withFrame<Result>(
        of input: UnsafeRawBufferPointer, shorterThan limit: Int, _ body: (UnsafeRawBufferPointer) -> Result
    ) -> Result? {
        ZstdCodec.withCompressedFrame(of: input, shorterThan: limit, body) { context, output, capacity in
            ZSTD_compress_usingCDict(context, output, capacity, input.baseAddress, input.count, compressor)
        }
    }

    /// Decompresses one frame made with this dictionary; it must expand to exactly `expectedSize`.
    func decompress(_ input: Data, expectedSize: Int) throws(CompressionError) -> Data {
        try ZstdCodec.decompress(input, expectedSize: expectedSize) { context, output, input in
            ZSTD_decompress_usingDDict(
                context, output, expectedSize, input.baseAddress, input.count, decompressor)
        }
    }

    /// The zstd dictionary ID a frame records, or nil when it records none (or is no frame).
    static func zstdID(ofFrame frame: Data) -> UInt32? {
        let id = frame.withUnsafeBytes { ZSTD_getDictID_fromFrame($0.baseAddress, $0.count) }
        return id == 0 ? nil : id
    }
}

/// The dictionaries of a repository, loaded when it is opened, and those that could not be.
///
/// Shared by every copy of the ``Repository`` value (a reference, behind a lock): a dictionary
/// that a backup stores is seen at once by a restore or drill holding the same repository.
public final class CompressionDictionaries: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(name: String, dictionary: CompressionDictionary)] = []
    private var failures: [(name: String, reason: String)] = []

    /// An empty set (a new one each time: sets are shared by reference).
    public static var none: CompressionDictionaries { CompressionDictionaries() }

    public init() {}

    /// The usable dictionaries, by the name of their file (sorted).
    public var byName: [(name: String, dictionary: CompressionDictionary)] { lock.withLock { entries } }

    /// Dictionary files that could not be read, with why (``Check`` reports them).
    public var problems: [(name: String, reason: String)] { lock.withLock { failures } }

    /// The dictionary writers use: the first by file name, so that every writer of the repository
    /// picks the same one.
    public var forWriting: CompressionDictionary? { lock.withLock { entries.first?.dictionary } }

    /// Whether the repository has no usable dictionary.
    public var isEmpty: Bool { lock.withLock { entries.isEmpty } }

    /// The dictionaries with zstd ID `zstdID` (one, unless two writers trained theirs at once and
    /// drew the same ID: readers then try each, and the blob's SHA-256 tells which was right).
    public func matching(zstdID: UInt32) -> [CompressionDictionary] {
        lock.withLock { entries.filter { $0.dictionary.zstdID == zstdID }.map(\.dictionary) }
    }

    /// A zstd ID that no dictionary of this set has, for a new dictionary.
    func unusedZstdID() -> UInt32 {
        var generator = SystemRandomNumberGenerator()
        while true {
            let id = UInt32.random(in: CompressionDictionary.smallestWriterID...UInt32(Int32.max), using: &generator)
            if matching(zstdID: id).isEmpty { return id }
        }
    }

    func add(_ dictionary: CompressionDictionary, name: String) {
        lock.withLock {
            guard !entries.contains(where: { $0.name == name }) else { return }
            entries.append((name, dictionary))
            entries.sort { $0.name < $1.name }
        }
    }

    func addProblem(name: String, reason: String) {
        lock.withLock { failures.append((name, reason)) }
    }
}

/// How a writer compresses blobs: whether, at which zstd level, and with which dictionary for
/// small data blobs. A blob is kept compressed only when that makes it smaller.
public struct BlobCompressor: Sendable {
    /// `.none` or `.zstd` (a dictionary, when there is one, is used for small data blobs).
    public var mode: CompressionMode
    /// The zstd level of blobs compressed without the dictionary.
    public var level: Int32
    /// The dictionary for data blobs under ``dictionaryLimit`` bytes.
    public var dictionary: CompressionDictionary?

    /// Data blobs under this many bytes are compressed with the dictionary: whole small files
    /// (chunks are at least 512 KiB, where a dictionary no longer helps).
    public static let dictionaryLimit = 128 * 1024

    /// No compression.
    public static let none = BlobCompressor(mode: .none, level: 0, dictionary: nil)

    /// zstd at `level`, with `dictionary` for small data blobs.
    public static func zstd(level: Int32 = ZstdCodec.defaultLevel, dictionary: CompressionDictionary? = nil)
        -> BlobCompressor
    {
        BlobCompressor(mode: .zstd, level: level, dictionary: dictionary)
    }

    /// The dictionary to use for a blob of `type` and `count` bytes, if any.
    func dictionary(for type: BlobType, count: Int) -> CompressionDictionary? {
        type == .data && count < Self.dictionaryLimit ? dictionary : nil
    }
}
