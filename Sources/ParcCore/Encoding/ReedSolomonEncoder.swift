import Foundation

/// Computes the error-correction codewords of one QR code block: the remainder of the data polynomial times xⁿ
/// divided by the generator polynomial (x − α⁰)(x − α¹)…(x − αⁿ⁻¹) over GF(2⁸) (ISO/IEC 18004, 7.5.2).
struct ReedSolomonEncoder: Sendable {
    /// The generator's coefficients from xⁿ⁻¹ down to x⁰; the leading coefficient of xⁿ is 1 and omitted.
    let generatorCoefficients: [UInt8]

    /// Makes an encoder producing `degree` error-correction codewords per block.
    init(degree: Int) {
        precondition(degree >= 1, "Reed–Solomon degree must be positive")
        var coefficients: [UInt8] = [1]
        for exponent in 0..<degree {
            // Multiply by (x + αⁱ); in GF(2⁸) subtraction and addition are both XOR.
            let root = GaloisField256.power(exponent)
            var product = [UInt8](repeating: 0, count: coefficients.count + 1)
            for (index, coefficient) in coefficients.enumerated() {
                product[index] ^= coefficient
                product[index + 1] ^= GaloisField256.multiply(coefficient, root)
            }
            coefficients = product
        }
        generatorCoefficients = Array(coefficients.dropFirst())
    }

    /// The error-correction codewords for `data`, as many as the encoder's degree.
    func errorCorrectionCodewords(for data: [UInt8]) -> [UInt8] {
        var remainder = [UInt8](repeating: 0, count: generatorCoefficients.count)
        for codeword in data {
            let factor = codeword ^ remainder[0]
            remainder.removeFirst()
            remainder.append(0)
            for index in remainder.indices {
                remainder[index] ^= GaloisField256.multiply(generatorCoefficients[index], factor)
            }
        }
        return remainder
    }
}
