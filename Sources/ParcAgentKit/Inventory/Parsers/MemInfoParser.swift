/// Reads `/proc/meminfo`: `MemTotal:       24684084 kB` lines.
public enum MemInfoParser {
    /// The values in bytes, by key (`MemTotal`, `SwapTotal`…); lines that do not read are skipped.
    public static func parse(_ text: String) -> [String: Int] {
        var values: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            guard let pair = InventoryText.pair(line, separator: ":"), let value = pair.value else { continue }
            let parts = value.split(separator: " ")
            guard let number = InventoryText.integer(parts.first) else { continue }
            switch parts.count {
            case 1: values[pair.key] = number
            case 2 where parts[1].lowercased() == "kb": values[pair.key] = InventoryText.multiply(number, by: 1024)
            default: continue
            }
        }
        return values
    }
}
