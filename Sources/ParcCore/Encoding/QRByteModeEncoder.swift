import Foundation

/// Turns bytes into the data codewords of one symbol as a single byte-mode segment (ISO/IEC 18004, 7.4): mode
/// indicator, character count, the bytes, a terminator, zero bits to the byte boundary, then alternating pad
/// codewords.
enum QRByteModeEncoder {
    static let modeIndicator = 0b0100
    static let modeIndicatorLength = 4
    private static let terminatorLength = 4
    private static let padCodewords: [UInt8] = [0xEC, 0x11]

    static func dataCodewords(for bytes: [UInt8], version: QRVersion, dataCodewordCount: Int) -> [UInt8] {
        let capacityBits = dataCodewordCount * 8
        var buffer = QRBitBuffer()
        buffer.append(modeIndicator, length: modeIndicatorLength)
        buffer.append(bytes.count, length: version.byteModeCountLength)
        for byte in bytes {
            buffer.append(Int(byte), length: 8)
        }
        precondition(buffer.count <= capacityBits, "\(bytes.count) bytes do not fit version \(version.number)")
        // The terminator is shortened, or left out, when the data fills the symbol.
        buffer.append(0, length: min(terminatorLength, capacityBits - buffer.count))

        var codewords = buffer.bytes
        var padIndex = 0
        while codewords.count < dataCodewordCount {
            codewords.append(padCodewords[padIndex % 2])
            padIndex += 1
        }
        return codewords
    }
}
