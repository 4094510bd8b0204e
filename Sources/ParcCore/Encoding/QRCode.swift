import Foundation

/// A QR Code Model 2 symbol (ISO/IEC 18004) holding bytes in a single byte-mode segment.
///
/// The encoder picks the smallest version, 1 to 40, that holds the data at the requested error-correction level,
/// and the mask with the lowest penalty score. Text is encoded as UTF-8 without an ECI header, which is what
/// authenticator apps and phone cameras expect for `otpauth://` and web URIs.
///
/// ```swift
/// let code = try QRCode(text: "otpauth://totp/Parc:alice?secret=JBSWY3DPEHPK3PXP&issuer=Parc")
/// let image = code.svg(title: "Scan with your authenticator app")
/// ```
public struct QRCode: Sendable {
    /// Modules per side, from 21 (version 1) to 177 (version 40), without the quiet zone.
    public let size: Int
    /// The symbol version, 1 to 40.
    public let version: Int
    /// The error-correction level the symbol was made with.
    public let errorCorrection: ErrorCorrection
    /// The data mask chosen for the symbol.
    let mask: QRMask
    /// Row-major, `true` for dark.
    let modules: [Bool]

    /// Encodes bytes in the smallest symbol that holds them.
    ///
    /// - Parameters:
    ///   - bytes: The data; at most 2953 bytes at level L, 2331 at M, 1663 at Q and 1273 at H.
    ///   - errorCorrection: How much damage the symbol must survive.
    /// - Throws: ``QRCodeError/dataTooLong(byteCount:maximumByteCount:errorCorrection:)`` when the data does not
    ///   fit in version 40.
    public init(bytes: [UInt8], errorCorrection: ErrorCorrection = .medium) throws {
        try self.init(bytes: bytes, errorCorrection: errorCorrection, mask: nil)
    }

    /// Encodes text as its UTF-8 bytes in the smallest symbol that holds them.
    ///
    /// - Parameters:
    ///   - text: The text, for example an `otpauth://totp/…` URI.
    ///   - errorCorrection: How much damage the symbol must survive.
    /// - Throws: ``QRCodeError/dataTooLong(byteCount:maximumByteCount:errorCorrection:)`` when the UTF-8 bytes do
    ///   not fit in version 40.
    public init(text: String, errorCorrection: ErrorCorrection = .medium) throws {
        try self.init(bytes: Array(text.utf8), errorCorrection: errorCorrection)
    }

    /// Encodes bytes with a given mask instead of the best-scoring one, so tests can reach every mask.
    init(bytes: [UInt8], errorCorrection: ErrorCorrection, mask fixedMask: QRMask?) throws {
        guard let version = QRVersion.smallest(holding: bytes.count, at: errorCorrection) else {
            let largest = QRVersion(QRVersion.numbers.upperBound)
            throw QRCodeError.dataTooLong(
                byteCount: bytes.count,
                maximumByteCount: largest.byteCapacity(at: errorCorrection),
                errorCorrection: errorCorrection
            )
        }
        let structure = QRBlockStructure(version: version, errorCorrection: errorCorrection)
        let data = QRByteModeEncoder.dataCodewords(
            for: bytes,
            version: version,
            dataCodewordCount: structure.dataCodewordCount
        )
        var unmasked = QRModuleMatrix(version: version)
        unmasked.placeCodewords(QRCodewordInterleaver.finalSequence(data: data, structure: structure))

        var best: (mask: QRMask, matrix: QRModuleMatrix, penalty: Int)?
        for mask in fixedMask.map({ [$0] }) ?? QRMask.allCases {
            var matrix = unmasked
            matrix.applyMask(mask)
            matrix.drawFormatInformation(QRFormatInformation(errorCorrection: errorCorrection, mask: mask))
            let penalty = QRMaskPenalty.score(modules: matrix.modules, size: matrix.size)
            // Strictly lower, so ties go to the lowest mask reference.
            if best.map({ penalty < $0.penalty }) ?? true {
                best = (mask, matrix, penalty)
            }
        }
        guard let best else { preconditionFailure("at least one mask is always tried") }

        size = version.size
        self.version = version.number
        self.errorCorrection = errorCorrection
        mask = best.mask
        modules = best.matrix.modules
    }

    /// Whether the module in column `x`, row `y` is dark; (0, 0) is the top-left module of the symbol.
    ///
    /// Coordinates outside `0..<size` are light, as the quiet zone around the symbol is.
    public func isDark(x: Int, y: Int) -> Bool {
        guard (0..<size).contains(x), (0..<size).contains(y) else { return false }
        return modules[y * size + x]
    }
}
