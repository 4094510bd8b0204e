/// A calendar day as an inventory reports it (BIOS date, install date, battery manufacture date), with no time zone.
///
/// Encoded as `YYYY-MM-DD`, the GLPI inventory format's `date`. Only real days of years 1900–2999 exist: agents send
/// placeholders such as `1970-00-01` or `2019-54-17`, which readers drop rather than store.
public struct InventoryDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The year, 1900–2999.
    public let year: Int
    /// The month, 1–12.
    public let month: Int
    /// The day of the month, 1–28…31.
    public let day: Int

    /// The day, or nil when it does not exist (month 13, February 30, year 0…).
    public init?(year: Int, month: Int, day: Int) {
        guard (1900...2999).contains(year), (1...12).contains(month),
            day >= 1, day <= CivilCalendar.daysInMonth(month, year: year)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Days since 1970-01-01.
    public var dayNumber: Int { CivilCalendar.dayNumber(year: year, month: month, day: day) }

    /// `YYYY-MM-DD`.
    public var description: String {
        Self.pad(year, 4) + "-" + Self.pad(month, 2) + "-" + Self.pad(day, 2)
    }

    /// Reads exactly `YYYY-MM-DD`; nil for anything else.
    public init?(iso text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = Self.digits(bytes, 0, 4), let month = Self.digits(bytes, 5, 2), let day = Self.digits(bytes, 8, 2)
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    public static func < (lhs: InventoryDate, rhs: InventoryDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    static func digits(_ bytes: [UInt8], _ start: Int, _ count: Int) -> Int? {
        var value = 0
        for index in start..<(start + count) {
            let byte = bytes[index]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}

extension InventoryDate: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = InventoryDate(iso: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "\(text) is not a day written YYYY-MM-DD")
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A wall-clock instant as an agent reports it (inventory time, boot time): a day and a time of day in the agent's
/// own clock, with no time zone. Offsets some agents append are dropped: the server never compares these with its
/// own clock, only with each other (boot time against inventory time gives the uptime).
///
/// Encoded as `YYYY-MM-DD HH:MM:SS`, the GLPI inventory format's `datetime`.
public struct InventoryDateTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The day.
    public let date: InventoryDate
    /// Hours 0–23.
    public let hour: Int
    /// Minutes 0–59.
    public let minute: Int
    /// Seconds 0–59 (a leap second reads as 59).
    public let second: Int

    /// The instant, or nil when the time of day does not exist.
    public init?(date: InventoryDate, hour: Int, minute: Int, second: Int) {
        guard (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second) else { return nil }
        self.date = date
        self.hour = hour
        self.minute = minute
        self.second = min(second, 59)
    }

    /// Seconds since 1970-01-01 00:00:00 of the same clock.
    public var secondsSinceEpoch: Int { date.dayNumber * 86_400 + hour * 3_600 + minute * 60 + second }

    /// `YYYY-MM-DD HH:MM:SS`.
    public var description: String {
        date.description + " " + InventoryDate.pad(hour, 2) + ":" + InventoryDate.pad(minute, 2) + ":"
            + InventoryDate.pad(second, 2)
    }

    /// Reads exactly `YYYY-MM-DD HH:MM:SS`; nil for anything else.
    public init?(iso text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 19, bytes[10] == UInt8(ascii: " "), bytes[13] == UInt8(ascii: ":"),
            bytes[16] == UInt8(ascii: ":"),
            let date = InventoryDate(iso: String(decoding: bytes[0..<10], as: UTF8.self)),
            let hour = InventoryDate.digits(bytes, 11, 2), let minute = InventoryDate.digits(bytes, 14, 2),
            let second = InventoryDate.digits(bytes, 17, 2)
        else { return nil }
        self.init(date: date, hour: hour, minute: minute, second: second)
    }

    public static func < (lhs: InventoryDateTime, rhs: InventoryDateTime) -> Bool {
        lhs.secondsSinceEpoch < rhs.secondsSinceEpoch
    }
}

extension InventoryDateTime: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = InventoryDateTime(iso: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "\(text) is not an instant written YYYY-MM-DD HH:MM:SS")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
