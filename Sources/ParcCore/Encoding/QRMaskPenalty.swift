import Foundation

/// Scores a masked symbol by the four penalty rules of ISO/IEC 18004 (7.8.3, table 11); the encoder keeps the mask
/// with the lowest total.
enum QRMaskPenalty {
    /// The sum of the four rules for a symbol of `size` × `size` modules, given row-major with `true` for dark.
    static func score(modules: [Bool], size: Int) -> Int {
        let rows = (0..<size).map { y in Array(modules[(y * size)..<(y * size + size)]) }
        let columns = (0..<size).map { x in (0..<size).map { y in modules[y * size + x] } }
        return (rows + columns).reduce(0) { $0 + runPenalty($1) + finderLikePenalty($1) }
            + blockPenalty(modules: modules, size: size) + balancePenalty(modules: modules)
    }

    /// Rule 1: each run of five or more same-coloured modules in a row or column costs 3, plus 1 per module beyond
    /// five.
    static func runPenalty(_ line: [Bool]) -> Int {
        var penalty = 0
        var runLength = 0
        for (index, dark) in line.enumerated() {
            runLength = index > 0 && line[index - 1] == dark ? runLength + 1 : 1
            let runEnds = index == line.count - 1 || line[index + 1] != dark
            if runEnds, runLength >= 5 {
                penalty += 3 + runLength - 5
            }
        }
        return penalty
    }

    /// Rule 2: each 2 × 2 square of one colour costs 3; overlapping squares count separately.
    static func blockPenalty(modules: [Bool], size: Int) -> Int {
        var penalty = 0
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1) {
                let index = y * size + x
                let colour = modules[index]
                if modules[index + 1] == colour, modules[index + size] == colour, modules[index + size + 1] == colour {
                    penalty += 3
                }
            }
        }
        return penalty
    }

    /// Rule 3: each 1:1:3:1:1 dark-light-dark-light-dark run with four light modules before or after it, which a
    /// reader could take for a finder pattern, costs 40.
    ///
    /// The light modules may lie in the quiet zone, which the standard requires to be light, so the line is read
    /// as if extended by four light modules at each end.
    static func finderLikePenalty(_ line: [Bool]) -> Int {
        let windowLength = 11
        let quietZone = 4
        var penalty = 0
        var window = 0
        for index in 0..<(line.count + 2 * quietZone) {
            let lineIndex = index - quietZone
            let dark = line.indices.contains(lineIndex) && line[lineIndex]
            window = (window << 1 | (dark ? 1 : 0)) & ((1 << windowLength) - 1)
            guard index >= windowLength - 1 else { continue }
            if window == finderLikeRunWithLightAfter || window == finderLikeRunWithLightBefore {
                penalty += 40
            }
        }
        return penalty
    }

    /// Rule 4: 10 for every full 5 % by which the share of dark modules departs from 50 %.
    static func balancePenalty(modules: [Bool]) -> Int {
        let total = modules.count
        let dark = modules.count(where: { $0 })
        return abs(dark * 20 - total * 10) / total * 10
    }

    /// Dark-light-dark-dark-dark-light-dark then four light modules, read left to right as bits.
    private static let finderLikeRunWithLightAfter = 0b101_1101_0000
    private static let finderLikeRunWithLightBefore = 0b000_0101_1101
}
