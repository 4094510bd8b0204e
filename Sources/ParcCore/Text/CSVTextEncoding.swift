/// The character encoding a ``CSVReader`` found: spreadsheets save CSV in UTF-8 (with or without a byte order mark),
/// in UTF-16 ("Unicode text"), or — French Excel's plain "CSV (séparateur : point-virgule)" — in Windows-1252.
public enum CSVTextEncoding: String, Hashable, Sendable {
    /// UTF-8, with or without a byte order mark.
    case utf8 = "utf-8"
    /// UTF-16 little-endian, after its byte order mark.
    case utf16LittleEndian = "utf-16le"
    /// UTF-16 big-endian, after its byte order mark.
    case utf16BigEndian = "utf-16be"
    /// Windows-1252, taken when the bytes are not UTF-8 and carry no byte order mark.
    case windows1252 = "windows-1252"

    /// The characters Windows-1252 puts at 0x80–0x9F (0 where the code page defines none); the other bytes are
    /// Latin-1, the byte's own code point.
    static let windows1252High: [UInt32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E,
        0x0178,
    ]

    /// The text of `bytes` and the encoding it was read with, or nil when it is in none of them: UTF-16 with a
    /// byte order mark that does not decode, or a Windows-1252 byte the code page leaves undefined.
    public static func decode(_ bytes: ArraySlice<UInt8>) -> (String, CSVTextEncoding)? {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            return String(validating: bytes.dropFirst(3), as: UTF8.self).map { ($0, .utf8) }
        }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            let little = bytes.first == 0xFF
            let body = bytes.dropFirst(2)
            guard body.count % 2 == 0 else { return nil }
            var units: [UInt16] = []
            units.reserveCapacity(body.count / 2)
            var index = body.startIndex
            while index < body.endIndex {
                let first = UInt16(body[index])
                let second = UInt16(body[index + 1])
                units.append(little ? first | second << 8 : first << 8 | second)
                index += 2
            }
            return String(validating: units, as: UTF16.self).map { ($0, little ? .utf16LittleEndian : .utf16BigEndian) }
        }
        if let text = String(validating: bytes, as: UTF8.self) { return (text, .utf8) }
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            let value = byte >= 0x80 && byte <= 0x9F ? windows1252High[Int(byte - 0x80)] : UInt32(byte)
            guard value != 0 || byte == 0, let scalar = Unicode.Scalar(value) else { return nil }
            scalars.append(scalar)
        }
        return (String(scalars), .windows1252)
    }
}
