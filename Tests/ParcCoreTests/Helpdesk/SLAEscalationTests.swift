import Foundation
import Testing

@testable import ParcCore

/// Escalation levels on the office calendar (docs/helpdesk-sla.md §6, examples E1–E7): Tuesday 2026-03-10 09:00,
/// time to own 1 hour (due 10:00), time to resolve 8 hours (due Wednesday 09:00).
@Suite("SLA escalation levels")
struct SLAEscalationTests {
    static let group = "9F8E7D6C-5B4A-4938-8271-605F4E3D2C1B"

    private func clock(takenIntoAccount: String? = nil, changes: [(TicketStatus, String)] = [],
                       timeToResolve: BusinessDuration? = .hours(8)) throws -> SLAClock {
        SLAClock(calculator: HelpdeskFixtures.officeCalculator, openedAt: try helpdeskInstant("2026-03-10T09:00:00+01:00"),
                 timeToOwn: .hours(1), timeToResolve: timeToResolve,
                 takenIntoAccountAt: try takenIntoAccount.map(helpdeskInstant),
                 statusChanges: try changes.map { TicketStatusChange($0.0, at: try helpdeskInstant($0.1)) })
    }

    private func level(_ id: String, _ target: SLAEscalationLevel.Target, _ side: SLAEscalationLevel.Side,
                       _ offset: String, _ actions: [SLAEscalationAction] = [.init(.notifyAssignees)]) -> SLAEscalationLevel {
        SLAEscalationLevel(id: id, name: id, target: target, side: side, offset: SLAEscalationOffset(text: offset)!,
                           actions: actions)
    }

    private func moment(_ level: SLAEscalationLevel, _ clock: SLAClock, at now: String) throws -> String? {
        SLAEscalationPlanner.moment(of: level, clock: clock, at: try helpdeskInstant(now)).map { paris($0.at) }
    }

    private func due(_ levels: [SLAEscalationLevel], _ clock: SLAClock, at now: String,
                     fired: Set<SLAEscalationFiring> = []) throws -> [String] {
        SLAEscalationPlanner.due(levels, clock: clock, at: try helpdeskInstant(now), fired: fired).map(\.level.id)
    }

    @Test("E1: \"1 hour before\" counts business time backwards over the night: Tuesday 17:30, not Wednesday 08:00")
    func beforeOverNight() throws {
        let ticket = try clock(takenIntoAccount: "2026-03-10T09:05:00+01:00")
        #expect(try moment(level("warn", .timeToResolve, .before, "1h"), ticket, at: "2026-03-10T09:10:00+01:00")
                == "2026-03-10T17:30:00+01:00")
        #expect(try moment(level("late", .timeToResolve, .after, "2h"), ticket, at: "2026-03-10T09:10:00+01:00")
                == "2026-03-11T11:00:00+01:00")
        #expect(try moment(level("at", .timeToResolve, .after, "0"), ticket, at: "2026-03-10T09:10:00+01:00")
                == "2026-03-11T09:00:00+01:00")
        // A "before" longer than the target falls at the clock's start.
        #expect(try moment(level("early", .timeToResolve, .before, "3d"), ticket, at: "2026-03-10T09:10:00+01:00")
                == "2026-03-10T09:00:00+01:00")
    }

    @Test("E2: time-to-own levels fall on the unpaused clock and stop once the ticket is taken into account")
    func timeToOwn() throws {
        let waiting = try clock()
        let own = level("own", .timeToOwn, .after, "30m")
        #expect(try moment(own, waiting, at: "2026-03-10T09:00:00+01:00") == "2026-03-10T10:30:00+01:00")
        #expect(try due([own], waiting, at: "2026-03-10T10:29:59+01:00").isEmpty)
        #expect(try due([own], waiting, at: "2026-03-10T10:30:00+01:00") == ["own"])
        let taken = try clock(takenIntoAccount: "2026-03-10T10:15:00+01:00")
        #expect(try due([own], taken, at: "2026-03-10T10:30:00+01:00").isEmpty)
        // Taken into account after `now` is not yet, as far as `now` knows.
        #expect(try due([own], taken, at: "2026-03-10T10:10:00+01:00").isEmpty)
        #expect(try moment(own, taken, at: "2026-03-10T10:10:00+01:00") == "2026-03-10T10:30:00+01:00")
    }

    @Test("E3: a pause after the deadline moves an \"after\" level by the business time it lasted")
    func pauseAfterDeadline() throws {
        let late = level("late", .timeToResolve, .after, "2h")
        // Pending Wednesday 09:30–10:30: one business hour; 2 hours after the deadline is 12:00, not 11:00.
        let ticket = try clock(takenIntoAccount: "2026-03-10T09:05:00+01:00",
                               changes: [(.assigned, "2026-03-10T09:05:00+01:00"), (.pending, "2026-03-11T09:30:00+01:00"),
                                         (.assigned, "2026-03-11T10:30:00+01:00")])
        #expect(try moment(late, ticket, at: "2026-03-11T10:45:00+01:00") == "2026-03-11T12:00:00+01:00")
        #expect(try due([late], ticket, at: "2026-03-11T11:30:00+01:00").isEmpty)
        #expect(try due([late], ticket, at: "2026-03-11T12:00:00+01:00") == ["late"])
        // While pending, time-to-resolve levels do not fall.
        #expect(try moment(late, ticket, at: "2026-03-11T10:00:00+01:00") == nil)
        #expect(try due([late], ticket, at: "2026-03-11T10:00:00+01:00").isEmpty)
        // A pause over a night and a weekend holds only the working time it covered.
        let weekend = try clock(takenIntoAccount: "2026-03-10T09:05:00+01:00",
                                changes: [(.pending, "2026-03-13T17:00:00+01:00"), (.assigned, "2026-03-16T08:30:00+01:00")])
        // The deadline had passed (Wednesday 09:00); the pause held Friday 17:00–17:30 and Monday 08:00–08:30.
        #expect(try moment(late, weekend, at: "2026-03-16T09:00:00+01:00") == "2026-03-11T12:00:00+01:00")
    }

    @Test("E4: each level fires once; two runs at the same minute agree; a fired level stays fired")
    func once() throws {
        let ticket = try clock(takenIntoAccount: "2026-03-10T09:05:00+01:00")
        let levels = [level("warn", .timeToResolve, .before, "1h"), level("at", .timeToResolve, .after, "0m"),
                      level("late", .timeToResolve, .after, "2h")]
        let now = "2026-03-11T09:00:00+01:00"
        let first = SLAEscalationPlanner.due(levels, clock: ticket, at: try helpdeskInstant(now), fired: [])
        #expect(first.map(\.level.id) == ["warn", "at"], "the job missed the evening: both fall now, in order")
        let fired = Set(first.map { $0.firing(at: try! helpdeskInstant(now)) })
        #expect(try due(levels, ticket, at: now, fired: fired).isEmpty)
        #expect(try due(levels, ticket, at: "2026-03-11T10:59:00+01:00", fired: fired).isEmpty)
        #expect(try due(levels, ticket, at: "2026-03-11T11:00:00+01:00", fired: fired) == ["late"])
        // The record is the moment, not the minute it was noticed: two runs compute the same firing.
        let again = SLAEscalationPlanner.due(levels, clock: ticket, at: try helpdeskInstant("2026-03-11T09:00:30+01:00"),
                                             fired: [])
        #expect(again.map { $0.firing(at: try! helpdeskInstant(now)).momentSeconds }
                == first.map { $0.firing(at: try! helpdeskInstant(now)).momentSeconds })
    }

    @Test("E5: reopening moves the deadline later and arms the levels again")
    func reopen() throws {
        let warn = level("warn", .timeToResolve, .before, "1h")
        let solved = try clock(takenIntoAccount: "2026-03-10T09:05:00+01:00",
                               changes: [(.solved, "2026-03-10T17:45:00+01:00")])
        let fired: Set<SLAEscalationFiring> = [SLAEscalationFiring(levelID: "warn",
            moment: try helpdeskInstant("2026-03-10T17:30:00+01:00"), firedAt: try helpdeskInstant("2026-03-10T17:31:00+01:00"))]
        #expect(try due([warn], solved, at: "2026-03-11T10:00:00+01:00", fired: fired).isEmpty, "solved: no level")
        // Reopened Wednesday 10:00: it stood solved for 2 business hours (08:00–10:00), so the deadline is 11:00 and
        // "1 hour before" falls again at 10:00.
        let reopened = try clock(takenIntoAccount: "2026-03-10T09:05:00+01:00",
                                 changes: [(.solved, "2026-03-10T17:45:00+01:00"), (.assigned, "2026-03-11T10:00:00+01:00")])
        #expect(try moment(warn, reopened, at: "2026-03-11T10:00:00+01:00") == "2026-03-11T10:00:00+01:00")
        #expect(try due([warn], reopened, at: "2026-03-11T10:00:00+01:00", fired: fired) == ["warn"])
    }

    @Test("E6: new targets: an earlier moment still ahead is armed again; one before the firing is not")
    func newTargets() throws {
        let warn = level("warn", .timeToResolve, .before, "1h")
        let fired: Set<SLAEscalationFiring> = [SLAEscalationFiring(levelID: "warn",
            moment: try helpdeskInstant("2026-03-10T17:30:00+01:00"), firedAt: try helpdeskInstant("2026-03-10T17:30:00+01:00"))]
        // Now 4 hours to resolve: due 14:30, "1 hour before" 11:00 — before it fired at 17:30: stays fired.
        let shorter = try clock(takenIntoAccount: "2026-03-10T09:05:00+01:00", timeToResolve: .hours(4))
        #expect(try due([warn], shorter, at: "2026-03-10T18:00:00+01:00", fired: fired).isEmpty)
        // Now 2 days: due Thursday 09:00, "1 hour before" Wednesday 17:30: armed, falls then.
        let longer = try clock(takenIntoAccount: "2026-03-10T09:05:00+01:00", timeToResolve: .days(2))
        #expect(try due([warn], longer, at: "2026-03-11T17:29:00+01:00", fired: fired).isEmpty)
        #expect(try due([warn], longer, at: "2026-03-11T17:30:00+01:00", fired: fired) == ["warn"])
    }

    @Test("E7: priorities go up by one to 5 at most, or up to a value, never down; 6 only when named")
    func priorities() {
        let byOne = SLAEscalationAction(.raisePriority)
        #expect(byOne.raise(3) == 4 && byOne.raise(5) == 5 && byOne.raise(6) == 6)
        let toFour = SLAEscalationAction(.raisePriorityTo, "4")
        #expect(toFour.raise(2) == 4 && toFour.raise(5) == 5)
        #expect(SLAEscalationAction(.raisePriorityTo, "6").raise(5) == 6)
        #expect(SLAEscalationAction(.notifyAssignees).raise(3) == 3)
    }

    @Test("levels are checked when saved: bounds, ids, names, actions")
    func validation() throws {
        func refusal(_ levels: [SLAEscalationLevel]) -> SLAEscalationError? {
            do { _ = try SLAEscalationLevel.validated(levels); return nil } catch { return error }
        }
        let good = level("n1", .timeToResolve, .before, "1h")
        #expect(refusal([good]) == nil)
        #expect(refusal(Array(repeating: good, count: 21)) == .tooManyLevels)
        #expect(refusal([good, good]) == .duplicateID(level: 2))
        #expect(refusal([level("bad id!", .timeToOwn, .after, "1h")]) == .id(level: 1))
        #expect(refusal([level("", .timeToOwn, .after, "1h")]) == .id(level: 1))
        #expect(refusal([level("x", .timeToOwn, .after, "31d")]) == .offset(level: 1))
        #expect(refusal([level("x", .timeToOwn, .after, "721h")]) == .offset(level: 1))
        #expect(refusal([level("x", .timeToOwn, .after, "30d")]) == nil)
        #expect(refusal([level("x", .timeToOwn, .after, "1h", [])]) == .actions(level: 1))
        #expect(refusal([level("x", .timeToOwn, .after, "1h", [.init(.raisePriorityTo, "7")])])
                == .action(level: 1, action: 1, "a priority is 1 to 6"))
        #expect(refusal([level("x", .timeToOwn, .after, "1h", [.init(.assignGroup, "N2")])])
                == .action(level: 1, action: 1, "give an id"))
        #expect(refusal([level("x", .timeToOwn, .after, "1h", [.init(.notifyAssignees, "x")])])
                == .action(level: 1, action: 1, "takes no value"))
        var named = good
        named.name = "two\nlines"
        #expect(refusal([named]) == .name(level: 1))
        #expect(refusal([level("x", .timeToOwn, .after, "1h", [.init(.assignGroup, Self.group), .init(.raisePriority)])]) == nil)
        for text in ["-1h", "1w", "", "h", "99999999999999999999m", "1.5h"] {
            #expect(SLAEscalationOffset(text: text) == nil, "\(text)")
        }
        #expect(SLAEscalationOffset(text: "0")?.minutes == 0 && SLAEscalationOffset(text: "2d")?.minutes == 2880)
        // Stored JSON reads back; a bad offset does not decode.
        let data = try JSONEncoder().encode([good])
        #expect(try JSONDecoder().decode([SLAEscalationLevel].self, from: data) == [good])
        let bad = #"[{"id":"x","name":"x","target":"time_to_own","side":"after","offset":"soon","actions":[]}]"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([SLAEscalationLevel].self, from: Data(bad.utf8)) }
    }
}
