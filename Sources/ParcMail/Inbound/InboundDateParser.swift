import Foundation

/// Reads the Date field of inbound mail: RFC 5322 section 3.3, its obsolete forms, and the broken forms real
/// mailers write.
///
/// Accepted, among others: `Tue, 1 Jul 2025 10:52:37 +0200`, without weekday or seconds, with a trailing comment
/// (`+0200 (CEST)`), two- and three-digit years (RFC 5322 section 4.3), named zones (`GMT`, `EST`, `CEST` …), a zone
/// written `+02:00` or `GMT+0200`, full month and day names, `01-Jul-2025`, asctime (`Tue Jul  1 10:52:37 2025`) and
/// ISO 8601 (`2025-07-01T10:52:37+02:00`). A missing or unknown zone is read as UTC, and a missing time as midnight.
/// Impossible values (31 June, 25:00) make the date unreadable rather than silently shifted.
public enum InboundDateParser {
    /// The instant `value` names, or nil when it matches no known form.
    public static func parse(_ value: String) -> Date? {
        var text = value
        // Comments such as "(CEST)" carry nothing the offset does not already say.
        if text.contains("(") {
            var scanner = HeaderValueScanner(text)
            var kept = String.UnicodeScalarView()
            while let scalar = scanner.current {
                if scalar == "(" {
                    _ = scanner.readComment()
                    kept.append(" ")
                } else {
                    kept.append(scalar)
                    scanner.advance()
                }
            }
            text = String(kept)
        }
        guard text.utf8.count <= 200 else {
            return nil
        }
        if let date = parseISO8601(text) {
            return date
        }
        return parseTokens(text)
    }

    private struct Fields {
        var year: Int?
        var month: Int?
        var day: Int?
        var hour = 0
        var minute = 0
        var second = 0
        var hasTime = false
        var offset: Int?
    }

    private static func parseTokens(_ text: String) -> Date? {
        var fields = Fields()
        var tokens: [Substring] = []
        for piece in text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," || $0 == "\r" || $0 == "\n" }) {
            // "01-Jul-2025": dashes between a month name and numbers.
            if piece.contains("-") && piece.contains(where: \.isLetter) && !piece.hasPrefix("-")
                && !piece.uppercased().hasPrefix("GMT") && !piece.uppercased().hasPrefix("UTC")
            {
                tokens += piece.split(separator: "-")
            } else if piece.contains("/") && piece.allSatisfy({ $0.isNumber || $0 == "/" }) {
                return nil
            } else {
                tokens.append(piece)
            }
        }
        var numbers: [Substring] = []
        for token in tokens {
            let upper = token.uppercased()
            if token.contains(":") && token.first?.isNumber == true {
                guard !fields.hasTime, let time = parseTime(token) else {
                    return nil
                }
                (fields.hour, fields.minute, fields.second) = time
                fields.hasTime = true
            } else if (token.hasPrefix("+") || token.hasPrefix("-")) && token.count > 1 {
                guard let offset = parseOffset(token.dropFirst(), negative: token.hasPrefix("-")) else {
                    return nil
                }
                fields.offset = offset
            } else if upper.hasPrefix("GMT") || upper.hasPrefix("UTC") || upper.hasPrefix("UT") && upper.count == 2 {
                let rest = upper.dropFirst(upper.hasPrefix("UT") && !upper.hasPrefix("UTC") ? 2 : 3)
                if rest.isEmpty {
                    fields.offset = fields.offset ?? 0
                } else if rest.hasPrefix("+") || rest.hasPrefix("-") {
                    guard let offset = parseOffset(rest.dropFirst(), negative: rest.hasPrefix("-")) else {
                        return nil
                    }
                    fields.offset = offset
                }
            } else if let month = monthNumber(upper) {
                fields.month = month
            } else if isWeekday(upper) {
                continue
            } else if let zone = namedZones[upper] {
                fields.offset = fields.offset ?? zone
            } else if token.allSatisfy(\.isASCIIDigit) {
                numbers.append(token)
            } else if token.allSatisfy(\.isLetter) {
                // An unknown or military zone: RFC 5322 section 4.3 says to read it as -0000.
                continue
            } else if token.hasSuffix(".") && token.dropLast().allSatisfy(\.isASCIIDigit) {
                numbers.append(token.dropLast())
            } else {
                return nil
            }
        }
        // Day and year among the numbers: the one with four digits (or over 31) is the year.
        for number in numbers {
            guard let value = Int(number), number.count <= 4 else {
                return nil
            }
            if fields.day == nil && number.count <= 2 && value >= 1 && value <= 31 {
                fields.day = value
            } else if fields.year == nil {
                fields.year =
                    switch number.count {
                    case 1, 2: value < 50 ? 2000 + value : 1900 + value
                    case 3: 1900 + value
                    default: value
                    }
            } else {
                return nil
            }
        }
        return makeDate(fields)
    }

    private static func parseTime(_ token: Substring) -> (Int, Int, Int)? {
        let parts = token.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3 else {
            return nil
        }
        var values: [Int] = []
        for (index, part) in parts.enumerated() {
            // Seconds may carry a fraction ("37.123").
            let digits = index == 2 ? (part.split(separator: ".").first ?? part) : part
            guard !digits.isEmpty, digits.count <= 2, digits.allSatisfy(\.isASCIIDigit), let value = Int(digits) else {
                return nil
            }
            values.append(value)
        }
        let second = values.count == 3 ? values[2] : 0
        guard values[0] <= 23, values[1] <= 59, second <= 60 else {
            return nil
        }
        return (values[0], values[1], min(second, 59))
    }

    /// `0200`, `02:00` or `2` (hours) after the sign, in seconds.
    private static func parseOffset(_ text: Substring, negative: Bool) -> Int? {
        let digits = text.filter { $0 != ":" }
        guard !digits.isEmpty, digits.count <= 4, digits.allSatisfy(\.isASCIIDigit), let value = Int(digits) else {
            return nil
        }
        let hours = digits.count <= 2 ? value : value / 100
        let minutes = digits.count <= 2 ? 0 : value % 100
        guard hours <= 23, minutes <= 59 else {
            return nil
        }
        return (negative ? -1 : 1) * (hours * 3600 + minutes * 60)
    }

    private static func parseISO8601(_ text: String) -> Date? {
        let trimmed = text.trimmed()
        let bytes = Array(trimmed.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count, bytes[range].allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                return nil
            }
            return Int(String(decoding: bytes[range], as: UTF8.self))
        }
        guard bytes.count >= 16, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t") || bytes[10] == UInt8(ascii: " "),
            bytes[13] == UInt8(ascii: ":"),
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16)
        else {
            return nil
        }
        var fields = Fields(year: year, month: month, day: day, hour: hour, minute: minute, hasTime: true)
        var index = 16
        if index < bytes.count && bytes[index] == UInt8(ascii: ":") {
            guard let second = number((index + 1)..<(index + 3)) else {
                return nil
            }
            fields.second = min(second, 59)
            index += 3
            if index < bytes.count && (bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: ",")) {
                index += 1
                while index < bytes.count && bytes[index] >= 48 && bytes[index] <= 57 {
                    index += 1
                }
            }
        }
        guard hour <= 23, minute <= 59 else {
            return nil
        }
        let zone = String(decoding: bytes[index...], as: UTF8.self).trimmed()
        if zone.isEmpty || zone == "Z" || zone == "z" {
            fields.offset = 0
        } else if zone.hasPrefix("+") || zone.hasPrefix("-") {
            guard let offset = parseOffset(zone.dropFirst(), negative: zone.hasPrefix("-")) else {
                return nil
            }
            fields.offset = offset
        } else {
            return nil
        }
        return makeDate(fields)
    }

    private static func makeDate(_ fields: Fields) -> Date? {
        guard let year = fields.year, let month = fields.month, let day = fields.day,
            (1...12).contains(month), year >= 1900, year <= 9999, day >= 1, day <= daysIn(month: month, year: year)
        else {
            return nil
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + fields.hour * 3_600 + fields.minute * 60 + fields.second - (fields.offset ?? 0)
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (the well-known era-based algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func monthNumber(_ upper: String) -> Int? {
        guard upper.count >= 3, upper.allSatisfy(\.isLetter) else {
            return nil
        }
        let months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
        let full = [
            "JANUARY", "FEBRUARY", "MARCH", "APRIL", "MAY", "JUNE", "JULY", "AUGUST", "SEPTEMBER", "OCTOBER",
            "NOVEMBER", "DECEMBER",
        ]
        guard let index = months.firstIndex(of: String(upper.prefix(3))) else {
            return nil
        }
        // "Sept" and the full name are accepted; other words merely starting like a month are not.
        return upper.count == 3 || full[index] == upper || upper == "SEPT" ? index + 1 : nil
    }

    private static func isWeekday(_ upper: String) -> Bool {
        let days = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]
        return days.contains { $0 == upper || ($0.hasPrefix(upper) && upper.count >= 3) }
            || ["TUES", "THUR", "THURS"].contains(upper)
    }

    /// Zone names in RFC 5322 section 4.3 and the European and common ones mailers still write.
    private static let namedZones: [String: Int] = [
        "Z": 0, "WET": 0, "BST": 3_600, "WEST": 3_600, "CET": 3_600, "MET": 3_600, "CEST": 7_200, "MEST": 7_200,
        "EET": 7_200, "EEST": 10_800, "MSK": 10_800, "IST": 19_800, "JST": 32_400, "EST": -18_000, "EDT": -14_400,
        "CST": -21_600, "CDT": -18_000, "MST": -25_200, "MDT": -21_600, "PST": -28_800, "PDT": -25_200,
    ]
}

extension Character {
    fileprivate var isASCIIDigit: Bool {
        asciiValue.map { $0 >= 48 && $0 <= 57 } ?? false
    }
}
