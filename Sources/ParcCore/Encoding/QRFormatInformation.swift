import Foundation

/// The 15 bits, drawn twice in every symbol, that name its error-correction level and mask
/// (ISO/IEC 18004, 7.9): 5 data bits, 10 BCH check bits, then XOR with a fixed pattern so they are never all light.
struct QRFormatInformation: Sendable, Equatable {
    static let xorPattern = 0b101_0100_0001_0010

    let errorCorrection: QRCode.ErrorCorrection
    let mask: QRMask

    init(errorCorrection: QRCode.ErrorCorrection, mask: QRMask) {
        self.errorCorrection = errorCorrection
        self.mask = mask
    }

    /// Reads format information back from its 15 bits, or `nil` when they are not an exact codeword.
    init?(bits: Int) {
        let unmasked = bits ^ Self.xorPattern
        guard unmasked >> 15 == 0, BCHCode.remainder(of: unmasked, generator: BCHCode.formatGenerator) == 0,
            let errorCorrection = QRCode.ErrorCorrection(formatIndicator: unmasked >> 13),
            let mask = QRMask(rawValue: (unmasked >> 10) & 0b111)
        else { return nil }
        self.init(errorCorrection: errorCorrection, mask: mask)
    }

    var bits: Int {
        let data = errorCorrection.formatIndicator << 3 | mask.rawValue
        return (data << 10 | BCHCode.remainder(of: data << 10, generator: BCHCode.formatGenerator)) ^ Self.xorPattern
    }
}
