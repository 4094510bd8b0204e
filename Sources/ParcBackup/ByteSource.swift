import Foundation

/// A sequential input read in pieces (a file, or bytes in memory in tests).
public protocol ByteSource {
    /// Reads up to `count` bytes; an empty result means the end of the input.
    mutating func read(upToCount count: Int) throws -> [UInt8]
}

/// Reads a file through a `FileHandle`, from its current offset.
public struct FileHandleByteSource: ByteSource {
    private let handle: FileHandle

    /// Reads from `handle`; the caller owns and closes it.
    public init(handle: FileHandle) {
        self.handle = handle
    }

    public mutating func read(upToCount count: Int) throws -> [UInt8] {
        guard let data = try handle.read(upToCount: count) else { return [] }
        return [UInt8](data)
    }
}

/// Bytes in memory, handed out in pieces of at most `pieceSize` (to exercise streaming).
public struct MemoryByteSource: ByteSource {
    private let bytes: [UInt8]
    private var position = 0
    private let pieceSize: Int

    /// Serves `bytes`, at most `pieceSize` at a time.
    public init(_ bytes: [UInt8], pieceSize: Int = .max) {
        self.bytes = bytes
        self.pieceSize = max(pieceSize, 1)
    }

    public mutating func read(upToCount count: Int) throws -> [UInt8] {
        let length = min(count, pieceSize, bytes.count - position)
        defer { position += length }
        return Array(bytes[position..<position + length])
    }
}
