/// Finds chunk boundaries with FastCDC (gear rolling hash, normalized chunking, level 2).
///
/// Pure: given the same parameters, table and bytes it always cuts at the same places, and a
/// boundary depends only on the 64 bytes before it and the distance from the previous
/// boundary, so an insertion moves only the boundaries next to it.
public struct ContentDefinedChunker: Sendable {
    /// The size bounds.
    public let parameters: ChunkerParameters
    private let gear: [UInt64]
    /// Harder mask, used before the average size: log2(average) + 2 high bits.
    private let smallMask: UInt64
    /// Easier mask, used after the average size: log2(average) − 2 high bits.
    private let largeMask: UInt64

    /// A chunker with the given bounds and gear table.
    public init(parameters: ChunkerParameters, gearTable: GearTable) {
        self.parameters = parameters
        self.gear = gearTable.values
        let bits = parameters.averageSize.trailingZeroBitCount
        self.smallMask = UInt64.max << UInt64(64 - (bits + 2))
        self.largeMask = UInt64.max << UInt64(64 - max(bits - 2, 1))
    }

    /// The length of the chunk that starts at the beginning of `bytes`.
    ///
    /// - Parameter bytes: the unchunked input; it must hold at least `maxSize` bytes unless it
    ///   reaches the end of the input, in which case `isEndOfInput` is true.
    /// - Returns: a length in 1…min(bytes.count, maxSize); 0 only for empty input.
    public func cutPoint(in bytes: UnsafeBufferPointer<UInt8>, isEndOfInput: Bool) -> Int {
        let count = bytes.count
        precondition(isEndOfInput || count >= parameters.maxSize, "cutPoint needs maxSize bytes before the end")
        if count <= parameters.minSize { return count }
        let limit = min(count, parameters.maxSize)
        let normal = min(parameters.averageSize, limit)
        var hash: UInt64 = 0
        var index = parameters.minSize
        while index < normal {
            hash = (hash << 1) &+ gear[Int(bytes[index])]
            if hash & smallMask == 0 { return index + 1 }
            index += 1
        }
        while index < limit {
            hash = (hash << 1) &+ gear[Int(bytes[index])]
            if hash & largeMask == 0 { return index + 1 }
            index += 1
        }
        return limit
    }

    /// All chunk lengths of an in-memory buffer, in order (for tests and small inputs).
    public func chunkLengths(of bytes: [UInt8]) -> [Int] {
        var lengths = [Int]()
        bytes.withUnsafeBufferPointer { buffer in
            var start = 0
            while start < buffer.count {
                let rest = UnsafeBufferPointer(rebasing: buffer[start...])
                let length = cutPoint(in: rest, isEndOfInput: true)
                lengths.append(length)
                start += length
            }
        }
        return lengths
    }
}
