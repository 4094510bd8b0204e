/// Lower-case hexadecimal text, without Foundation's formatting (a digest per request adds up).
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Two digits per byte, in order.
    public static func string<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var text: [UInt8] = []
        text.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// `value` as 16 digits, leading zeros included, so that equal-length texts sort as the numbers do.
    public static func string(_ value: UInt64) -> String {
        var text = [UInt8](repeating: 0, count: 16)
        var rest = value
        for index in (0..<16).reversed() {
            text[index] = digits[Int(rest & 0x0F)]
            rest >>= 4
        }
        return String(decoding: text, as: UTF8.self)
    }
}
