/// Text and element names as XML 1.0 allows them, for everything Parc writes in XML: inventories and agent replies
/// (ParcInventory), SVG (``QRCode``).
public enum XMLText {
    /// `text` as element content: `& < > " '` escaped; a carriage return written `&#13;`, which parsers would
    /// otherwise turn into a line feed; the characters XML 1.0 forbids even as references (C0 controls but tab, line
    /// feed and carriage return; U+FFFE and U+FFFF) dropped. Surrogates cannot occur in a Swift string.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            case "\r": escaped += "&#13;"
            case "\t", "\n": escaped.unicodeScalars.append(scalar)
            default:
                if scalar.value >= 0x20 && scalar.value != 0xFFFE && scalar.value != 0xFFFF {
                    escaped.unicodeScalars.append(scalar)
                }
            }
        }
        return escaped
    }

    /// Whether `name` can be an element name as written: ASCII letters, digits, `_`, `-` and `.`, starting with a
    /// letter or `_`, and not starting with `xml` in any case (reserved by the XML specification).
    public static func isElementName(_ name: String) -> Bool {
        guard let first = name.utf8.first, isLetter(first) || first == UInt8(ascii: "_"),
            !name.lowercased().hasPrefix("xml")
        else { return false }
        return name.utf8.allSatisfy { byte in
            isLetter(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
        }
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }
}
