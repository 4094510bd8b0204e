/// The `Content-Disposition` value of a download (RFC 6266): always `attachment`, so the browser saves the file and
/// never renders it, with the name twice — an ASCII fallback in `filename` for old clients and the exact UTF-8 name
/// in `filename*` (RFC 5987 percent-encoding).
public enum AttachmentContentDisposition {
    /// `attachment; filename="rapport_2026.pdf"; filename*=UTF-8''rapport%202026.pdf` for a name already made safe
    /// (no path, no control or bidirectional characters). Anything outside printable ASCII, quotes, backslashes and
    /// `%` become `_` in the fallback.
    public static func value(filename: String) -> String {
        var fallback = ""
        for scalar in filename.unicodeScalars {
            let printable = scalar.value >= 0x20 && scalar.value < 0x7F
            fallback.unicodeScalars.append(printable && !"\"\\%;".unicodeScalars.contains(scalar) ? scalar : "_")
        }
        if fallback.isEmpty { fallback = "attachment" }
        return "attachment; filename=\"\(fallback)\"; filename*=UTF-8''\(percentEncoded(filename))"
    }

    /// RFC 5987 `value-chars`: `attr-char`s as they are, every other byte of the UTF-8 as `%XX`.
    static func percentEncoded(_ text: String) -> String {
        let kept = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$&+-.^_`|~".utf8)
        let digits = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        for byte in text.utf8 {
            if kept.contains(byte) {
                bytes.append(byte)
            } else {
                bytes += [UInt8(ascii: "%"), digits[Int(byte >> 4)], digits[Int(byte & 0xF)]]
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
