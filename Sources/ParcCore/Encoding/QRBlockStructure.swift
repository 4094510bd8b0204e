import Foundation

/// How one version's codewords divide into Reed–Solomon blocks at one error-correction level
/// (ISO/IEC 18004, table 9).
///
/// Every block has the same number of error-correction codewords. When the data codewords do not divide evenly,
/// the later blocks each carry one more data codeword than the earlier ones.
struct QRBlockStructure: Sendable, Equatable {
    let codewordCount: Int
    let blockCount: Int
    let errorCorrectionCodewordsPerBlock: Int

    init(version: QRVersion, errorCorrection: QRCode.ErrorCorrection) {
        let level = Self.tableRow(errorCorrection)
        codewordCount = version.codewordCount
        blockCount = Self.blockCounts[level][version.number - 1]
        errorCorrectionCodewordsPerBlock = Self.errorCorrectionCodewordsPerBlock[level][version.number - 1]
    }

    var dataCodewordCount: Int { codewordCount - blockCount * errorCorrectionCodewordsPerBlock }

    /// Blocks in the first group, each one data codeword shorter than the blocks after them.
    var shortBlockCount: Int { blockCount - codewordCount % blockCount }

    var shortBlockDataCodewordCount: Int { codewordCount / blockCount - errorCorrectionCodewordsPerBlock }

    private static func tableRow(_ errorCorrection: QRCode.ErrorCorrection) -> Int {
        switch errorCorrection {
        case .low: 0
        case .medium: 1
        case .quartile: 2
        case .high: 3
        }
    }

    // Rows L, M, Q, H; columns versions 1–40.
    private static let errorCorrectionCodewordsPerBlock: [[Int]] = [
        [
            7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28,
            28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
        ],
        [
            10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
            26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
        ],
        [
            13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30,
            28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
        ],
        [
            17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28,
            30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
        ],
    ]

    private static let blockCounts: [[Int]] = [
        [
            1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8,
            8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25,
        ],
        [
            1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
            17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
        ],
        [
            1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20,
            23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68,
        ],
        [
            1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25,
            25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81,
        ],
    ]
}
