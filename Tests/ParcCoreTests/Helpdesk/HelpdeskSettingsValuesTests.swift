import Foundation
import ParcCore
import Testing

@Suite("SLA targets, calendar specs and ticket references")
struct HelpdeskSettingsValuesTests {
    @Test("the first matching rule gives the targets; category rules match sub-categories through the path")
    func targets() throws {
        let targets = try SLATargets(rules: [
            .init(priorities: [4, 5, 6], categories: ["printers"], timeToOwn: .minutes(30), timeToResolve: .hours(4)),
            .init(priorities: [5, 6], timeToOwn: .hours(1), timeToResolve: .hours(8)),
            .init(timeToOwn: .hours(4), timeToResolve: .days(3)),
        ])
        #expect(targets.targets(priority: 5, categoryPath: ["hardware", "printers"]).timeToOwn == .minutes(30))
        #expect(targets.targets(priority: 5, categoryPath: ["hardware"]).timeToResolve == .hours(8))
        #expect(targets.targets(priority: 2, categoryPath: ["printers"]).timeToResolve == .days(3))
        let partial = try SLATargets(rules: [.init(priorities: [6], timeToOwn: .minutes(15), timeToResolve: nil)])
        #expect(partial.targets(priority: 3, categoryPath: []).timeToOwn == nil, "no rule, no deadline")
    }

    @Test("bad rules are refused with a message that names the rule")
    func badRules() {
        #expect(throws: SLATargetsError.priorityOutOfRange(rule: 1, 7)) {
            try SLATargets(rules: [.init(priorities: [7], timeToOwn: .hours(1), timeToResolve: nil)])
        }
        #expect(throws: SLATargetsError.noTarget(rule: 2)) {
            try SLATargets(rules: [.init(timeToOwn: .hours(1), timeToResolve: nil), .init(timeToOwn: nil, timeToResolve: nil)])
        }
        #expect(throws: SLATargetsError.ownAfterResolve(rule: 1)) {
            try SLATargets(rules: [.init(timeToOwn: .hours(9), timeToResolve: .minutes(60))])
        }
        #expect(SLATargetsError.ownAfterResolve(rule: 1).description.contains("rule 1"))
    }

    @Test("durations read and write as 30m, 4h, 2d; anything else is refused", arguments: [
        ("30m", BusinessDuration.minutes(30)), ("4h", .hours(4)), ("2d", .days(2)), (" 8H ", .hours(8)),
    ])
    func durations(_ text: String, _ expected: BusinessDuration) {
        #expect(BusinessDuration(text: text) == expected)
        #expect(BusinessDuration(text: expected.text) == expected)
    }

    @Test("unreadable durations", arguments: ["", "h", "0h", "-1h", "4", "4w", "1.5h", "999999h", "４h", "4h4"])
    func badDurations(_ text: String) {
        #expect(BusinessDuration(text: text) == nil)
    }

    @Test("a calendar spec becomes a validated calendar, or says what to fix")
    func calendarSpec() throws {
        let office = try BusinessCalendarSpec.office(timeZone: "Europe/Paris").calendar()
        #expect(office.ranges(on: .monday).count == 2 && office.ranges(on: .saturday).isEmpty)
        #expect(office.isHoliday(year: 2027, month: 5, day: 1) && !office.isHoliday(year: 2027, month: 5, day: 2))
        let once = try BusinessCalendarSpec(timeZone: "UTC", week: ["sunday": ["00:00-24:00"]],
                                            holidays: ["2026-04-06"]).calendar()
        #expect(once.isHoliday(year: 2026, month: 4, day: 6) && !once.isHoliday(year: 2027, month: 4, day: 6))
        let cases: [(BusinessCalendarSpec, String)] = [
            (.init(timeZone: "Mars/Olympus", week: ["monday": ["08:00-12:00"]]), "time zone"),
            (.init(timeZone: "UTC", week: ["lundi": ["08:00-12:00"]]), "unknown day"),
            (.init(timeZone: "UTC", week: ["monday": ["8h-12h"]]), "08:00-12:00"),
            (.init(timeZone: "UTC", week: ["monday": ["08:00-12:00-14:00"]]), "not a range"),
            (.init(timeZone: "UTC", week: ["monday": ["17:00-08:00"]]), "17:00"),
            (.init(timeZone: "UTC", week: ["monday": ["08:00-12:00", "11:00-13:00"]]), "overlap"),
            (.init(timeZone: "UTC", week: ["monday": []]), ""),
            (.init(timeZone: "UTC", week: ["monday": ["08:00-12:00"]], holidays: ["2026-02-30"]), "2026-02-30"),
            (.init(timeZone: "UTC", week: ["monday": ["08:00-12:00"]], holidays: ["Christmas"]), "Christmas"),
            (.init(timeZone: "UTC", week: ["monday": ["25:00-26:00"]]), "25:00"),
        ]
        for (spec, message) in cases {
            do {
                _ = try spec.calendar()
                Issue.record("\(spec) was accepted")
            } catch {
                #expect(message.isEmpty || error.description.contains(message), "\(error.description)")
            }
        }
    }

    @Test("a calendar spec decodes without holidays and round-trips through JSON")
    func calendarJSON() throws {
        let decoded = try JSONDecoder().decode(BusinessCalendarSpec.self,
                                               from: Data(#"{"time_zone":"UTC","week":{"monday":["08:00-12:00"]}}"#.utf8))
        #expect(decoded.holidays.isEmpty)
        let office = BusinessCalendarSpec.office(timeZone: "Europe/Paris")
        #expect(try JSONDecoder().decode(BusinessCalendarSpec.self, from: try JSONEncoder().encode(office)) == office)
    }

    @Test("references: year and at least five digits; parsing refuses anything else")
    func references() {
        #expect(TicketReference.text(year: 2026, number: 42) == "2026-00042")
        #expect(TicketReference.text(year: 2027, number: 1_234_567) == "2027-1234567")
        #expect(TicketReference.parse("2026-00042")! == (2026, 42))
        #expect(TicketReference.parse(" 2026-42 ")! == (2026, 42))
        for bad in ["", "2026", "2026-", "-42", "26-00042", "2026-00-42", "2026-0", "2026-abc", "２０２６-1",
                    "2026-99999999999999999999", "T-2026-1"] {
            #expect(TicketReference.parse(bad) == nil, "\(bad)")
        }
    }
}
