import Foundation

/// Cuts a streamed input into chunks, holding at most about twice the maximum chunk size in memory.
public struct ChunkStream<Source: ByteSource> {
    private let chunker: ContentDefinedChunker
    private var source: Source
    private var buffer: [UInt8] = []
    private var start = 0
    private var offset: Int64 = 0
    private var reachedEnd = false
    private let readSize: Int

    /// Chunks `source` with `chunker`.
    public init(source: Source, chunker: ContentDefinedChunker) {
        self.source = source
        self.chunker = chunker
        self.readSize = max(chunker.parameters.maxSize, 64 * 1024)
    }

    /// The next chunk, or nil at the end of the input (an empty input has no chunk).
    public mutating func next() throws(ChunkerError) -> Chunk? {
        try fill()
        let available = buffer.count - start
        if available == 0 { return nil }
        let length = buffer.withUnsafeBufferPointer { all in
            chunker.cutPoint(in: UnsafeBufferPointer(rebasing: all[start...]), isEndOfInput: reachedEnd)
        }
        let chunk = Chunk(offset: offset, data: Data(buffer[start..<start + length]))
        start += length
        offset += Int64(length)
        return chunk
    }

    /// Ensures at least `maxSize` unchunked bytes are buffered, or the input is exhausted.
    private mutating func fill() throws(ChunkerError) {
        let needed = chunker.parameters.maxSize
        guard !reachedEnd, buffer.count - start < needed else { return }
        if start > 0 {
            buffer.removeFirst(start)
            start = 0
        }
        while !reachedEnd, buffer.count < needed * 2 {
            let piece: [UInt8]
            do {
                piece = try source.read(upToCount: readSize)
            } catch {
                throw .readFailed(String(describing: error))
            }
            if piece.isEmpty { reachedEnd = true } else { buffer.append(contentsOf: piece) }
        }
    }
}
