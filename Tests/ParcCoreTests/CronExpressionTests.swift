import Foundation
import Testing

@testable import ParcCore

// MARK: - Helpers

private let utc = TimeZone(identifier: "UTC")!
private let paris = TimeZone(identifier: "Europe/Paris")!
private let newYork = TimeZone(identifier: "America/New_York")!

/// "2026-03-29T03:00:00+02:00" → the instant it names.
private func instant(_ text: String) throws -> Date {
    try #require(ISO8601DateFormatter().date(from: text), "not an ISO 8601 instant: \(text)")
}

/// The instant as a wall-clock time with its UTC offset in `zone`: "2026-03-29T03:00:00+02:00".
private func wallClock(_ date: Date, in zone: TimeZone) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = zone
    return formatter.string(from: date)
}

/// The next `count` run times after `start`, written as wall-clock times of `zone`.
private func runs(_ expression: String, after start: String, in zone: TimeZone, count: Int) throws -> [String] {
    try CronExpression(expression).dates(after: instant(start), in: zone, limit: count).map { wallClock($0, in: zone) }
}

/// How many times the job runs from one local midnight (inclusive) to the next (exclusive).
private func runsOnDay(_ expression: String, from midnight: String, to nextMidnight: String, in zone: TimeZone)
    throws -> [String]
{
    let end = try instant(nextMidnight)
    return try CronExpression(expression)
        .dates(after: instant(midnight).addingTimeInterval(-1), in: zone, limit: 200)
        .filter { $0 < end }
        .map { wallClock($0, in: zone) }
}

private func parseError(_ expression: String) -> CronExpressionError? {
    do {
        _ = try CronExpression(expression)
        return nil
    } catch {
        return error
    }
}

extension CronExpression {
    fileprivate func values(of field: CronField) -> [Int] {
        switch field {
        case .minute: minutes.values
        case .hour: hours.values
        case .dayOfMonth: daysOfMonth.values
        case .month: months.values
        case .dayOfWeek: daysOfWeek.values
        }
    }
}

// MARK: - Syntax

@Test(
    "each syntax form matches the values crontab(5) gives it",
    arguments: [
        ("* * * * *", CronField.minute, Array(0...59)),
        ("5 * * * *", .minute, [5]),
        ("007 * * * *", .minute, [7]),
        ("1,15,30 * * * *", .minute, [1, 15, 30]),
        ("10-14 * * * *", .minute, [10, 11, 12, 13, 14]),
        ("*/15 * * * *", .minute, [0, 15, 30, 45]),
        ("10-30/10 * * * *", .minute, [10, 20, 30]),
        ("50/4 * * * *", .minute, [50, 54, 58]),
        ("0,30-32,*/20 * * * *", .minute, [0, 20, 30, 31, 32, 40]),
        ("0-59/59 * * * *", .minute, [0, 59]),
        ("0 */6 * * *", .hour, [0, 6, 12, 18]),
        ("0 9-17 * * *", .hour, Array(9...17)),
        ("0 0 */10 * *", .dayOfMonth, [1, 11, 21, 31]),
        ("0 0 1,15,31 * *", .dayOfMonth, [1, 15, 31]),
        ("0 0 * */3 *", .month, [1, 4, 7, 10]),
        ("0 0 * * */2", .dayOfWeek, [0, 2, 4, 6]),
        ("0 0 * * 1-5", .dayOfWeek, [1, 2, 3, 4, 5]),
    ]
)
func syntaxForms(expression: String, field: CronField, expected: [Int]) throws {
    #expect(try CronExpression(expression).values(of: field) == expected)
}

@Test(
    "month and weekday names are read in any case, alone, in ranges and with steps",
    arguments: [
        ("0 0 * JAN *", CronField.month, [1]),
        ("0 0 * jan-Mar *", .month, [1, 2, 3]),
        ("0 0 * dec,Jul *", .month, [7, 12]),
        ("0 0 * FEB/3 *", .month, [2, 5, 8, 11]),
        ("0 0 * * mon-fri", .dayOfWeek, [1, 2, 3, 4, 5]),
        ("0 0 * * Sun,SAT", .dayOfWeek, [0, 6]),
        ("0 0 * * TUE/2", .dayOfWeek, [2, 4, 6]),
        ("0 0 * * Wed-6", .dayOfWeek, [3, 4, 5, 6]),
    ]
)
func names(expression: String, field: CronField, expected: [Int]) throws {
    #expect(try CronExpression(expression).values(of: field) == expected)
}

@Test(
    "7 in the day-of-week field is Sunday, like 0",
    arguments: [
        ("0 0 * * 7", [0]),
        ("0 0 * * 0,7", [0]),
        ("0 0 * * 5-7", [0, 5, 6]),
        ("0 0 * * */7", [0]),
        ("0 0 * * 0-7", [0, 1, 2, 3, 4, 5, 6]),
    ]
)
func sevenIsSunday(expression: String, expected: [Int]) throws {
    #expect(try CronExpression(expression).daysOfWeek.values == expected)
}

@Test("a job on day 7 runs on Sundays")
func sevenRunsOnSunday() throws {
    // 2026-03-01 is a Sunday.
    #expect(try runs("0 9 * * 7", after: "2026-02-25T00:00:00Z", in: utc, count: 2)
        == ["2026-03-01T09:00:00Z", "2026-03-08T09:00:00Z"])
}

@Test(
    "macros stand for their five fields, in any case",
    arguments: [
        ("@yearly", "0 0 1 1 *"),
        ("@annually", "0 0 1 1 *"),
        ("@monthly", "0 0 1 * *"),
        ("@weekly", "0 0 * * 0"),
        ("@daily", "0 0 * * *"),
        ("@midnight", "0 0 * * *"),
        ("@hourly", "0 * * * *"),
        ("@DAILY", "0 0 * * *"),
        ("  @Hourly\t", "0 * * * *"),
    ]
)
func macros(macro: String, fields: String) throws {
    let expanded = try CronExpression(macro)
    let written = try CronExpression(fields)
    for field in CronField.allCases {
        #expect(expanded.values(of: field) == written.values(of: field))
    }
    #expect(expanded.daysMatchEitherField == written.daysMatchEitherField)
    let start = try instant("2026-06-15T10:20:00Z")
    #expect(expanded.dates(after: start, in: paris, limit: 3) == written.dates(after: start, in: paris, limit: 3))
}

// MARK: - Day-of-month and day-of-week

@Test("when both day fields are restricted, a day matches if either matches")
func dayFieldsEither() throws {
    #expect(try runs("0 0 13 * FRI", after: "2026-03-01T00:00:00Z", in: utc, count: 8) == [
        "2026-03-06T00:00:00Z", "2026-03-13T00:00:00Z", "2026-03-20T00:00:00Z", "2026-03-27T00:00:00Z",
        "2026-04-03T00:00:00Z", "2026-04-10T00:00:00Z", "2026-04-13T00:00:00Z", "2026-04-17T00:00:00Z",
    ])
}

@Test("when the day-of-week field is *, only the day of the month counts")
func dayOfMonthAlone() throws {
    #expect(try runs("0 0 13 * *", after: "2026-03-01T00:00:00Z", in: utc, count: 2)
        == ["2026-03-13T00:00:00Z", "2026-04-13T00:00:00Z"])
}

@Test("when the day-of-month field is *, only the weekday counts")
func dayOfWeekAlone() throws {
    #expect(try runs("0 0 * * FRI", after: "2026-03-01T00:00:00Z", in: utc, count: 2)
        == ["2026-03-06T00:00:00Z", "2026-03-13T00:00:00Z"])
}

@Test("a day field that starts with * counts as unrestricted, so both fields must match (Vixie)")
func starStepIsUnrestricted() throws {
    // Odd days that are Mondays, not odd days or Mondays.
    #expect(try runs("0 0 */2 * MON", after: "2026-03-01T00:00:00Z", in: utc, count: 4) == [
        "2026-03-09T00:00:00Z", "2026-03-23T00:00:00Z", "2026-04-13T00:00:00Z", "2026-04-27T00:00:00Z",
    ])
}

@Test("a restricted weekday makes a day that never exists in the month harmless")
func impossibleDayWithWeekday() throws {
    #expect(try runs("0 0 30 2 MON", after: "2026-01-01T00:00:00Z", in: utc, count: 5) == [
        "2026-02-02T00:00:00Z", "2026-02-09T00:00:00Z", "2026-02-16T00:00:00Z", "2026-02-23T00:00:00Z",
        "2027-02-01T00:00:00Z",
    ])
}

// MARK: - Errors

@Test(
    "each problem has its own error and a message that says what to write instead",
    arguments: [
        ("", CronExpressionError.empty,
         "the cron expression is empty; write five fields (minute hour day-of-month month day-of-week), e.g. "
            + "\"0 3 * * *\" for 03:00 every day, or a macro such as \"@daily\""),
        (" \t ", .empty,
         "the cron expression is empty; write five fields (minute hour day-of-month month day-of-week), e.g. "
            + "\"0 3 * * *\" for 03:00 every day, or a macro such as \"@daily\""),
        ("@reboot", .rebootNotSchedulable,
         "@reboot means \"when the machine starts\", which is not a schedule and has no next date; write a "
            + "time-based expression such as \"@daily\" or \"0 3 * * *\""),
        ("@REBOOT", .rebootNotSchedulable,
         "@reboot means \"when the machine starts\", which is not a schedule and has no next date; write a "
            + "time-based expression such as \"@daily\" or \"0 3 * * *\""),
        ("@dayly", .unknownMacro("@dayly"),
         "\"@dayly\" is not a known macro; write one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, "
            + "@hourly, or five fields"),
        ("@daily 5", .macroWithFields("@daily"),
         "\"@daily\" stands alone; remove what follows it, or write five fields instead"),
        ("0 3 * *", .wrongFieldCount(4),
         "expected 5 fields (minute hour day-of-month month day-of-week) but found 4, e.g. \"0 3 * * *\" for 03:00 "
            + "every day"),
        ("0 0 3 * * *", .wrongFieldCount(6),
         "expected 5 fields (minute hour day-of-month month day-of-week) but found 6; Parc's cron has no seconds "
            + "or year field"),
        ("1,,2 * * * *", .emptyListItem(.minute),
         "field 1 (minute): a list has an empty item; separate values with single commas, e.g. \"1,15,30\""),
        ("0 x * * *", .invalidValue(.hour, "x"),
         "field 2 (hour): \"x\" is not a valid value; write a number 0–23"),
        ("0 0 * FOO *", .invalidValue(.month, "FOO"),
         "field 4 (month): \"FOO\" is not a valid value; write a number 1–12 or a name JAN–DEC"),
        ("0 0 * MON *", .invalidValue(.month, "MON"),
         "field 4 (month): \"MON\" is not a valid value; write a number 1–12 or a name JAN–DEC"),
        ("0 0 * * JAN", .invalidValue(.dayOfWeek, "JAN"),
         "field 5 (day-of-week): \"JAN\" is not a valid value; write a number 0–7 (0 and 7 are Sunday) or a name "
            + "SUN–SAT"),
        ("0 0 L * *", .invalidValue(.dayOfMonth, "L"),
         "field 3 (day-of-month): \"L\" is not a valid value; write a number 1–31"),
        ("0 25 * * *", .valueOutOfRange(.hour, "25"), "field 2 (hour): 25 is out of range 0–23"),
        ("60 * * * *", .valueOutOfRange(.minute, "60"), "field 1 (minute): 60 is out of range 0–59"),
        ("0 0 0 * *", .valueOutOfRange(.dayOfMonth, "0"), "field 3 (day-of-month): 0 is out of range 1–31"),
        ("0 0 * 13 *", .valueOutOfRange(.month, "13"), "field 4 (month): 13 is out of range 1–12"),
        ("0 0 * * 8", .valueOutOfRange(.dayOfWeek, "8"), "field 5 (day-of-week): 8 is out of range 0–7"),
        ("1- * * * *", .malformedRange(.minute, "1-"),
         "field 1 (minute): \"1-\" is not a range; write both ends separated by one dash, e.g. \"0-4\""),
        ("0 -5 * * *", .malformedRange(.hour, "-5"),
         "field 2 (hour): \"-5\" is not a range; write both ends separated by one dash, e.g. \"0-4\""),
        ("0 0 1-2-3 * *", .malformedRange(.dayOfMonth, "1-2-3"),
         "field 3 (day-of-month): \"1-2-3\" is not a range; write both ends separated by one dash, e.g. \"1-5\""),
        ("0 22-2 * * *", .reversedRange(.hour, "22-2"),
         "field 2 (hour): range \"22-2\" runs backwards and cron ranges do not wrap around; write the smaller value "
            + "first, or a list of two ranges such as \"22-23,0-2\""),
        ("0 0 * * FRI-MON", .reversedRange(.dayOfWeek, "FRI-MON"),
         "field 5 (day-of-week): range \"FRI-MON\" runs backwards and cron ranges do not wrap around; write the "
            + "smaller value first, or a list of two ranges such as \"FRI-SAT,SUN-MON\""),
        ("0 0 * NOV-FEB *", .reversedRange(.month, "NOV-FEB"),
         "field 4 (month): range \"NOV-FEB\" runs backwards and cron ranges do not wrap around; write the smaller "
            + "value first, or a list of two ranges such as \"NOV-DEC,JAN-FEB\""),
        ("*/x * * * *", .invalidStep(.minute, "*/x"),
         "field 1 (minute): \"*/x\" has no valid step; write one whole number after a single /, e.g. \"*/5\""),
        ("*/ * * * *", .invalidStep(.minute, "*/"),
         "field 1 (minute): \"*/\" has no valid step; write one whole number after a single /, e.g. \"*/5\""),
        ("1/2/3 * * * *", .invalidStep(.minute, "1/2/3"),
         "field 1 (minute): \"1/2/3\" has no valid step; write one whole number after a single /, e.g. \"*/5\""),
        ("*/0 * * * *", .zeroStep(.minute),
         "field 1 (minute): a step of 0 never advances; write a step of at least 1, e.g. \"*/5\""),
        ("*/60 * * * *", .stepOutOfRange(.minute, "60"), "field 1 (minute): step 60 is out of range 1–59"),
        ("0 */24 * * *", .stepOutOfRange(.hour, "24"), "field 2 (hour): step 24 is out of range 1–23"),
        ("0 0 * * */8", .stepOutOfRange(.dayOfWeek, "8"), "field 5 (day-of-week): step 8 is out of range 1–7"),
        ("0 0 30 2 *", .neverFires(dayOfMonth: "30", month: "2"),
         "day-of-month \"30\" names no day that month \"2\" has, so this schedule would never run; choose days the "
            + "months have (February has at most 29; April, June, September and November 30)"),
        ("0 0 31 APR,jun,9,11 *", .neverFires(dayOfMonth: "31", month: "APR,jun,9,11"),
         "day-of-month \"31\" names no day that month \"APR,jun,9,11\" has, so this schedule would never run; choose "
            + "days the months have (February has at most 29; April, June, September and November 30)"),
        ("0 0 30,31 2 */7", .neverFires(dayOfMonth: "30,31", month: "2"),
         "day-of-month \"30,31\" names no day that month \"2\" has, so this schedule would never run; choose days "
            + "the months have (February has at most 29; April, June, September and November 30)"),
        ("0 0 ? * MON", .invalidCharacter("?", position: 5),
         "character 5 (?) is not allowed in a cron expression (for \"any day\", write *); write the fields with "
            + "digits, the names JAN–DEC and SUN–SAT, and * , - /"),
        ("0 0 * * 5#3", .invalidCharacter("#", position: 10),
         "character 10 (#) is not allowed in a cron expression; write the fields with digits, the names JAN–DEC "
            + "and SUN–SAT, and * , - /"),
        ("0 0 * * mön", .nonASCIICharacter("ö", position: 10),
         "character 10 (U+00F6) is not ASCII; write the fields with digits, the names JAN–DEC and SUN–SAT, and "
            + "* , - /"),
    ]
)
func errors(expression: String, expected: CronExpressionError, message: String) {
    let error = parseError(expression)
    #expect(error == expected)
    #expect(error?.description == message)
}

@Test("an expression over 256 bytes is refused before it is read, with its length")
func tooLong() throws {
    let huge = String(repeating: "*", count: 10_000)
    #expect(parseError(huge) == .tooLong(length: 10_000, maximum: 256))
    #expect(parseError(huge)?.description
        == "the cron expression is 10000 bytes long, over the 256 allowed; a schedule fits in five short fields, "
        + "e.g. \"*/15 8-18 * * MON-FRI\"")
    let padded = "0 0 * * *" + String(repeating: " ", count: 256 - 9)
    #expect(try CronExpression(padded).source == "0 0 * * *")
    #expect(parseError(padded + " ") == .tooLong(length: 257, maximum: 256))
    // Non-ASCII counts in bytes: 100 three-byte characters are 300 bytes.
    #expect(parseError(String(repeating: "€", count: 100)) == .tooLong(length: 300, maximum: 256))
}

@Test("a list of more than 60 items is refused")
func hugeList() throws {
    let items = (0...60).map { String($0 % 60) }.joined(separator: ",")
    #expect(parseError(items + " * * * *") == .tooManyListItems(.minute, count: 61, maximum: 60))
    #expect(parseError(items + " * * * *")?.description
        == "field 1 (minute): 61 list items, over the 60 allowed; use a range or a step instead, e.g. \"0-30\" or "
        + "\"*/5\"")
    let all = (0...59).map(String.init).joined(separator: ",")
    #expect(try CronExpression(all + " * * * *").minutes.values == Array(0...59))
}

@Test(
    "hostile input gets a clear error, never a crash",
    arguments: [
        ("０ 0 * * *", CronExpressionError.nonASCIICharacter("\u{FF10}", position: 1)),
        ("0 0 * * *\u{200B}", .nonASCIICharacter("\u{200B}", position: 10)),
        ("\u{202E}0 0 * * *", .nonASCIICharacter("\u{202E}", position: 1)),
        ("0 0 * * ⏰", .nonASCIICharacter("⏰", position: 9)),
        ("0 0 * * *\n* * * * * rm -rf /", .invalidCharacter("\n", position: 10)),
        ("0 0 * * *\0", .invalidCharacter("\0", position: 10)),
        ("0 0 * * *;", .invalidCharacter(";", position: 10)),
        ("1- * * * *", .malformedRange(.minute, "1-")),
        (",, * * * *", .emptyListItem(.minute)),
        ("5, * * * *", .emptyListItem(.minute)),
        (",5 * * * *", .emptyListItem(.minute)),
        ("- * * * *", .malformedRange(.minute, "-")),
        ("-- * * * *", .malformedRange(.minute, "--")),
        ("*-* * * * *", .invalidValue(.minute, "*")),
        ("** * * * *", .invalidValue(.minute, "**")),
        ("/5 * * * *", .invalidValue(.minute, "/5")),
        ("*/0 * * * *", .zeroStep(.minute)),
        ("*/000 * * * *", .zeroStep(.minute)),
        ("60 * * * *", .valueOutOfRange(.minute, "60")),
        ("99999999999999999999999999 * * * *", .valueOutOfRange(.minute, "99999999999999999999999999")),
        ("*/99999999999999999999999999 * * * *", .stepOutOfRange(.minute, "99999999999999999999999999")),
        ("0 0 * * JANUARY", .invalidValue(.dayOfWeek, "JANUARY")),
        ("@", .unknownMacro("@")),
        ("0 @daily * * *", .invalidValue(.hour, "@daily")),
        ("* * * * * *", .wrongFieldCount(6)),
    ]
)
func hostileInput(expression: String, expected: CronExpressionError) {
    #expect(parseError(expression) == expected)
}

@Test("the largest valid values and leading zeros parse")
func boundaries() throws {
    let expression = try CronExpression("59 23 31 12 7")
    #expect(expression.minutes.values == [59])
    #expect(expression.hours.values == [23])
    #expect(expression.daysOfMonth.values == [31])
    #expect(expression.months.values == [12])
    #expect(expression.daysOfWeek.values == [0])
    #expect(try CronExpression("00 00 01 01 00").daysOfMonth.values == [1])
}

// MARK: - Value semantics

@Test("expressions are equal when written alike, whitespace aside, and describe themselves as written")
func equality() throws {
    let spaced = try CronExpression("  0\t3  * *   MON-fri ")
    #expect(spaced.source == "0 3 * * MON-fri")
    #expect(spaced.description == "0 3 * * MON-fri")
    #expect(spaced == (try CronExpression("0 3 * * MON-fri")))
    #expect(Set([spaced, try CronExpression("0 3 * * MON-fri")]).count == 1)
    #expect(try CronExpression("@daily") != CronExpression("0 0 * * *"))
}

private struct Job: Codable, Equatable {
    var schedule: CronExpression
}

@Test("an expression encodes as its string and decodes back to an equal value")
func codableRoundTrip() throws {
    let job = Job(schedule: try CronExpression("*/15  8-18 * * MON-FRI"))
    let data = try JSONEncoder().encode(job)
    #expect(String(decoding: data, as: UTF8.self) == #"{"schedule":"*\/15 8-18 * * MON-FRI"}"#)
    #expect(try JSONDecoder().decode(Job.self, from: data) == job)
}

@Test("decoding an invalid expression fails with the parse message")
func decodingInvalid() throws {
    let data = Data(#"{"schedule":"0 25 * * *"}"#.utf8)
    let error = try #require(throws: DecodingError.self) { try JSONDecoder().decode(Job.self, from: data) }
    guard case .dataCorrupted(let context) = error else {
        Issue.record("expected dataCorrupted, got \(error)")
        return
    }
    #expect(context.debugDescription == "field 2 (hour): 25 is out of range 0–23")
    #expect(context.underlyingError as? CronExpressionError == .valueOutOfRange(.hour, "25"))
}

@Test("matches tells whether a date's wall-clock minute fits every field")
func matchesWallClock() throws {
    let expression = try CronExpression("30 2 * * SUN")
    #expect(expression.matches(try instant("2026-10-25T02:30:59+02:00"), in: paris))
    #expect(expression.matches(try instant("2026-10-25T02:30:00+01:00"), in: paris))
    #expect(!expression.matches(try instant("2026-10-25T02:31:00+01:00"), in: paris))
    #expect(!expression.matches(try instant("2026-10-25T02:30:00Z"), in: paris))
    #expect(!expression.matches(Date(timeIntervalSinceReferenceDate: .nan), in: paris))
}

// MARK: - Next dates

@Test("the next date is strictly after the given instant")
func strictlyAfter() throws {
    #expect(try runs("* * * * *", after: "2026-05-04T12:00:00Z", in: utc, count: 1) == ["2026-05-04T12:01:00Z"])
    #expect(try runs("* * * * *", after: "2026-05-04T12:00:30Z", in: utc, count: 1) == ["2026-05-04T12:01:00Z"])
    let start = try instant("2026-05-04T12:00:00Z").addingTimeInterval(-0.001)
    #expect(try CronExpression("0 12 * * *").nextDate(after: start, in: utc) == instant("2026-05-04T12:00:00Z"))
}

@Test("next dates roll over hour, day, month and year ends")
func rollOver() throws {
    #expect(try runs("*/20 * * * *", after: "2026-12-31T23:45:00Z", in: utc, count: 2)
        == ["2027-01-01T00:00:00Z", "2027-01-01T00:20:00Z"])
    #expect(try runs("0 0 1 * *", after: "2026-01-31T12:00:00Z", in: utc, count: 2)
        == ["2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z"])
    #expect(try runs("59 23 31 12 *", after: "2026-06-01T00:00:00Z", in: utc, count: 2)
        == ["2026-12-31T23:59:00Z", "2027-12-31T23:59:00Z"])
    #expect(try runs("0 9 * * MON", after: "2026-12-30T00:00:00Z", in: utc, count: 1) == ["2027-01-04T09:00:00Z"])
}

@Test("day 31 skips the months that do not have it")
func day31() throws {
    #expect(try runs("0 0 31 * *", after: "2026-01-31T00:00:00Z", in: utc, count: 3)
        == ["2026-03-31T00:00:00Z", "2026-05-31T00:00:00Z", "2026-07-31T00:00:00Z"])
}

@Test("February 29 runs only in leap years, and not in 2100")
func leapDay() throws {
    #expect(try runs("0 12 29 2 *", after: "2026-01-01T00:00:00Z", in: utc, count: 2)
        == ["2028-02-29T12:00:00Z", "2032-02-29T12:00:00Z"])
    #expect(try runs("0 12 29 2 *", after: "2096-03-01T00:00:00Z", in: utc, count: 1) == ["2104-02-29T12:00:00Z"])
    #expect(try runs("0 0 28-31 2 *", after: "2028-02-01T00:00:00Z", in: utc, count: 3)
        == ["2028-02-28T00:00:00Z", "2028-02-29T00:00:00Z", "2029-02-28T00:00:00Z"])
}

@Test("the rarest accepted schedule, February 29 on a Sunday, is found 40 years on")
func rarestSchedule() throws {
    #expect(try runs("0 0 29 2 */7", after: "2088-03-01T00:00:00Z", in: utc, count: 1) == ["2128-02-29T00:00:00Z"])
}

@Test("nextDate answers nil outside years 1 to 9999, and previews stop there")
func outsideRange() throws {
    let yearly = try CronExpression("0 0 1 1 *")
    #expect(yearly.nextDate(after: try instant("9999-06-01T00:00:00Z"), in: utc) == nil)
    #expect(yearly.dates(after: try instant("9997-06-01T00:00:00Z"), in: utc, limit: 10).count == 2)
    #expect(yearly.nextDate(after: Date(timeIntervalSinceReferenceDate: .infinity), in: utc) == nil)
    #expect(yearly.nextDate(after: Date(timeIntervalSinceReferenceDate: .nan), in: utc) == nil)
    #expect(yearly.nextDate(after: Date(timeIntervalSince1970: -1e13), in: utc) == nil)
    #expect(yearly.nextDate(after: .distantFuture, in: utc) != nil)
}

@Test("previews return exactly the number asked for, and nothing for a limit below one")
func previewLimit() throws {
    let expression = try CronExpression("*/5 * * * *")
    let start = try instant("2026-05-04T12:00:00Z")
    #expect(expression.dates(after: start, in: utc, limit: 3).map { wallClock($0, in: utc) }
        == ["2026-05-04T12:05:00Z", "2026-05-04T12:10:00Z", "2026-05-04T12:15:00Z"])
    #expect(expression.dates(after: start, in: utc, limit: 0).isEmpty)
    #expect(expression.dates(after: start, in: utc, limit: -1).isEmpty)
}

@Test("fields are read on the wall clock of the zone given")
func zones() throws {
    #expect(try runs("0 9 * * *", after: "2026-07-01T00:00:00Z", in: paris, count: 1) == ["2026-07-01T09:00:00+02:00"])
    #expect(try runs("0 9 * * *", after: "2026-01-01T00:00:00Z", in: newYork, count: 1)
        == ["2026-01-01T09:00:00-05:00"])
    let india = try #require(TimeZone(secondsFromGMT: 5 * 3600 + 1800))
    #expect(try CronExpression("0 9 * * *").nextDate(after: instant("2026-01-01T00:00:00Z"), in: india)
        == instant("2026-01-01T03:30:00Z"))
}

// MARK: - Daylight saving: Europe/Paris, spring forward 2026-03-29 02:00 CET -> 03:00 CEST

@Test("Paris spring forward: a time inside the gap runs once at 03:00, then as usual")
func parisGapFixedTime() throws {
    #expect(try runs("30 2 * * *", after: "2026-03-28T12:00:00+01:00", in: paris, count: 3)
        == ["2026-03-29T03:00:00+02:00", "2026-03-30T02:30:00+02:00", "2026-03-31T02:30:00+02:00"])
    #expect(try runs("30 2 29 3 *", after: "2026-01-01T00:00:00+01:00", in: paris, count: 2)
        == ["2026-03-29T03:00:00+02:00", "2027-03-29T02:30:00+02:00"])
}

@Test("Paris spring forward: several times inside the gap, and 03:00 itself, collapse into one run")
func parisGapCollapses() throws {
    #expect(try runs("*/15 2 * * *", after: "2026-03-29T01:50:00+01:00", in: paris, count: 2)
        == ["2026-03-29T03:00:00+02:00", "2026-03-30T02:00:00+02:00"])
    #expect(try runs("0,30 2,3 * * *", after: "2026-03-29T00:00:00+01:00", in: paris, count: 3)
        == ["2026-03-29T03:00:00+02:00", "2026-03-29T03:30:00+02:00", "2026-03-30T02:00:00+02:00"])
}

@Test("Paris spring forward: hourly jobs run once in each of the day's 23 real hours")
func parisGapHourly() throws {
    #expect(try runs("0 * * * *", after: "2026-03-29T00:30:00+01:00", in: paris, count: 3)
        == ["2026-03-29T01:00:00+01:00", "2026-03-29T03:00:00+02:00", "2026-03-29T04:00:00+02:00"])
    #expect(try runs("30 * * * *", after: "2026-03-29T01:00:00+01:00", in: paris, count: 2)
        == ["2026-03-29T01:30:00+01:00", "2026-03-29T03:30:00+02:00"])
    let day = try runsOnDay("@hourly", from: "2026-03-29T00:00:00+01:00", to: "2026-03-30T00:00:00+02:00", in: paris)
    #expect(day.count == 23)
}

@Test("Paris spring forward: every-minute jobs go from 01:59 straight to 03:00")
func parisGapEveryMinute() throws {
    #expect(try runs("* * * * *", after: "2026-03-29T01:58:30+01:00", in: paris, count: 3)
        == ["2026-03-29T01:59:00+01:00", "2026-03-29T03:00:00+02:00", "2026-03-29T03:01:00+02:00"])
}

@Test("Paris spring forward: a step in the hour field keeps its twelve runs, 03:00 standing in for 02:00")
func parisGapHourStep() throws {
    let day = try runsOnDay("0 */2 * * *", from: "2026-03-29T00:00:00+01:00", to: "2026-03-30T00:00:00+02:00",
                            in: paris)
    #expect(day.count == 12)
    #expect(Array(day.prefix(3))
        == ["2026-03-29T00:00:00+01:00", "2026-03-29T03:00:00+02:00", "2026-03-29T04:00:00+02:00"])
}

@Test("Paris spring forward: daily jobs outside the gap are unaffected")
func parisGapDaily() throws {
    #expect(try runs("@daily", after: "2026-03-28T12:00:00+01:00", in: paris, count: 2)
        == ["2026-03-29T00:00:00+01:00", "2026-03-30T00:00:00+02:00"])
}

// MARK: - Daylight saving: Europe/Paris, fall back 2026-10-25 03:00 CEST -> 02:00 CET

@Test("Paris fall back: a time in the repeated hour runs once, at its first occurrence")
func parisOverlapFixedTime() throws {
    #expect(try runs("30 2 * * *", after: "2026-10-24T12:00:00+02:00", in: paris, count: 3)
        == ["2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00", "2026-10-27T02:30:00+01:00"])
}

@Test("Paris fall back: asked during the repeated hour, a wall-clock job waits for the next day")
func parisOverlapAskedInside() throws {
    #expect(try runs("30 2 * * *", after: "2026-10-25T02:40:00+02:00", in: paris, count: 1)
        == ["2026-10-26T02:30:00+01:00"])
    #expect(try runs("30 2 * * *", after: "2026-10-25T02:10:00+01:00", in: paris, count: 1)
        == ["2026-10-26T02:30:00+01:00"])
    #expect(try runs("30 2 * * *", after: "2026-10-25T02:00:00+01:00", in: paris, count: 1)
        == ["2026-10-26T02:30:00+01:00"])
}

@Test("Paris fall back: every minute of a job in the repeated hour runs only in its first occurrence")
func parisOverlapEveryMinuteOfHour() throws {
    let day = try runsOnDay("* 2 * * *", from: "2026-10-25T00:00:00+02:00", to: "2026-10-26T00:00:00+01:00",
                            in: paris)
    #expect(day.count == 60)
    #expect(day.first == "2026-10-25T02:00:00+02:00")
    #expect(day.last == "2026-10-25T02:59:00+02:00")
}

@Test("Paris fall back: hourly jobs run once in each of the day's 25 real hours")
func parisOverlapHourly() throws {
    #expect(try runs("0 * * * *", after: "2026-10-25T00:30:00+02:00", in: paris, count: 4) == [
        "2026-10-25T01:00:00+02:00", "2026-10-25T02:00:00+02:00", "2026-10-25T02:00:00+01:00",
        "2026-10-25T03:00:00+01:00",
    ])
    let day = try runsOnDay("@hourly", from: "2026-10-25T00:00:00+02:00", to: "2026-10-26T00:00:00+01:00", in: paris)
    #expect(day.count == 25)
    // What counts is that the hour field matches every hour, not how it is written.
    let written = try runsOnDay("0 0-23 * * *", from: "2026-10-25T00:00:00+02:00", to: "2026-10-26T00:00:00+01:00",
                                in: paris)
    #expect(written == day)
}

@Test("Paris fall back: every-half-hour jobs run in both copies of the repeated hour")
func parisOverlapHalfHourly() throws {
    #expect(try runs("*/30 * * * *", after: "2026-10-25T01:45:00+02:00", in: paris, count: 5) == [
        "2026-10-25T02:00:00+02:00", "2026-10-25T02:30:00+02:00", "2026-10-25T02:00:00+01:00",
        "2026-10-25T02:30:00+01:00", "2026-10-25T03:00:00+01:00",
    ])
    #expect(try runs("*/20 * * * *", after: "2026-10-25T02:50:00+02:00", in: paris, count: 1)
        == ["2026-10-25T02:00:00+01:00"])
}

@Test("Paris fall back: a step in the hour field keeps its twelve runs, 02:00 running once")
func parisOverlapHourStep() throws {
    let day = try runsOnDay("0 */2 * * *", from: "2026-10-25T00:00:00+02:00", to: "2026-10-26T00:00:00+01:00",
                            in: paris)
    #expect(day.count == 12)
    #expect(Array(day.prefix(3))
        == ["2026-10-25T00:00:00+02:00", "2026-10-25T02:00:00+02:00", "2026-10-25T04:00:00+01:00"])
}

// MARK: - Daylight saving: America/New_York, 2026-03-08 02:00 EST -> 03:00 EDT and 2026-11-01 02:00 EDT -> 01:00 EST

@Test("New York spring forward: 02:30 runs once at 03:00 EDT; hourly jobs skip the missing hour")
func newYorkGap() throws {
    #expect(try runs("30 2 * * *", after: "2026-03-07T12:00:00-05:00", in: newYork, count: 2)
        == ["2026-03-08T03:00:00-04:00", "2026-03-09T02:30:00-04:00"])
    #expect(try runs("0 * * * *", after: "2026-03-08T01:30:00-05:00", in: newYork, count: 2)
        == ["2026-03-08T03:00:00-04:00", "2026-03-08T04:00:00-04:00"])
    let day = try runsOnDay("@hourly", from: "2026-03-08T00:00:00-05:00", to: "2026-03-09T00:00:00-04:00",
                            in: newYork)
    #expect(day.count == 23)
}

@Test("New York fall back: 01:30 runs once in EDT; hourly jobs run in both 01:00 hours")
func newYorkOverlap() throws {
    #expect(try runs("30 1 * * *", after: "2026-10-31T12:00:00-04:00", in: newYork, count: 2)
        == ["2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00"])
    #expect(try runs("0 * * * *", after: "2026-11-01T00:30:00-04:00", in: newYork, count: 3)
        == ["2026-11-01T01:00:00-04:00", "2026-11-01T01:00:00-05:00", "2026-11-01T02:00:00-05:00"])
    let day = try runsOnDay("@hourly", from: "2026-11-01T00:00:00-04:00", to: "2026-11-02T00:00:00-05:00",
                            in: newYork)
    #expect(day.count == 25)
}

@Test("zones that change their standard offset are handled like daylight saving (Samoa skipped 2011-12-30)")
func samoaSkippedDay() throws {
    let apia = try #require(TimeZone(identifier: "Pacific/Apia"))
    // Midnight of a day that never happened runs once, at the first instant after it; hourly jobs just go on.
    #expect(try runs("0 0 * * *", after: "2011-12-29T12:00:00-10:00", in: apia, count: 2)
        == ["2011-12-31T00:00:00+14:00", "2012-01-01T00:00:00+14:00"])
    #expect(try runs("0 * * * *", after: "2011-12-29T22:30:00-10:00", in: apia, count: 2)
        == ["2011-12-29T23:00:00-10:00", "2011-12-31T00:00:00+14:00"])
}

@Test("zones that shift by half an hour apply the same rules to the half hour (Australia/Lord_Howe)")
func lordHoweHalfHour() throws {
    let lordHowe = try #require(TimeZone(identifier: "Australia/Lord_Howe"))
    // 2026-10-04: 02:00 (+10:30) jumps to 02:30 (+11:00); 2026-04-05: 02:00 (+11:00) falls back to 01:30 (+10:30).
    #expect(try runs("15 2 * * *", after: "2026-10-03T12:00:00+10:30", in: lordHowe, count: 2)
        == ["2026-10-04T02:30:00+11:00", "2026-10-05T02:15:00+11:00"])
    #expect(try runs("45 1 * * *", after: "2026-04-04T12:00:00+11:00", in: lordHowe, count: 2)
        == ["2026-04-05T01:45:00+11:00", "2026-04-06T01:45:00+10:30"])
    #expect(try runs("45 * * * *", after: "2026-04-05T01:00:00+11:00", in: lordHowe, count: 3)
        == ["2026-04-05T01:45:00+11:00", "2026-04-05T01:45:00+10:30", "2026-04-05T02:45:00+10:30"])
}

// MARK: - Property: agreement with brute force

/// A stretch of time to check minute by minute.
struct CronTestWindow: Sendable, CustomTestStringConvertible {
    let zoneIdentifier: String
    let start: String
    let end: String
    var testDescription: String { "\(zoneIdentifier) \(start)…\(end)" }
}

/// Every run in `(start, end]`, found by stepping one real minute at a time and applying the documented rules with
/// Foundation's `Calendar` — an oracle independent of `nextDate`'s field-skipping search. It assumes whole-minute
/// offsets and one-hour daylight-saving shifts, which holds for the zones used.
private func bruteForceRuns(_ expression: CronExpression, in zone: TimeZone, from start: Date, to end: Date)
    throws -> [Date]
{
    var zoned = Calendar(identifier: .gregorian)
    zoned.timeZone = zone
    var plain = Calendar(identifier: .gregorian)
    plain.timeZone = utc
    // A wall-clock time as a UTC date, so that wall-clock times can be compared and stepped through.
    func wallClock(_ date: Date) throws -> Date {
        try #require(plain.date(from: zoned.dateComponents([.year, .month, .day, .hour, .minute], from: date)))
    }
    func matches(_ wallClock: Date) -> Bool {
        let parts = plain.dateComponents([.minute, .hour, .day, .month, .weekday], from: wallClock)
        let dayOfMonth = expression.daysOfMonth.contains(parts.day!)
        let dayOfWeek = expression.daysOfWeek.contains(parts.weekday! - 1)
        let day = expression.daysMatchEitherField ? dayOfMonth || dayOfWeek : dayOfMonth && dayOfWeek
        return expression.minutes.contains(parts.minute!) && expression.hours.contains(parts.hour!)
            && expression.months.contains(parts.month!) && day
    }
    let everyHour = expression.hours.values.count == 24

    var found: [Date] = []
    var minute = Date(timeIntervalSince1970: (start.timeIntervalSince1970 / 60).rounded(.down) * 60 + 60)
    var previousWallClock = try wallClock(minute.addingTimeInterval(-60))
    while minute <= end {
        let current = try wallClock(minute)
        defer {
            previousWallClock = current
            minute = minute.addingTimeInterval(60)
        }
        if everyHour {
            if matches(current) { found.append(minute) }
            continue
        }
        let isSecondOccurrence = try wallClock(minute.addingTimeInterval(-3600)) == current
        if matches(current) && !isSecondOccurrence {
            found.append(minute)
        } else if current.timeIntervalSince(previousWallClock) > 60 {
            let skipped = stride(from: previousWallClock.timeIntervalSince1970 + 60,
                                 to: current.timeIntervalSince1970, by: 60)
            if skipped.contains(where: { matches(Date(timeIntervalSince1970: $0)) }) { found.append(minute) }
        }
    }
    return found
}

@Test(
    "each run nextDate finds matches the expression, and no run is missed in between",
    arguments: [
        "*/7 * * * *", "30 2 * * *", "0 */2 * * *", "15,45 1-3 * * *", "*/20 * 29 2,3,10 *",
        "0-10/5 2 * 3,10 SUN", "0 0 13 * FRI", "59 23 * * *", "0 1 29 2 *", "* 2 * * *",
    ],
    [
        CronTestWindow(zoneIdentifier: "Europe/Paris", start: "2026-03-27T22:00:00Z", end: "2026-03-30T02:00:00Z"),
        CronTestWindow(zoneIdentifier: "Europe/Paris", start: "2026-10-23T22:00:00Z", end: "2026-10-26T02:00:00Z"),
        CronTestWindow(zoneIdentifier: "America/New_York", start: "2026-03-07T05:00:00Z", end: "2026-03-09T12:00:00Z"),
        CronTestWindow(zoneIdentifier: "America/New_York", start: "2026-10-31T04:00:00Z", end: "2026-11-02T12:00:00Z"),
        CronTestWindow(zoneIdentifier: "UTC", start: "2028-02-27T20:00:00Z", end: "2028-03-01T04:00:00Z"),
        CronTestWindow(zoneIdentifier: "UTC", start: "2026-12-30T20:00:00Z", end: "2027-01-02T04:00:00Z"),
    ]
)
func agreesWithBruteForce(expression text: String, window: CronTestWindow) throws {
    let expression = try CronExpression(text)
    let zone = try #require(TimeZone(identifier: window.zoneIdentifier))
    let (start, end) = (try instant(window.start), try instant(window.end))

    let expected = try bruteForceRuns(expression, in: zone, from: start, to: end)
    var found: [Date] = []
    var cursor = start
    while let next = expression.nextDate(after: cursor, in: zone), next <= end {
        found.append(next)
        cursor = next
    }
    #expect(found.map { wallClock($0, in: zone) } == expected.map { wallClock($0, in: zone) })
}
