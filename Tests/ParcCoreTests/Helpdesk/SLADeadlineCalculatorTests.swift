import Foundation
import Testing

@testable import ParcCore

/// Each test is one worked example of docs/helpdesk-sla.md ("Example D1" …), on the office calendar unless stated.
@Suite("Business-time arithmetic")
struct SLADeadlineCalculatorTests {
    let office = HelpdeskFixtures.officeCalculator
    let allDay = HelpdeskFixtures.allDayCalculator

    private func due(_ duration: BusinessDuration, from start: String, on calculator: SLADeadlineCalculator? = nil)
        throws -> String
    {
        paris((calculator ?? office).deadline(adding: duration, to: try helpdeskInstant(start)))
    }

    @Test("D1: 4 business hours from Tuesday 09:00 skip the lunch break and end at 14:30")
    func hoursSkipLunch() throws {
        #expect(try due(.hours(4), from: "2026-03-10T09:00:00+01:00") == "2026-03-10T14:30:00+01:00")
    }

    @Test("D2: 90 business minutes from 11:00 end at 14:00")
    func minutes() throws {
        #expect(try due(.minutes(90), from: "2026-03-10T11:00:00+01:00") == "2026-03-10T14:00:00+01:00")
    }

    @Test("D3: 2 business days from Tuesday 10:00 end on Thursday 10:00")
    func days() throws {
        #expect(try due(.days(2), from: "2026-03-10T10:00:00+01:00") == "2026-03-12T10:00:00+01:00")
    }

    @Test("D4: a ticket opened in the evening starts its clock at the next opening")
    func openedInTheEvening() throws {
        #expect(try due(.hours(2), from: "2026-03-09T19:40:00+01:00") == "2026-03-10T10:00:00+01:00")
        #expect(paris(office.clockStart(at: try helpdeskInstant("2026-03-09T19:40:00+01:00"))) == "2026-03-10T08:00:00+01:00")
    }

    @Test("D5: a ticket opened on Saturday starts its clock on Monday 08:00")
    func openedOnSaturday() throws {
        #expect(paris(office.clockStart(at: try helpdeskInstant("2026-03-14T11:00:00+01:00"))) == "2026-03-16T08:00:00+01:00")
        #expect(try due(.minutes(30), from: "2026-03-14T11:00:00+01:00") == "2026-03-16T08:30:00+01:00")
    }

    @Test("D6: a ticket opened during lunch starts its clock at 13:30; inside working time the clock starts at once")
    func openedDuringLunch() throws {
        #expect(paris(office.clockStart(at: try helpdeskInstant("2026-03-10T12:00:00+01:00"))) == "2026-03-10T13:30:00+01:00")
        #expect(paris(office.clockStart(at: try helpdeskInstant("2026-03-10T10:00:00+01:00"))) == "2026-03-10T10:00:00+01:00")
    }

    @Test("D7: 2 business hours from Friday 16:30 run over the weekend to Monday 09:00")
    func weekend() throws {
        #expect(try due(.hours(2), from: "2026-03-13T16:30:00+01:00") == "2026-03-16T09:00:00+01:00")
    }

    @Test("D8: a deadline that falls at closing time is closing time, not the next morning")
    func endOfRange() throws {
        #expect(try due(.hours(1), from: "2026-03-10T16:30:00+01:00") == "2026-03-10T17:30:00+01:00")
    }

    @Test("D9: over the spring DST change, 4 business hours from Friday 16:00 end on Monday 10:30 summer time")
    func springForward() throws {
        #expect(try due(.hours(4), from: "2026-03-27T16:00:00+01:00") == "2026-03-30T10:30:00+02:00")
        let time = office.businessTime(
            from: try helpdeskInstant("2026-03-27T16:00:00+01:00"), to: try helpdeskInstant("2026-03-30T10:30:00+02:00"))
        #expect(time == 4 * 3600)
    }

    @Test("D10: over the autumn DST change, 4 business hours from Friday 16:00 end on Monday 10:30 winter time")
    func fallBack() throws {
        #expect(try due(.hours(4), from: "2026-10-23T16:00:00+02:00") == "2026-10-26T10:30:00+01:00")
        let time = office.businessTime(
            from: try helpdeskInstant("2026-10-23T16:00:00+02:00"), to: try helpdeskInstant("2026-10-26T10:30:00+01:00"))
        #expect(time == 4 * 3600)
    }

    @Test("D11: round the clock, 29 March 2026 lasts 23 hours and 25 October 2026 lasts 25")
    func allDayDST() throws {
        #expect(try due(.hours(24), from: "2026-03-28T12:00:00+01:00", on: allDay) == "2026-03-29T13:00:00+02:00")
        #expect(try due(.hours(24), from: "2026-10-24T12:00:00+02:00", on: allDay) == "2026-10-25T11:00:00+01:00")
        let march = allDay.businessTime(
            from: try helpdeskInstant("2026-03-29T00:00:00+01:00"), to: try helpdeskInstant("2026-03-30T00:00:00+02:00"))
        let october = allDay.businessTime(
            from: try helpdeskInstant("2026-10-25T00:00:00+02:00"), to: try helpdeskInstant("2026-10-26T00:00:00+01:00"))
        #expect(march == 23 * 3600)
        #expect(october == 25 * 3600)
    }

    @Test("D12: 1 May is skipped: 4 hours from Thursday 30 April 16:00 end on Monday 4 May 10:30")
    func mayDay() throws {
        #expect(try due(.hours(4), from: "2026-04-30T16:00:00+02:00") == "2026-05-04T10:30:00+02:00")
    }

    @Test("D13: Easter Monday is skipped: 1 hour from Friday 3 April 17:00 ends on Tuesday 7 April 08:30")
    func easterMonday() throws {
        #expect(try due(.hours(1), from: "2026-04-03T17:00:00+02:00") == "2026-04-07T08:30:00+02:00")
    }

    @Test("D14: 1 business day from Christmas Eve 17:00 skips Christmas and the weekend: Monday 28 December 17:00")
    func christmas() throws {
        #expect(try due(.days(1), from: "2026-12-24T17:00:00+01:00") == "2026-12-28T17:00:00+01:00")
    }

    @Test("D15: business time between two instants counts only working ranges, and nothing backwards")
    func businessTimeBetween() throws {
        let friday = try helpdeskInstant("2026-03-13T11:00:00+01:00")
        let monday = try helpdeskInstant("2026-03-16T09:00:00+01:00")
        #expect(office.businessTime(from: friday, to: monday) == 6 * 3600)
        #expect(office.businessTime(from: monday, to: friday) == 0)
        let evening = try helpdeskInstant("2026-03-10T18:00:00+01:00")
        let morning = try helpdeskInstant("2026-03-11T07:30:00+01:00")
        #expect(office.businessTime(from: evening, to: morning) == 0)
    }

    @Test("adding business time and measuring it back agree, over a year of starts")
    func roundTrip() throws {
        var start = try helpdeskInstant("2026-01-01T07:17:00+01:00")
        for _ in 0..<400 {
            let end = office.adding(seconds: 5 * 3600 + 600, to: start)
            #expect(office.businessTime(from: start, to: end) == 5 * 3600 + 600)
            start += 23 * 3600 + 7 * 60
        }
    }
}
