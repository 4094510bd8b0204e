import ParcCore

/// The values of `/sys/class/dmi/id/*` that need reading: the chassis type number and the BIOS date.
public enum DMIValues {
    /// SMBIOS chassis type names (DSP0134 7.4.1) by number, spelt as dmidecode prints them, which is what
    /// ``InventoryChassis/classify(chassisType:vmSystem:systemManufacturer:systemModel:)`` reads.
    static let chassisTypes: [Int: String] = [
        1: "Other", 2: "Unknown", 3: "Desktop", 4: "Low Profile Desktop", 5: "Pizza Box", 6: "Mini Tower",
        7: "Tower", 8: "Portable", 9: "Laptop", 10: "Notebook", 11: "Hand Held", 12: "Docking Station",
        13: "All In One", 14: "Sub Notebook", 15: "Space-saving", 16: "Lunch Box", 17: "Main Server Chassis",
        18: "Expansion Chassis", 19: "Sub Chassis", 20: "Bus Expansion Chassis", 21: "Peripheral Chassis",
        22: "RAID Chassis", 23: "Rack Mount Chassis", 24: "Sealed-case PC", 25: "Multi-system Chassis",
        26: "CompactPCI", 27: "AdvancedTCA", 28: "Blade", 29: "Blade Enclosure", 30: "Tablet", 31: "Convertible",
        32: "Detachable", 33: "IoT Gateway", 34: "Embedded PC", 35: "Mini PC", 36: "Stick PC",
    ]

    /// `10` → `Notebook`; nil for a number SMBIOS does not define or text that is not a number.
    public static func chassisType(_ number: String?) -> String? {
        InventoryText.integer(number).flatMap { chassisTypes[$0 & 0x7F] }  // bit 7: chassis lock present
    }

    /// `03/14/2023` (SMBIOS writes month first) → 2023-03-14; also `03/14/23` (years before 2000 are 19xx from
    /// 80 on); nil for a day that does not exist.
    public static func biosDate(_ text: String?) -> InventoryDate? {
        guard let parts = InventoryText.clean(text)?.split(separator: "/"), parts.count == 3,
            let month = InventoryText.integer(parts[0]), let day = InventoryText.integer(parts[1]),
            var year = InventoryText.integer(parts[2])
        else { return nil }
        if parts[2].count == 2 { year += year >= 80 ? 1900 : 2000 }
        return InventoryDate(year: year, month: month, day: day)
    }
}
