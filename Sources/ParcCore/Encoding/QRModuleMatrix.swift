import Foundation

/// The square of modules of one symbol as it is built, remembering which modules belong to function patterns so
/// that codeword placement and masking pass over them.
struct QRModuleMatrix: Sendable, Equatable {
    let version: QRVersion
    let size: Int
    /// Row-major, `true` for dark.
    private(set) var modules: [Bool]
    /// Row-major, `true` for finder, separator, timing, alignment, format and version modules.
    private(set) var functionModules: [Bool]

    /// A matrix with every function pattern drawn and the format area reserved; data modules are all light.
    init(version: QRVersion) {
        self.version = version
        size = version.size
        modules = Array(repeating: false, count: size * size)
        functionModules = Array(repeating: false, count: size * size)
        drawTimingPatterns()
        drawFinderPattern(centreX: 3, centreY: 3)
        drawFinderPattern(centreX: size - 4, centreY: 3)
        drawFinderPattern(centreX: 3, centreY: size - 4)
        drawAlignmentPatterns()
        // Reserve the format area now so data placement skips it; the real bits follow once the mask is chosen.
        drawFormatInformation(bits: 0)
        drawVersionInformation()
    }

    func isDark(x: Int, y: Int) -> Bool {
        modules[y * size + x]
    }

    func isFunction(x: Int, y: Int) -> Bool {
        functionModules[y * size + x]
    }

    // MARK: Data

    /// Places codewords, most significant bit first, in the standard zigzag (ISO/IEC 18004, 7.7.3): upward and
    /// downward in turn through two-module-wide columns from the right edge, stepping over the vertical timing
    /// pattern and every function module. Modules left after the last codeword are remainder bits and stay light.
    mutating func placeCodewords(_ codewords: [UInt8]) {
        let bitCount = codewords.count * 8
        var bitIndex = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 {
                right = 5
            }
            let upward = (size - 1 - right) / 2 % 2 == 0
            for step in 0..<size {
                let y = upward ? size - 1 - step : step
                for x in stride(from: right, through: right - 1, by: -1) where !isFunction(x: x, y: y) {
                    if bitIndex < bitCount {
                        modules[y * size + x] = codewords[bitIndex / 8] & (0x80 >> UInt8(bitIndex % 8)) != 0
                        bitIndex += 1
                    }
                }
            }
            right -= 2
        }
        precondition(bitIndex == bitCount, "\(codewords.count) codewords do not fit version \(version.number)")
    }

    /// Inverts the data modules the mask selects; applying the same mask again undoes it.
    mutating func applyMask(_ mask: QRMask) {
        for y in 0..<size {
            for x in 0..<size where !isFunction(x: x, y: y) && mask.inverts(row: y, column: x) {
                modules[y * size + x].toggle()
            }
        }
    }

    // MARK: Format and version information

    mutating func drawFormatInformation(_ information: QRFormatInformation) {
        drawFormatInformation(bits: information.bits)
    }

    /// Module positions of both format information copies, listed from bit 14 down to bit 0 (ISO/IEC 18004,
    /// figure 25).
    ///
    /// The first copy runs along row 8 from the left edge, then up column 8, skipping the timing patterns. The
    /// second puts bits 14–8 up column 8 from the bottom edge and bits 7–0 along row 8 towards the right edge.
    private func formatInformationPositions() -> (first: [(x: Int, y: Int)], second: [(x: Int, y: Int)]) {
        let first = [0, 1, 2, 3, 4, 5, 7].map { (x: $0, y: 8) } + [8, 7, 5, 4, 3, 2, 1, 0].map { (x: 8, y: $0) }
        let second = (0..<7).map { (x: 8, y: size - 1 - $0) } + (0..<8).map { (x: size - 8 + $0, y: 8) }
        return (first, second)
    }

    private mutating func drawFormatInformation(bits: Int) {
        let positions = formatInformationPositions()
        for (index, (first, second)) in zip(positions.first, positions.second).enumerated() {
            let dark = (bits >> (14 - index)) & 1 == 1
            setFunctionModule(x: first.x, y: first.y, dark: dark)
            setFunctionModule(x: second.x, y: second.y, dark: dark)
        }
        // The dark module beside the bottom-left format copy is always dark and carries no information.
        setFunctionModule(x: 8, y: size - 8, dark: true)
    }

    /// Draws the two 6 × 3 version information blocks beside the top-right and bottom-left finder patterns
    /// (ISO/IEC 18004, 7.10). In the top-right block bit i sits in column size − 11 + i mod 3, row i / 3; the
    /// bottom-left block is its transpose.
    private mutating func drawVersionInformation() {
        guard let bits = version.informationBits else { return }
        for index in 0..<18 {
            let dark = (bits >> index) & 1 == 1
            let across = index / 3
            let along = size - 11 + index % 3
            setFunctionModule(x: along, y: across, dark: dark)
            setFunctionModule(x: across, y: along, dark: dark)
        }
    }

    // MARK: Function patterns

    private mutating func drawTimingPatterns() {
        for index in 0..<size {
            let dark = index % 2 == 0
            setFunctionModule(x: 6, y: index, dark: dark)
            setFunctionModule(x: index, y: 6, dark: dark)
        }
    }

    /// Draws the 7 × 7 finder pattern and the light separator ring around it, clipped to the symbol.
    private mutating func drawFinderPattern(centreX: Int, centreY: Int) {
        for dy in -4...4 {
            for dx in -4...4 {
                let x = centreX + dx
                let y = centreY + dy
                guard (0..<size).contains(x), (0..<size).contains(y) else { continue }
                let ring = max(abs(dx), abs(dy))
                setFunctionModule(x: x, y: y, dark: ring != 2 && ring != 4)
            }
        }
    }

    /// Draws a 5 × 5 alignment pattern at every pairing of centre coordinates except the three that would sit on a
    /// finder pattern.
    private mutating func drawAlignmentPatterns() {
        let centres = version.alignmentPatternCentres
        guard let first = centres.first, let last = centres.last else { return }
        for centreY in centres {
            for centreX in centres {
                let onFinder =
                    (centreX == first && centreY == first) || (centreX == first && centreY == last)
                    || (centreX == last && centreY == first)
                guard !onFinder else { continue }
                for dy in -2...2 {
                    for dx in -2...2 {
                        setFunctionModule(x: centreX + dx, y: centreY + dy, dark: max(abs(dx), abs(dy)) != 1)
                    }
                }
            }
        }
    }

    private mutating func setFunctionModule(x: Int, y: Int, dark: Bool) {
        modules[y * size + x] = dark
        functionModules[y * size + x] = true
    }
}
