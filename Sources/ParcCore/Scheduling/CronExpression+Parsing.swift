extension CronExpression {
    private static let macros: [String: String] = [
        "@yearly": "0 0 1 1 *",
        "@annually": "0 0 1 1 *",
        "@monthly": "0 0 1 * *",
        "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *",
        "@midnight": "0 0 * * *",
        "@hourly": "0 * * * *",
    ]

    static func parse(_ string: String) throws(CronExpressionError) -> CronExpression {
        // Length first: utf8.count is O(1) on native strings, so a hostile megabyte costs nothing to refuse.
        let length = string.utf8.count
        guard length <= maximumLength else { throw .tooLong(length: length, maximum: maximumLength) }
        for (index, scalar) in string.unicodeScalars.enumerated() {
            guard scalar.isASCII else { throw .nonASCIICharacter(scalar, position: index + 1) }
            guard isAllowed(scalar) else { throw .invalidCharacter(scalar, position: index + 1) }
        }

        let words = string.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard let first = words.first else { throw .empty }
        let source = words.joined(separator: " ")

        if first.hasPrefix("@") {
            let macro = first.lowercased()
            if macro == "@reboot" { throw .rebootNotSchedulable }
            guard let expansion = macros[macro] else { throw .unknownMacro(String(first)) }
            guard words.count == 1 else { throw .macroWithFields(String(first)) }
            let fields = expansion.split(separator: " ")
            return try parse(fields: fields, source: source)
        }
        guard words.count == 5 else { throw .wrongFieldCount(words.count) }
        return try parse(fields: words, source: source)
    }

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "0"..."9", "a"..."z", "A"..."Z", "*", ",", "-", "/", "@", " ", "\t": true
        default: false
        }
    }

    private static func parse(fields: [Substring], source: String) throws(CronExpressionError) -> CronExpression {
        // Fields in order, so the first problem reported is the leftmost one.
        let minutes = try parse(fields[0], as: .minute)
        let hours = try parse(fields[1], as: .hour)
        let daysOfMonth = try parse(fields[2], as: .dayOfMonth)
        let months = try parse(fields[3], as: .month)
        let daysOfWeek = try parse(fields[4], as: .dayOfWeek)
        // Vixie decides "restricted" by the first character, so `*/2` counts as `*` here (crontab(5)).
        let daysMatchEitherField = !fields[2].hasPrefix("*") && !fields[4].hasPrefix("*")
        if !daysMatchEitherField {
            // Any day that exists in a chosen month falls on every weekday in some year, so only day-of-month
            // against month can make a schedule empty.
            let longestMonth = months.values.map(CivilCalendar.maximumDaysInMonth).max() ?? 31
            guard let firstDay = daysOfMonth.min, firstDay <= longestMonth else {
                throw .neverFires(dayOfMonth: String(fields[2]), month: String(fields[3]))
            }
        }
        return CronExpression(
            source: source,
            minutes: minutes,
            hours: hours,
            daysOfMonth: daysOfMonth,
            months: months,
            daysOfWeek: daysOfWeek,
            daysMatchEitherField: daysMatchEitherField
        )
    }

    private static func parse(_ field: Substring, as kind: CronField) throws(CronExpressionError) -> CronValueSet {
        let items = field.split(separator: ",", omittingEmptySubsequences: false)
        guard items.count <= maximumListItems else {
            throw .tooManyListItems(kind, count: items.count, maximum: maximumListItems)
        }
        var values = CronValueSet()
        for item in items {
            guard !item.isEmpty else { throw .emptyListItem(kind) }
            try insert(item, as: kind, into: &values)
        }
        return values
    }

    /// One list item: `*`, `a`, `a-b`, each optionally followed by `/step`.
    private static func insert(
        _ item: Substring,
        as field: CronField,
        into values: inout CronValueSet
    ) throws(CronExpressionError) {
        let parts = item.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw .invalidStep(field, String(item)) }
        let base = parts[0]
        let hasStep = parts.count == 2

        var step = 1
        if hasStep {
            let text = parts[1]
            guard !text.isEmpty, text.allSatisfy(\.isCronDigit) else { throw .invalidStep(field, String(item)) }
            let span = field.range.upperBound - field.range.lowerBound
            guard let number = smallNumber(text), number <= span else { throw .stepOutOfRange(field, String(text)) }
            guard number > 0 else { throw .zeroStep(field) }
            step = number
        }

        let lower: Int
        let upper: Int
        if base == "*" {
            (lower, upper) = (field.range.lowerBound, field.range.upperBound)
        } else if base.contains("-") {
            let ends = base.split(separator: "-", omittingEmptySubsequences: false)
            guard ends.count == 2, !ends[0].isEmpty, !ends[1].isEmpty else {
                throw .malformedRange(field, String(base))
            }
            (lower, upper) = (try value(ends[0], in: field), try value(ends[1], in: field))
            guard lower <= upper else { throw .reversedRange(field, String(base)) }
        } else if base.isEmpty {
            throw .invalidValue(field, String(item))
        } else {
            lower = try value(base, in: field)
            // `a/n` runs from a to the end of the field, as in most crons; a bare `a` is just a.
            upper = hasStep ? field.range.upperBound : lower
        }

        for value in stride(from: lower, through: upper, by: step) {
            values.insert(field == .dayOfWeek && value == 7 ? 0 : value)
        }
    }

    private static func value(_ text: Substring, in field: CronField) throws(CronExpressionError) -> Int {
        if text.allSatisfy(\.isCronDigit) {
            guard let number = smallNumber(text), field.range.contains(number) else {
                throw .valueOutOfRange(field, String(text))
            }
            return number
        }
        guard let number = field.names[text.uppercased()] else { throw .invalidValue(field, String(text)) }
        return number
    }

    /// The value of a digit string, or nil when it has more digits than any field needs (so no overflow).
    private static func smallNumber(_ digits: Substring) -> Int? {
        let significant = digits.drop(while: { $0 == "0" })
        guard significant.count <= 4 else { return nil }
        return significant.isEmpty ? 0 : Int(significant)
    }
}

extension Character {
    fileprivate var isCronDigit: Bool { isASCII && isWholeNumber }
}
