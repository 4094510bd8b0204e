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
        precondition(gearTable.values.count == 256, "a gear table has one value per byte")
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
        return scan(bytes, upTo: limit) ?? limit
    }

    /// The length of the chunk that starts at the beginning of `bytes` when `bytes` is enough to
    /// tell: a boundary before its end, or it holds `maxSize` bytes or ends the input. Nil when the
    /// chunk may go on past `bytes` (read more, then ask again). Where it answers, the answer is
    /// ``cutPoint(in:isEndOfInput:)``'s: a boundary depends only on the bytes before it. A reader
    /// can so cut every chunk its buffer holds and keep only the last, unfinished one.
    public func decidedCutPoint(in bytes: UnsafeBufferPointer<UInt8>, isEndOfInput: Bool) -> Int? {
        let count = bytes.count
        if isEndOfInput || count >= parameters.maxSize { return cutPoint(in: bytes, isEndOfInput: isEndOfInput) }
        if count <= parameters.minSize { return nil }
        return scan(bytes, upTo: count)
    }

    /// The first boundary at or before `end` (≤ maxSize), as a length, or nil: the gear hash from
    /// the minimum size, with the harder mask before the average size and the easier one after.
    private func scan(_ bytes: UnsafeBufferPointer<UInt8>, upTo end: Int) -> Int? {
        let normal = min(parameters.averageSize, end)
        let smallMask = smallMask
        let largeMask = largeMask
        // Through a pointer: the table has 256 entries (GearTable), so a byte always indexes it,
        // and the loop runs without a bounds check per input byte.
        return gear.withUnsafeBufferPointer { table -> Int? in
            let gear = table.baseAddress!
            let input = bytes.baseAddress!
            var hash: UInt64 = 0
            var index = parameters.minSize
            while index < normal {
                hash = (hash << 1) &+ gear[Int(input[index])]
                if hash & smallMask == 0 { return index + 1 }
                index += 1
            }
            while index < end {
                hash = (hash << 1) &+ gear[Int(input[index])]
                if hash & largeMask == 0 { return index + 1 }
                index += 1
            }
            return nil
        }
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
