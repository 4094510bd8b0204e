import Foundation
import ParcCore

/// Normalisation rules shared by the readers: trimming, units, dates, the GLPI schema's word lists. Byte-level work
/// on `utf8` views; nothing here allocates for a value that is already clean.
enum InventoryValues {
    // MARK: Strings

    /// `text` without leading and trailing white space or control characters; nil when nothing is left.
    @inline(__always)
    static func trimmed(_ text: String?) -> String? {
        guard let text else { return nil }
        let utf8 = text.utf8
        guard let first = utf8.first, let last = utf8.last else { return nil }
        if !isBlank(first) && !isBlank(last) { return text }
        var start = utf8.startIndex
        var end = utf8.endIndex
        while start < end, isBlank(utf8[start]) { start = utf8.index(after: start) }
        while end > start, isBlank(utf8[utf8.index(before: end)]) { end = utf8.index(before: end) }
        guard start < end else { return nil }
        return String(text[start..<end])
    }

    @inline(__always)
    static func isBlank(_ byte: UInt8) -> Bool { byte <= 0x20 || byte == 0x7F }

    // MARK: Numbers

    /// Mebibytes to bytes; nil when negative or beyond any machine (overflow).
    static func bytes(mebibytes: Int?) -> Int? {
        guard let mebibytes, mebibytes >= 0 else { return nil }
        let (bytes, overflow) = mebibytes.multipliedReportingOverflow(by: 1 << 20)
        return overflow ? nil : bytes
    }

    /// Decimal megabytes to bytes; nil when negative or overflowing.
    static func bytes(megabytes: Int?) -> Int? {
        guard let megabytes, megabytes >= 0 else { return nil }
        let (bytes, overflow) = megabytes.multipliedReportingOverflow(by: 1_000_000)
        return overflow ? nil : bytes
    }

    /// Bytes to whole mebibytes, for writing.
    static func mebibytes(bytes: Int?) -> Int? { bytes.map { $0 >> 20 } }

    /// Bytes to whole decimal megabytes, for writing.
    static func megabytes(bytes: Int?) -> Int? { bytes.map { $0 / 1_000_000 } }

    /// A non-negative value, else nil.
    static func nonNegative(_ value: Int?) -> Int? {
        guard let value, value >= 0 else { return nil }
        return value
    }

    /// The number at the start of `text` ("1600 MT/s" → 1600, "43.7456 Wh" → 43.7456, "-1" → -1) and the unit
    /// word after it, lower-cased ("mt/s", "wh"); nil when `text` does not start with a number.
    static func leadingNumber(_ text: String) -> (value: Double, unit: Substring)? {
        var utf8 = Substring(text).utf8[...]
        while let first = utf8.first, isBlank(first) { utf8 = utf8.dropFirst() }
        var end = utf8.startIndex
        var sawDigit = false
        var sawDot = false
        if end < utf8.endIndex, utf8[end] == UInt8(ascii: "-") || utf8[end] == UInt8(ascii: "+") {
            end = utf8.index(after: end)
        }
        while end < utf8.endIndex {
            let byte = utf8[end]
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                sawDigit = true
            } else if byte == UInt8(ascii: "."), !sawDot {
                sawDot = true
            } else {
                break
            }
            end = utf8.index(after: end)
        }
        guard sawDigit, let value = Double(String(Substring(utf8[utf8.startIndex..<end]))), value.isFinite else {
            return nil
        }
        var unit = Substring(utf8[end...])
        // "1e999": an exponent is not a unit.
        if let first = unit.utf8.first, first == UInt8(ascii: "e") || first == UInt8(ascii: "E"),
            let second = unit.utf8.dropFirst().first,
            second >= UInt8(ascii: "0") && second <= UInt8(ascii: "9") || second == UInt8(ascii: "-")
                || second == UInt8(ascii: "+")
        {
            return nil
        }
        while let first = unit.utf8.first, isBlank(first) { unit = unit.dropFirst() }
        while let last = unit.utf8.last, isBlank(last) { unit = unit.dropLast() }
        return (value, Substring(unit.lowercased()))
    }

    /// A whole number at the start of `text`, its unit ignored ("1600 MT/s" → 1600, "4194MB" → 4194,
    /// "274877.906944" → 274877); nil when absent or out of range.
    static func integer(_ text: String?) -> Int? {
        guard let text else { return nil }
        if let exact = Int(text) { return exact }
        guard let (value, _) = leadingNumber(text), abs(value) < 9e18 else { return nil }
        return Int(value.rounded(.towardZero))
    }

    /// Bytes from a decimal-megabyte text, whole megabytes only ("274877.906944" → 274 877 000 000): the GLPI
    /// format carries whole megabytes, so the same disk reads the same whichever agent reported it.
    static func bytes(megabyteText text: String?) -> Int? {
        bytes(megabytes: integer(text))
    }

    /// A quantity in milli-units from "43.7456 Wh" (→ 43 746), "43746 mWh" or a bare number taken as milli-units
    /// already; `unit` is the base unit, lower-case ("wh", "v").
    static func milli(_ text: String?, unit: String) -> Int? {
        guard let text, let (value, word) = leadingNumber(text), value >= 0, value < 9e12 else { return nil }
        switch word {
        case Substring(unit): return Int((value * 1000).rounded())
        case Substring("m" + unit), "": return Int(value.rounded())
        default: return nil
        }
    }

    /// "1", "true", "yes", "on" → true; "0", "false", "no", "off" → false; else nil.
    static func boolean(_ text: String?) -> Bool? {
        guard let text else { return nil }
        switch text.lowercased() {
        case "1", "true", "yes", "y", "on": return true
        case "0", "false", "no", "n", "off": return false
        default: return nil
        }
    }

    // MARK: Dates

    /// How to read `a/b/yyyy`: SMBIOS writes BIOS dates month first; FusionInventory writes install and battery
    /// dates day first. A part over 12 settles it either way.
    enum SlashOrder {
        case dayFirst, monthFirst
    }

    /// A day from the styles agents use: `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY-MM-DDTHH:MM:SSZ`, `YYYY-MM-DD HH:MM`,
    /// `DD/MM/YYYY` or `MM/DD/YYYY` (see ``SlashOrder``), `MM/DD/YY`, `DD.MM.YYYY`, `YYYYMMDD`; nil for anything
    /// else or a day that does not exist.
    static func date(_ text: String?, slashOrder: SlashOrder) -> InventoryDate? {
        guard let text = trimmed(text) else { return nil }
        let bytes = Array(text.utf8.prefix(40))
        var numbers: [Int] = []
        var digitCounts: [Int] = []
        var separators: [UInt8] = []
        var index = 0
        while index < bytes.count, numbers.count < 3 {
            var value = 0
            var count = 0
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9"),
                count < 8
            {
                value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                count += 1
                index += 1
            }
            guard count > 0 else { return nil }
            numbers.append(value)
            digitCounts.append(count)
            if numbers.count < 3 {
                guard index < bytes.count else { break }
                separators.append(bytes[index])
                index += 1
            }
        }
        if numbers.count == 1, digitCounts[0] == 8 {
            let packed = numbers[0]
            return InventoryDate(year: packed / 10_000, month: packed / 100 % 100, day: packed % 100)
        }
        guard numbers.count == 3, separators.count == 2, separators[0] == separators[1] else { return nil }
        if index < bytes.count {
            // Only a time may follow the day.
            let next = bytes[index]
            guard next == UInt8(ascii: " ") || next == UInt8(ascii: "T") else { return nil }
        }
        let separator = separators[0]
        if digitCounts[0] == 4 {
            guard separator == UInt8(ascii: "-") || separator == UInt8(ascii: "/") || separator == UInt8(ascii: ".")
            else { return nil }
            return InventoryDate(year: numbers[0], month: numbers[1], day: numbers[2])
        }
        guard digitCounts[2] == 4 || digitCounts[2] == 2 else { return nil }
        let year = digitCounts[2] == 4 ? numbers[2] : (numbers[2] < 70 ? 2000 + numbers[2] : 1900 + numbers[2])
        let (first, second) = (numbers[0], numbers[1])
        if separator == UInt8(ascii: ".") { return InventoryDate(year: year, month: second, day: first) }
        guard separator == UInt8(ascii: "/") || separator == UInt8(ascii: "-") else { return nil }
        let dayFirst: Bool
        if first > 12 {
            dayFirst = true
        } else if second > 12 {
            dayFirst = false
        } else {
            dayFirst = slashOrder == .dayFirst
        }
        return dayFirst
            ? InventoryDate(year: year, month: second, day: first)
            : InventoryDate(year: year, month: first, day: second)
    }

    /// An instant from `YYYY-MM-DD HH:MM:SS`, `YYYY-MM-DDTHH:MM:SS` with an optional zone (dropped), or a day
    /// alone (midnight); nil for anything else.
    static func dateTime(_ text: String?) -> InventoryDateTime? {
        guard let text = trimmed(text) else { return nil }
        let bytes = Array(text.utf8.prefix(40))
        guard bytes.count >= 10, let date = InventoryDate(iso: String(decoding: bytes[0..<10], as: UTF8.self))
        else { return nil }
        if bytes.count == 10 { return InventoryDateTime(date: date, hour: 0, minute: 0, second: 0) }
        guard bytes.count >= 16, bytes[10] == UInt8(ascii: " ") || bytes[10] == UInt8(ascii: "T"),
            bytes[13] == UInt8(ascii: ":"),
            let hour = twoDigits(bytes, 11), let minute = twoDigits(bytes, 14)
        else { return nil }
        var second = 0
        if bytes.count >= 19, bytes[16] == UInt8(ascii: ":") {
            guard let value = twoDigits(bytes, 17) else { return nil }
            second = value
        }
        return InventoryDateTime(date: date, hour: hour, minute: minute, second: second)
    }

    static func twoDigits(_ bytes: [UInt8], _ start: Int) -> Int? {
        let tens = bytes[start]
        let ones = bytes[start + 1]
        guard tens >= UInt8(ascii: "0"), tens <= UInt8(ascii: "9"), ones >= UInt8(ascii: "0"),
            ones <= UInt8(ascii: "9")
        else { return nil }
        return Int(tens - UInt8(ascii: "0")) * 10 + Int(ones - UInt8(ascii: "0"))
    }

    // MARK: The GLPI schema's word lists

    static let interfaceStatuses: Set<String> = [
        "up", "down", "dormant", "notpresent", "lowerlayerdown", "unknown", "testing",
    ]

    static let interfaceTypes: Set<String> = [
        "ethernet", "wifi", "infiniband", "aggregate", "alias", "dialup", "loopback", "bridge", "fibrechannel",
        "bluetooth",
    ]

    static let virtualMachineStatuses: Set<String> = [
        "running", "blocked", "idle", "paused", "shutdown", "crashed", "dying", "off",
    ]

    static let networkDeviceTypes = [
        "Unmanaged", "Computer", "Networking", "Printer", "Storage", "Power", "Phone", "Video", "KVM",
    ]

    /// `up`, `down`… from any case; nil for other words.
    static func interfaceStatus(_ text: String?) -> String? {
        guard let word = trimmed(text)?.lowercased(), interfaceStatuses.contains(word) else { return nil }
        return word
    }

    /// `ethernet`, `wifi`… from any case, with the aliases agents use (`ether` → `ethernet`, `wireless`,
    /// `802.11` → `wifi`); nil for other words.
    static func interfaceType(_ text: String?) -> String? {
        guard let word = trimmed(text)?.lowercased() else { return nil }
        if interfaceTypes.contains(word) { return word }
        switch word {
        case "ether", "eth", "ethernetcsmacd", "ethernet 802.3": return "ethernet"
        case "wireless", "802.11", "wlan", "wi-fi": return "wifi"
        case "local loopback", "softwareloopback", "lo": return "loopback"
        case "bond", "team", "lag": return "aggregate"
        case "ppp": return "dialup"
        default: return nil
        }
    }

    /// A virtual machine state from any case; nil for other words.
    static func virtualMachineStatus(_ text: String?) -> String? {
        guard let word = trimmed(text)?.lowercased() else { return nil }
        if virtualMachineStatuses.contains(word) { return word }
        switch word {
        case "stopped", "poweredoff", "powered off", "exited", "shut off": return "off"
        case "up", "started", "poweredon": return "running"
        case "suspended", "saved": return "paused"
        default: return nil
        }
    }

    /// A CPU architecture the GLPI schema accepts: `mips`, `mips64`, `alpha`, `sparc`, `sparc64`, `m68k`,
    /// `i386`…`i986`, `x86_64`, `powerpc`, `powerpc64`, `arm…`, `aarch64`; `amd64` and `x64` read as `x86_64`,
    /// `arm64` as `aarch64`; nil for anything else.
    static func cpuArchitecture(_ text: String?) -> String? {
        guard let word = trimmed(text)?.lowercased() else { return nil }
        switch word {
        case "mips", "mips64", "alpha", "sparc", "sparc64", "m68k", "x86_64", "powerpc", "powerpc64", "aarch64":
            return word
        case "amd64", "x64", "x86-64": return "x86_64"
        case "arm64": return "aarch64"
        default:
            let bytes = Array(word.utf8)
            if bytes.count == 4, bytes[0] == UInt8(ascii: "i"), bytes[2] == UInt8(ascii: "8"),
                bytes[3] == UInt8(ascii: "6"), bytes[1] >= UInt8(ascii: "0"), bytes[1] <= UInt8(ascii: "9")
            {
                return word
            }
            if word.hasPrefix("arm"), !word.contains("\n") { return word }
            return nil
        }
    }

    /// The schema's spelling of a network device type (`NETWORKING` → `Networking`, `kvm` → `KVM`); nil for
    /// anything else.
    static func networkDeviceType(_ text: String?) -> String? {
        guard let word = trimmed(text)?.lowercased() else { return nil }
        return networkDeviceTypes.first { $0.lowercased() == word }
    }

    /// A `+HHMM` or `-HHMM` offset, else nil.
    static func timezoneOffset(_ text: String?) -> String? {
        guard let text = trimmed(text) else { return nil }
        let bytes = Array(text.utf8)
        guard bytes.count == 5, bytes[0] == UInt8(ascii: "+") || bytes[0] == UInt8(ascii: "-"),
            bytes[1...].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        return text
    }

    // MARK: Addresses

    /// A dotted-quad IPv4 address, else nil.
    static func ipv4(_ text: String?) -> String? {
        guard let text = trimmed(text) else { return nil }
        var parts = 0
        var value = 0
        var digits = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                guard digits > 0 else { return nil }
                parts += 1
                value = 0
                digits = 0
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
                guard digits <= 3, value <= 255 else { return nil }
            } else {
                return nil
            }
        }
        guard parts == 3, digits > 0 else { return nil }
        return text
    }

    /// An IPv6 address (hexadecimal groups, at most one `::`, an optional `%zone` dropped, an optional dotted
    /// tail), lower-cased; else nil.
    static func ipv6(_ text: String?) -> String? {
        guard var text = trimmed(text)?.lowercased() else { return nil }
        if let percent = text.firstIndex(of: "%") { text = String(text[..<percent]) }
        guard text.contains(":"), text.utf8.count <= 45 else { return nil }
        let doubleColons = text.components(separatedBy: "::").count - 1
        guard doubleColons <= 1 else { return nil }
        let groups = text.split(separator: ":", omittingEmptySubsequences: true)
        var count = 0
        for (index, group) in groups.enumerated() {
            if index == groups.count - 1, group.contains(".") {
                guard ipv4(String(group)) != nil else { return nil }
                count += 2
                continue
            }
            guard (1...4).contains(group.utf8.count), group.utf8.allSatisfy({ isHexDigit($0) }) else { return nil }
            count += 1
        }
        guard doubleColons == 1 ? count < 8 : count == 8 else { return nil }
        return text
    }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F"))
    }

    /// A MAC that is a real address (not all zeros), else nil.
    static func mac(_ text: String?) -> MACAddress? {
        guard let text = trimmed(text), let mac = MACAddress(text), !mac.isZero else { return nil }
        return mac
    }

    /// Appends `value` unless already there.
    static func appendOnce<T: Equatable>(_ value: T?, to list: inout [T]) {
        guard let value, !list.contains(value) else { return }
        list.append(value)
    }
}
