import Foundation

/// A QR code version, 1 to 40: it fixes the symbol's size, its alignment patterns and how many codewords it holds.
struct QRVersion: Sendable, Hashable, Comparable {
    static let numbers = 1...40
    static let all = numbers.map(QRVersion.init)

    let number: Int

    init(_ number: Int) {
        precondition(Self.numbers.contains(number), "QR code versions run from 1 to 40, not \(number)")
        self.number = number
    }

    static func < (lhs: QRVersion, rhs: QRVersion) -> Bool {
        lhs.number < rhs.number
    }

    /// Modules per side: 21 for version 1, growing by 4 per version.
    var size: Int { 4 * number + 17 }

    /// Row and column coordinates of alignment pattern centres (ISO/IEC 18004, annex E).
    ///
    /// The first is always 6 and the last always `size - 7`; the others are evenly spaced by an even step, with any
    /// slack taken up between the first and second. Version 32 is the one version whose table entry departs from
    /// the rounding rule.
    var alignmentPatternCentres: [Int] {
        guard number >= 2 else { return [] }
        let count = number / 7 + 2
        let last = size - 7
        let gaps = count - 1
        // (last − 6) / gaps, rounded up to an even number.
        let step = number == 32 ? 26 : (last - 6 + 2 * gaps - 1) / (2 * gaps) * 2
        return [6] + (1...gaps).map { last - (gaps - $0) * step }
    }

    /// Modules left for codewords once finder, separator, timing, alignment, format and version areas are taken.
    ///
    /// size² less 3 × 64 finder-and-separator modules, 31 format-and-dark modules and 2 × (size − 16) timing
    /// modules simplifies to (16v + 128)v + 64; then 25 per alignment pattern, less the 10 modules per timing line
    /// that alignment patterns share with it, and 2 × 18 version information modules from version 7.
    var dataModuleCount: Int {
        var count = (16 * number + 128) * number + 64
        if number >= 2 {
            let perSide = number / 7 + 2
            count -= (25 * perSide - 10) * perSide - 55
            if number >= 7 {
                count -= 36
            }
        }
        return count
    }

    /// Codewords in the symbol; the 0–7 modules left over are remainder bits.
    var codewordCount: Int { dataModuleCount / 8 }

    /// Width of the byte-mode character count indicator (ISO/IEC 18004, table 3).
    var byteModeCountLength: Int { number <= 9 ? 8 : 16 }

    /// The 18-bit version information for versions 7 and up: 6 version bits and 12 BCH(18,6) check bits.
    var informationBits: Int? {
        guard number >= 7 else { return nil }
        return number << 12 | BCHCode.remainder(of: number << 12, generator: BCHCode.versionGenerator)
    }

    /// The most bytes a byte-mode segment can carry in this version at `errorCorrection`.
    func byteCapacity(at errorCorrection: QRCode.ErrorCorrection) -> Int {
        let dataBits = QRBlockStructure(version: self, errorCorrection: errorCorrection).dataCodewordCount * 8
        return (dataBits - QRByteModeEncoder.modeIndicatorLength - byteModeCountLength) / 8
    }

    /// The smallest version whose capacity holds `byteCount` bytes at `errorCorrection`, or `nil` when none does.
    static func smallest(holding byteCount: Int, at errorCorrection: QRCode.ErrorCorrection) -> QRVersion? {
        all.first { $0.byteCapacity(at: errorCorrection) >= byteCount }
    }
}
