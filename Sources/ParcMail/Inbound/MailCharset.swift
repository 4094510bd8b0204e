/// Decodes text in the charsets mail arrives in: UTF-8, US-ASCII, ISO-8859-1, ISO-8859-15 and Windows-1252.
///
/// Labels are matched the way mail clients match them (case-insensitively, with the usual aliases such as `latin1`,
/// `cp1252` or `utf8`). Two deliberate leniencies, shared with browsers and the major clients:
/// - ISO-8859-1 and ISO-8859-15 text is read with Windows-1252's printable characters in 0x80–0x9F (curly quotes,
///   the euro sign), because mail labelled Latin-1 that uses that range was written on Windows, never meant C1
///   controls;
/// - US-ASCII (also the MIME default when no charset is given) that holds 8-bit bytes is read as UTF-8 when the
///   bytes are valid UTF-8, else as Windows-1252: such mail is mislabelled, not garbage.
///
/// Any other charset is unknown: its bytes are read as UTF-8 when they are valid UTF-8, and otherwise every non-ASCII
/// byte becomes U+FFFD; the result says so, so the caller can note it.
public enum MailCharset {
    /// Decoded text and whether decoding had to replace or guess anything.
    public struct Decoded: Sendable, Hashable {
        /// The text.
        public var text: String
        /// What went wrong, or nil when the bytes were valid in the named charset.
        public var problem: Problem?
    }

    /// What went wrong while decoding.
    public enum Problem: Sendable, Hashable {
        /// The charset is not one this decoder knows.
        case unknownCharset
        /// Some bytes are invalid in the charset and were replaced by U+FFFD.
        case invalidBytes
    }

    enum Kind: Equatable {
        case utf8, ascii, windows1252, latin9, unknown
    }

    /// Decodes `bytes` written in `charset` (a MIME charset label; nil or empty means US-ASCII).
    public static func decode(_ bytes: some Collection<UInt8>, charset: String?) -> Decoded {
        let kind = kind(of: charset)
        switch kind {
        case .utf8:
            if let text = String(validating: bytes, as: UTF8.self) {
                return Decoded(text: text, problem: nil)
            }
            return Decoded(text: String(decoding: bytes, as: UTF8.self), problem: .invalidBytes)
        case .ascii:
            if bytes.allSatisfy({ $0 < 0x80 }) {
                return Decoded(text: String(decoding: bytes, as: UTF8.self), problem: nil)
            }
            return Decoded(text: utf8OrWindows1252(bytes), problem: nil)
        case .windows1252, .latin9:
            return Decoded(text: decodeSingleByte(bytes, latin9: kind == .latin9), problem: nil)
        case .unknown:
            if let text = String(validating: bytes, as: UTF8.self) {
                return Decoded(text: text, problem: bytes.allSatisfy { $0 < 0x80 } ? nil : .unknownCharset)
            }
            return Decoded(text: replacingNonASCII(bytes), problem: .unknownCharset)
        }
    }

    /// Whether `charset` is one this decoder reads exactly (the others are guessed or replaced).
    public static func isSupported(_ charset: String) -> Bool {
        kind(of: charset) != .unknown
    }

    /// Text in an unlabelled context, such as raw 8-bit bytes in a header field: UTF-8 when valid, else
    /// Windows-1252, which decodes any byte.
    static func utf8OrWindows1252(_ bytes: some Collection<UInt8>) -> String {
        String(validating: bytes, as: UTF8.self) ?? decodeSingleByte(bytes, latin9: false)
    }

    static func kind(of label: String?) -> Kind {
        guard var name = label?.lowercased() else {
            return .ascii
        }
        // RFC 2231 lets a charset carry a language ("utf-8*fr"); quotes and spaces come from sloppy writers.
        if let star = name.firstIndex(of: "*") {
            name = String(name[..<star])
        }
        name = String(name.trimmed { $0 == " " || $0 == "\t" || $0 == "\"" || $0 == "'" })
        switch name {
        case "", "us-ascii", "ascii", "us", "ansi_x3.4-1968", "ansi_x3.4-1986", "iso646-us", "iso-ir-6", "cp367",
            "ibm367", "csascii", "646":
            return .ascii
        case "utf-8", "utf8", "unicode-1-1-utf-8", "unicode-2-0-utf-8", "x-unicode20utf8", "csutf8":
            return .utf8
        case "iso-8859-1", "iso8859-1", "iso_8859-1", "iso_8859-1:1987", "iso88591", "latin1", "latin-1", "l1",
            "cp819", "ibm819", "iso-ir-100", "csisolatin1", "windows-1252", "cp1252", "x-cp1252", "ms-ansi",
            "windows1252":
            return .windows1252
        case "iso-8859-15", "iso8859-15", "iso_8859-15", "iso885915", "latin-9", "latin9", "l9", "csisolatin9",
            "iso_8859-15:1998":
            return .latin9
        default:
            return .unknown
        }
    }

    private static func decodeSingleByte(_ bytes: some Collection<UInt8>, latin9: Bool) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            scalars.append(Unicode.Scalar(scalarValue(of: byte, latin9: latin9)) ?? "\u{FFFD}")
        }
        return String(scalars)
    }

    private static func scalarValue(of byte: UInt8, latin9: Bool) -> UInt32 {
        switch byte {
        case 0x80...0x9F:
            return windows1252High[Int(byte - 0x80)]
        case 0xA4 where latin9: return 0x20AC
        case 0xA6 where latin9: return 0x0160
        case 0xA8 where latin9: return 0x0161
        case 0xB4 where latin9: return 0x017D
        case 0xB8 where latin9: return 0x017E
        case 0xBC where latin9: return 0x0152
        case 0xBD where latin9: return 0x0153
        case 0xBE where latin9: return 0x0178
        default:
            return UInt32(byte)
        }
    }

    /// Windows-1252 at 0x80–0x9F (the rest of the code page equals ISO-8859-1); its five unassigned bytes map to
    /// U+FFFD.
    private static let windows1252High: [UInt32] = [
        0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
        0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
    ]

    /// ASCII kept, each run of other bytes replaced by one U+FFFD.
    private static func replacingNonASCII(_ bytes: some Collection<UInt8>) -> String {
        var scalars = String.UnicodeScalarView()
        var inRun = false
        for byte in bytes {
            if byte < 0x80 {
                scalars.append(Unicode.Scalar(byte))
                inRun = false
            } else if !inRun {
                scalars.append("\u{FFFD}")
                inRun = true
            }
        }
        return String(scalars)
    }
}
