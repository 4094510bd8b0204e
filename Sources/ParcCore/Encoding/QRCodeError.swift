import Foundation

/// Why a QR code could not be made.
public enum QRCodeError: Error, Equatable, CustomStringConvertible {
    /// The data does not fit in the largest symbol, version 40, at the requested error-correction level.
    case dataTooLong(byteCount: Int, maximumByteCount: Int, errorCorrection: QRCode.ErrorCorrection)

    /// A sentence saying what was wrong and what to do about it.
    public var description: String {
        switch self {
        case .dataTooLong(let byteCount, let maximumByteCount, let errorCorrection):
            "The data is \(byteCount) bytes, but a QR code at error-correction level \(errorCorrection) holds at most "
                + "\(maximumByteCount) bytes; shorten the data or choose a lower error-correction level."
        }
    }
}
