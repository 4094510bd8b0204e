import Foundation

/// Splits data codewords into blocks, adds each block's Reed–Solomon codewords and interleaves them into the final
/// sequence (ISO/IEC 18004, 7.6): the first data codeword of every block, then the second, and so on, then the
/// error-correction codewords in the same way. The longer blocks' extra data codewords come last among the data.
enum QRCodewordInterleaver {
    static func finalSequence(data: [UInt8], structure: QRBlockStructure) -> [UInt8] {
        precondition(data.count == structure.dataCodewordCount, "data codeword count does not match the block layout")
        let encoder = ReedSolomonEncoder(degree: structure.errorCorrectionCodewordsPerBlock)
        var dataBlocks: [ArraySlice<UInt8>] = []
        var start = 0
        for blockIndex in 0..<structure.blockCount {
            let isLong = blockIndex >= structure.shortBlockCount
            let length = structure.shortBlockDataCodewordCount + (isLong ? 1 : 0)
            dataBlocks.append(data[start..<(start + length)])
            start += length
        }
        let errorCorrectionBlocks = dataBlocks.map { encoder.errorCorrectionCodewords(for: Array($0)) }

        var sequence: [UInt8] = []
        sequence.reserveCapacity(structure.codewordCount)
        for index in 0...structure.shortBlockDataCodewordCount {
            for block in dataBlocks where index < block.count {
                sequence.append(block[block.startIndex + index])
            }
        }
        for index in 0..<structure.errorCorrectionCodewordsPerBlock {
            for block in errorCorrectionBlocks {
                sequence.append(block[index])
            }
        }
        return sequence
    }
}
