import Foundation

/// Arithmetic in GF(2⁸) built on the primitive polynomial x⁸ + x⁴ + x³ + x² + 1 (0x11D), the field of QR code
/// Reed–Solomon codewords (ISO/IEC 18004, 7.5.2). Addition is XOR; multiplication goes through log tables.
enum GaloisField256 {
    private static let primitivePolynomial = 0x11D

    /// αⁱ for i in 0..<255.
    private static let powers: [UInt8] = {
        var powers = [UInt8](repeating: 0, count: 255)
        var value = 1
        for exponent in 0..<255 {
            powers[exponent] = UInt8(value)
            value <<= 1
            if value & 0x100 != 0 {
                value ^= primitivePolynomial
            }
        }
        return powers
    }()

    /// logα(x) for x in 1...255; index 0 is unused because zero has no logarithm.
    private static let logarithms: [Int] = {
        var logarithms = [Int](repeating: 0, count: 256)
        for (exponent, value) in powers.enumerated() {
            logarithms[Int(value)] = exponent
        }
        return logarithms
    }()

    /// α raised to `exponent`, for any non-negative exponent.
    static func power(_ exponent: Int) -> UInt8 {
        powers[exponent % 255]
    }

    static func multiply(_ lhs: UInt8, _ rhs: UInt8) -> UInt8 {
        guard lhs != 0, rhs != 0 else { return 0 }
        return powers[(logarithms[Int(lhs)] + logarithms[Int(rhs)]) % 255]
    }
}
