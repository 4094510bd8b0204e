/// Reads `/etc/os-release` and `/etc/lsb-release`: `KEY=value` lines, values bare, in single quotes or in double
/// quotes with backslash escapes (os-release(5)); comments and lines without `=` are skipped.
public enum OSReleaseParser {
    /// The keys and their values; the last of a repeated key wins, empty values are left out.
    public static func parse(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            guard let pair = InventoryText.pair(line, separator: "="), !pair.key.hasPrefix("#"),
                pair.key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" })
            else { continue }
            if let value = InventoryText.clean(unquote(pair.value ?? "")) { values[pair.key] = value }
        }
        return values
    }

    /// `"Debian GNU/Linux"` → `Debian GNU/Linux`; `'a b'` → `a b`; `\"` and `\\` inside double quotes.
    static func unquote(_ value: String) -> String {
        guard let first = value.first, first == "\"" || first == "'" else { return value }
        var result = ""
        var escaped = false
        for character in value.dropFirst() {
            if escaped {
                result.append(character)
                escaped = false
            } else if first == "\"" && character == "\\" {
                escaped = true
            } else if character == first {
                break
            } else {
                result.append(character)
            }
        }
        return result
    }
}
