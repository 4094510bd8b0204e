import Foundation

/// Makes the filename a sender gave safe to store, show and offer for download.
///
/// Keeps only the last path component (`/` and `\`), removes control characters, bidirectional controls (which
/// can disguise `gpj.exe` as `exe.jpg`) and zero-width characters, replaces the characters Windows refuses
/// (`: * ? " < > |`) with `_`, collapses whitespace, trims spaces and dots from both ends (no hidden files, no
/// `..`), prefixes Windows device names (`CON`, `NUL`, `COM1` …) with `_`, composes Unicode (NFC) and shortens the
/// name to 200 bytes keeping its extension. A name that ends up empty becomes `attachment` with an extension
/// for the content type.
public enum AttachmentFilename {
    /// The longest filename produced, in UTF-8 bytes.
    public static let maximumLength = 200

    /// A safe filename for an attachment the sender called `name` (nil when they gave none).
    public static func sanitize(_ name: String?, contentType: MIMEContentType) -> String {
        var text = name ?? ""
        if let separator = text.lastIndex(where: { $0 == "/" || $0 == "\\" }) {
            text = String(text[text.index(after: separator)...])
        }
        var scalars = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if scalar == " " || scalar == "\t" || scalar == "\u{A0}" || scalar.properties.isWhitespace {
                pendingSpace = !scalars.isEmpty
                continue
            }
            if InboundText.isControl(scalar) || isInvisibleFormatting(scalar) {
                continue
            }
            if pendingSpace {
                scalars.append(" ")
                pendingSpace = false
            }
            scalars.append(":*?\"<>|".unicodeScalars.contains(scalar) ? "_" : scalar)
        }
        var result = String(String(scalars).trimmed(where: { $0 == "." || $0 == " " }))
            .precomposedStringWithCanonicalMapping
        if result.isEmpty {
            return "attachment" + defaultExtension(for: contentType)
        }
        let base = result.split(separator: ".", maxSplits: 1).first.map(String.init) ?? result
        if reservedDeviceNames.contains(base.uppercased()) {
            result = "_" + result
        }
        return shortened(result)
    }

    private static func isInvisibleFormatting(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2069, 0xFEFF, 0xFFF9...0xFFFB: true
        default: false
        }
    }

    private static let reservedDeviceNames: Set<String> = [
        "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "LPT1",
        "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    ]

    /// At most ``maximumLength`` bytes, cut between characters, the extension (up to 20 bytes) kept.
    private static func shortened(_ name: String) -> String {
        guard name.utf8.count > maximumLength else {
            return name
        }
        var stem = name
        var ext = ""
        if let dot = name.lastIndex(of: "."),
            name.utf8.distance(from: dot.samePosition(in: name.utf8)!, to: name.utf8.endIndex) <= 20
        {
            stem = String(name[..<dot])
            ext = String(name[dot...])
        }
        var kept = ""
        for character in stem {
            if kept.utf8.count + String(character).utf8.count + ext.utf8.count > maximumLength {
                break
            }
            kept.append(character)
        }
        return kept + ext
    }

    /// `.pdf`, `.png` … for the common types; `.eml` for a forwarded message; `.bin` otherwise.
    static func defaultExtension(for type: MIMEContentType) -> String {
        switch type.mimeType {
        case "application/pdf": ".pdf"
        case "image/png": ".png"
        case "image/jpeg", "image/jpg", "image/pjpeg": ".jpg"
        case "image/gif": ".gif"
        case "image/webp": ".webp"
        case "image/heic": ".heic"
        case "image/bmp": ".bmp"
        case "image/tiff": ".tif"
        case "text/plain": ".txt"
        case "text/html": ".html"
        case "text/csv": ".csv"
        case "text/calendar": ".ics"
        case "text/vcard", "text/x-vcard": ".vcf"
        case "text/rfc822-headers": ".txt"
        case "message/rfc822", "message/global": ".eml"
        case "message/delivery-status", "message/disposition-notification": ".txt"
        case "application/zip", "application/x-zip-compressed": ".zip"
        case "application/json": ".json"
        case "application/xml", "text/xml": ".xml"
        case "application/ms-tnef", "application/vnd.ms-tnef": ".dat"
        case "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx"
        case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx"
        case "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx"
        case "application/msword": ".doc"
        case "application/vnd.ms-excel": ".xls"
        case "application/vnd.oasis.opendocument.text": ".odt"
        case "application/vnd.oasis.opendocument.spreadsheet": ".ods"
        case "application/pgp-signature": ".asc"
        case "application/pkcs7-signature", "application/x-pkcs7-signature": ".p7s"
        default: ".bin"
        }
    }
}
