/// Text as XML 1.0 allows it, for everything ParcInventory writes in XML (inventories, replies).
enum XMLText {
    /// `text` as element content: `& < > " '` escaped; a carriage return written `&#13;`, which parsers would
    /// otherwise turn into a line feed; the characters XML 1.0 forbids even as references (C0 controls but tab, line
    /// feed and carriage return; U+FFFE and U+FFFF) dropped. Surrogates cannot occur in a Swift string.
    static func escape(_ text: String) -> String {
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
}
