import Foundation

/// The binary BCH codes that protect QR format and version information (ISO/IEC 18004, annexes C and D).
enum BCHCode {
    /// x¹⁰ + x⁸ + x⁵ + x⁴ + x² + x + 1, for the (15, 5) format information code.
    static let formatGenerator = 0b101_0011_0111
    /// x¹² + x¹¹ + x¹⁰ + x⁹ + x⁸ + x⁵ + x² + 1, for the (18, 6) version information code.
    static let versionGenerator = 0b1_1111_0010_0101

    /// The remainder of `value` divided by `generator` as polynomials over GF(2).
    static func remainder(of value: Int, generator: Int) -> Int {
        let generatorDegree = degree(of: generator)
        var remainder = value
        while remainder != 0, degree(of: remainder) >= generatorDegree {
            remainder ^= generator << (degree(of: remainder) - generatorDegree)
        }
        return remainder
    }

    private static func degree(of polynomial: Int) -> Int {
        Int.bitWidth - 1 - polynomial.leadingZeroBitCount
    }
}
