/// Reads udev's record of a device, `/run/udev/data/b<major>:<minor>` for a block device: `E:KEY=value` lines hold
/// what udev learnt (`ID_SERIAL_SHORT`, `ID_MODEL`, `ID_BUS`, `ID_WWN`, `ID_REVISION`…), readable without root.
public enum UdevDataParser {
    /// The properties (`E:` lines), cleaned; empty values left out.
    public static func properties(_ text: String) -> [String: String] {
        var properties: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("E:") {
            if let pair = InventoryText.pair(line.dropFirst(2), separator: "="), let value = pair.value {
                properties[pair.key] = value
            }
        }
        return properties
    }
}
