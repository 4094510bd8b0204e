import Foundation
import Testing

@testable import ParcCore

@Suite("Business calendar validation")
struct BusinessCalendarTests {
    private func calendar(_ ranges: [WorkingRange], holidays: [BusinessHoliday] = []) throws -> BusinessCalendar {
        try BusinessCalendar(timeZone: HelpdeskFixtures.paris, workingRanges: [.monday: ranges], holidays: holidays)
    }

    @Test("ranges are kept sorted by start, whatever order they were given in")
    func sorted() throws {
        let afternoon = WorkingRange(from: TimeOfDay(13, 30), to: TimeOfDay(17, 30))
        let morning = WorkingRange(from: TimeOfDay(8), to: TimeOfDay(12))
        #expect(try calendar([afternoon, morning]).ranges(on: .monday) == [morning, afternoon])
        #expect(try calendar([morning]).ranges(on: .sunday).isEmpty)
    }

    @Test("a range that ends before it starts is refused")
    func reversed() {
        let range = WorkingRange(from: TimeOfDay(17), to: TimeOfDay(8))
        #expect(throws: BusinessCalendarError.reversedRange(.monday, range)) { try calendar([range]) }
        #expect(BusinessCalendarError.reversedRange(.monday, range).description
            == "monday: the range 17:00–08:00 ends before it starts or is empty; give a start earlier than the end")
    }

    @Test("an empty range is refused")
    func empty() {
        let range = WorkingRange(from: TimeOfDay(9), to: TimeOfDay(9))
        #expect(throws: BusinessCalendarError.reversedRange(.monday, range)) { try calendar([range]) }
    }

    @Test("overlapping ranges on one day are refused with both ranges named")
    func overlapping() {
        let first = WorkingRange(from: TimeOfDay(8), to: TimeOfDay(12))
        let second = WorkingRange(from: TimeOfDay(11, 30), to: TimeOfDay(14))
        #expect(throws: BusinessCalendarError.overlappingRanges(.monday, first, second)) {
            try calendar([second, first])
        }
        #expect(BusinessCalendarError.overlappingRanges(.monday, first, second).description
            == "monday: the ranges 08:00–12:00 and 11:30–14:00 overlap; merge them or make them follow each other")
    }

    @Test("ranges that touch are accepted")
    func touching() throws {
        let ranges = [
            WorkingRange(from: TimeOfDay(8), to: TimeOfDay(12)), WorkingRange(from: TimeOfDay(12), to: TimeOfDay(24)),
        ]
        #expect(try calendar(ranges).standardDaySeconds == 16 * 3600)
    }

    @Test("a time outside 00:00–24:00 is refused")
    func invalidTime() {
        #expect(throws: BusinessCalendarError.invalidTime(.monday, TimeOfDay(25))) {
            try calendar([WorkingRange(from: TimeOfDay(8), to: TimeOfDay(25))])
        }
        #expect(throws: BusinessCalendarError.invalidTime(.monday, TimeOfDay(24, 30))) {
            try calendar([WorkingRange(from: TimeOfDay(8), to: TimeOfDay(24, 30))])
        }
        #expect(throws: BusinessCalendarError.invalidTime(.monday, TimeOfDay(8, 60))) {
            try calendar([WorkingRange(from: TimeOfDay(8, 60), to: TimeOfDay(12))])
        }
    }

    @Test("a week without working time is refused")
    func noWorkingTime() {
        #expect(throws: BusinessCalendarError.noWorkingTime) { try calendar([]) }
    }

    @Test("a holiday on a date that does not exist is refused; 29 February every year is accepted")
    func holidays() throws {
        let range = WorkingRange(from: TimeOfDay(8), to: TimeOfDay(12))
        #expect(throws: BusinessCalendarError.invalidHoliday(.date(year: 2026, month: 2, day: 29))) {
            try calendar([range], holidays: [.date(year: 2026, month: 2, day: 29)])
        }
        #expect(throws: BusinessCalendarError.invalidHoliday(.yearly(month: 13, day: 1))) {
            try calendar([range], holidays: [.yearly(month: 13, day: 1)])
        }
        let leap = try calendar([range], holidays: [.yearly(month: 2, day: 29)])
        #expect(leap.isHoliday(year: 2028, month: 2, day: 29))
        #expect(!leap.isHoliday(year: 2028, month: 3, day: 1))
    }

    @Test("yearly holidays match every year; dated ones match their year only")
    func holidayMatching() {
        let office = HelpdeskFixtures.office
        #expect(office.isHoliday(year: 2026, month: 5, day: 1))
        #expect(office.isHoliday(year: 2031, month: 12, day: 25))
        #expect(office.isHoliday(year: 2026, month: 4, day: 6))
        #expect(!office.isHoliday(year: 2027, month: 4, day: 6))
    }

    @Test("a business day is the working time of the longest weekday: 8 hours for the office calendar")
    func standardDay() {
        #expect(HelpdeskFixtures.office.standardDaySeconds == 8 * 3600)
        #expect(BusinessDuration.days(2).seconds(in: HelpdeskFixtures.office) == 16 * 3600)
        #expect(BusinessDuration.hours(3).seconds(in: HelpdeskFixtures.office) == 3 * 3600)
        #expect(BusinessDuration.minutes(90).seconds(in: HelpdeskFixtures.office) == 90 * 60)
    }
}
