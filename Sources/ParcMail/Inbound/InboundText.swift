enum InboundText {
    /// Header text made safe to show and to reuse in a header: every control character (CR and LF included)
    /// becomes a space, runs of whitespace collapse to one space, and the ends are trimmed.
    static func singleLine(_ text: some StringProtocol) -> String {
        var scalars = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if isControl(scalar) || scalar == " " || scalar == "\u{A0}" {
                pendingSpace = !scalars.isEmpty
                continue
            }
            if pendingSpace {
                scalars.append(" ")
                pendingSpace = false
            }
            scalars.append(scalar)
        }
        return String(scalars)
    }

    /// C0 and C1 controls and DEL.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// Body text made uniform: CRLF and CR become LF, a leading byte-order mark goes, and control characters other
    /// than tab and line feed (NUL included) are removed.
    static func normalizedBody(_ text: String) -> String {
        if !needsNormalizing(text) {
            return text
        }
        var scalars = String.UnicodeScalarView()
        var previousWasCR = false
        var isFirst = true
        for scalar in text.unicodeScalars {
            defer { isFirst = false }
            if scalar == "\r" {
                scalars.append("\n")
                previousWasCR = true
                continue
            }
            if scalar == "\n" {
                if !previousWasCR {
                    scalars.append("\n")
                }
                previousWasCR = false
                continue
            }
            previousWasCR = false
            if isFirst && scalar == "\u{FEFF}" {
                continue
            }
            if scalar == "\t" || !isControl(scalar) {
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    /// Whether ``normalizedBody(_:)`` would change `text`: a CR, a control character other than tab and LF, DEL,
    /// a C1 control (UTF-8 C2 80–C2 9F) or a leading byte-order mark.
    private static func needsNormalizing(_ text: String) -> Bool {
        text.utf8.withContiguousStorageIfAvailable(needsNormalizing(bytes:))
            ?? needsNormalizing(bytes: Array(text.utf8))
    }

    private static func needsNormalizing(bytes: some Collection<UInt8>) -> Bool {
        var previous: UInt8 = 0
        for byte in bytes {
            if (byte < 0x20 && byte != 0x0A && byte != 0x09) || byte == 0x7F
                || (previous == 0xC2 && byte < 0xA0 && byte >= 0x80)
            {
                return true
            }
            previous = byte
        }
        return bytes.starts(with: [0xEF, 0xBB, 0xBF])
    }
}
