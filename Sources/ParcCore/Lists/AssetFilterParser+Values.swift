import Foundation

// How filter values read: whole numbers, sizes, ages, instants and booleans. Each returns nil for anything else.
extension AssetFilterParser {
    static let sizeUnits: [String: Int] = [
        "": 1, "b": 1,
        "kb": 1_000, "mb": 1_000_000, "gb": 1_000_000_000, "tb": 1_000_000_000_000, "pb": 1_000_000_000_000_000,
        "kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40, "pib": 1 << 50,
    ]

    /// Ages go up to 100 years.
    static let maximumAgeSeconds = 36_500 * 86_400

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// The value of at most 18 ASCII digits.
    static func digitsValue(_ digits: ArraySlice<UInt8>) -> Int? {
        guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy(isDigit) else { return nil }
        return digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }

    /// `4`, `-2`, `+7`.
    static func integer(_ text: String) -> Int? {
        var bytes = Array(text.utf8)[...]
        var negative = false
        if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
            negative = sign == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        return digitsValue(bytes).map { negative ? -$0 : $0 }
    }

    /// `8GB`, `8 gb`, `1.5TiB`, `512` (bytes): at most 18 digits before and 9 after the point, rounded down to a
    /// whole byte; nil past `Int.max`.
    static func size(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        let whole = bytes[0..<index]
        var fraction: ArraySlice<UInt8> = []
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            let start = index + 1
            index = start
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            fraction = bytes[start..<index]
            guard !fraction.isEmpty, fraction.count <= 9 else { return nil }
        }
        guard let wholeValue = whole.isEmpty ? (fraction.isEmpty ? nil : 0) : digitsValue(whole) else { return nil }
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
        let unit = String(decoding: bytes[index...], as: UTF8.self).lowercased()
        guard let multiplier = sizeUnits[unit] else { return nil }
        let (wholeBytes, overflow) = wholeValue.multipliedReportingOverflow(by: multiplier)
        guard !overflow else { return nil }
        guard let fractionValue = digitsValue(fraction) else { return wholeBytes }
        var scale = 1
        for _ in 0..<fraction.count { scale *= 10 }
        // fraction × multiplier / scale without overflow: multiplier ≤ 2⁵⁰ and fraction < 10⁹ could overflow.
        let fractionBytes = Int((Double(fractionValue) * Double(multiplier) / Double(scale)).rounded(.down))
        let (total, overflowed) = wholeBytes.addingReportingOverflow(fractionBytes)
        return overflowed ? nil : total
    }

    /// `12h`, `30d`, `2w` in seconds, up to ``maximumAgeSeconds``.
    static func age(_ text: String) -> Int? {
        let bytes = Array(text.lowercased().utf8)
        guard let unit = bytes.last, let count = digitsValue(bytes.dropLast()), count <= 1_000_000 else { return nil }
        let seconds: Int
        switch unit {
        case UInt8(ascii: "h"): seconds = count * 3_600
        case UInt8(ascii: "d"): seconds = count * 86_400
        case UInt8(ascii: "w"): seconds = count * 604_800
        default: return nil
        }
        return seconds <= maximumAgeSeconds ? seconds : nil
    }

    /// `2024-01-31` (midnight UTC), `2024-01-31T08:00`, `2024-01-31 08:00:00`, with an optional `Z`, `+02:00` or
    /// `-0500` (none: UTC). Years 1900–2999.
    static func instant(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 10, let day = InventoryDate(iso: String(decoding: bytes[0..<10], as: UTF8.self)) else {
            return nil
        }
        var seconds = day.dayNumber * 86_400
        guard bytes.count > 10 else { return Date(timeIntervalSince1970: TimeInterval(seconds)) }
        guard bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t") || bytes[10] == UInt8(ascii: " ")
        else { return nil }
        var index = 11
        func number(_ width: Int, max: Int) -> Int? {
            guard index + width <= bytes.count, let value = digitsValue(bytes[index..<(index + width)]), value <= max
            else { return nil }
            index += width
            return value
        }
        func skip(_ byte: Character) -> Bool {
            guard index < bytes.count, bytes[index] == byte.asciiValue! else { return false }
            index += 1
            return true
        }
        guard let hour = number(2, max: 23), skip(":"), let minute = number(2, max: 59) else { return nil }
        seconds += hour * 3_600 + minute * 60
        if skip(":") {
            guard let second = number(2, max: 59) else { return nil }
            seconds += second
        }
        guard index < bytes.count else { return Date(timeIntervalSince1970: TimeInterval(seconds)) }
        if skip("Z") || skip("z") {
            return index == bytes.count ? Date(timeIntervalSince1970: TimeInterval(seconds)) : nil
        }
        let sign: Int
        if skip("+") {
            sign = 1
        } else if skip("-") {
            sign = -1
        } else {
            return nil
        }
        guard let offsetHours = number(2, max: 14) else { return nil }
        _ = skip(":")
        guard let offsetMinutes = number(2, max: 59), index == bytes.count else { return nil }
        seconds -= sign * (offsetHours * 3_600 + offsetMinutes * 60)
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// `true`/`false`, `yes`/`no`, `1`/`0`, any case.
    static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "yes", "1": true
        case "false", "no", "0": false
        default: nil
        }
    }
}
