import Foundation

extension QRCode {
    /// How much of a symbol can be damaged or hidden while it still decodes; higher levels make larger symbols.
    public enum ErrorCorrection: Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// Level L: about 7 % of the codewords can be restored.
        case low
        /// Level M: about 15 % of the codewords can be restored.
        case medium
        /// Level Q: about 25 % of the codewords can be restored.
        case quartile
        /// Level H: about 30 % of the codewords can be restored.
        case high

        /// The level's letter in ISO/IEC 18004: `L`, `M`, `Q` or `H`.
        public var description: String {
            switch self {
            case .low: "L"
            case .medium: "M"
            case .quartile: "Q"
            case .high: "H"
            }
        }

        /// The two bits that name the level in the format information (ISO/IEC 18004, table 12).
        ///
        /// They are deliberately not in L-M-Q-H order, so they cannot be derived from the case order.
        var formatIndicator: Int {
            switch self {
            case .low: 0b01
            case .medium: 0b00
            case .quartile: 0b11
            case .high: 0b10
            }
        }

        init?(formatIndicator: Int) {
            guard let level = Self.allCases.first(where: { $0.formatIndicator == formatIndicator }) else { return nil }
            self = level
        }
    }
}
