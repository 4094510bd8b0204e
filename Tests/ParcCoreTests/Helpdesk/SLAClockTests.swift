import Foundation
import Testing

@testable import ParcCore

/// Each test is one worked example of docs/helpdesk-sla.md ("Example C1" …), on the office calendar.
@Suite("SLA clock and pauses")
struct SLAClockTests {
    private func clock(
        opened: String,
        timeToOwn: BusinessDuration? = .hours(1),
        timeToResolve: BusinessDuration? = .hours(8),
        takenIntoAccount: String? = nil,
        changes: [(TicketStatus, String)] = []
    ) throws -> SLAClock {
        SLAClock(
            calculator: HelpdeskFixtures.officeCalculator,
            openedAt: try helpdeskInstant(opened),
            timeToOwn: timeToOwn,
            timeToResolve: timeToResolve,
            takenIntoAccountAt: try takenIntoAccount.map(helpdeskInstant),
            statusChanges: try changes.map { TicketStatusChange($0.0, at: try helpdeskInstant($0.1)) }
        )
    }

    private func resolveDue(_ clock: SLAClock, at now: String) throws -> String? {
        clock.timeToResolveDue(at: try helpdeskInstant(now)).map(paris)
    }

    @Test("C1: without a pause, 8 hours from Tuesday 09:00 are due Wednesday 09:00; TTO 1 hour is due 10:00")
    func noPause() throws {
        let ticket = try clock(opened: "2026-03-10T09:00:00+01:00")
        #expect(try resolveDue(ticket, at: "2026-03-10T09:00:00+01:00") == "2026-03-11T09:00:00+01:00")
        #expect(ticket.timeToOwnDue.map(paris) == "2026-03-10T10:00:00+01:00")
    }

    @Test("C2: pending over a night moves the resolve deadline by the 3.5 business hours it waited")
    func pendingOverNight() throws {
        let ticket = try clock(
            opened: "2026-03-10T09:00:00+01:00",
            changes: [(.assigned, "2026-03-10T09:20:00+01:00"), (.pending, "2026-03-10T16:00:00+01:00"),
                      (.assigned, "2026-03-11T10:00:00+01:00")]
        )
        let now = try helpdeskInstant("2026-03-11T10:00:00+01:00")
        #expect(ticket.pausedBusinessTime(until: now) == 3.5 * 3600)
        #expect(try resolveDue(ticket, at: "2026-03-11T10:00:00+01:00") == "2026-03-11T14:00:00+01:00")
    }

    @Test("C3: pending over a weekend moves a 4-hour deadline from Friday 14:30 to Monday 11:00")
    func pendingOverWeekend() throws {
        let ticket = try clock(
            opened: "2026-03-13T09:00:00+01:00", timeToResolve: .hours(4),
            changes: [(.pending, "2026-03-13T11:00:00+01:00"), (.assigned, "2026-03-16T09:00:00+01:00")]
        )
        #expect(try resolveDue(ticket, at: "2026-03-13T09:00:00+01:00") == "2026-03-13T14:30:00+01:00")
        #expect(try resolveDue(ticket, at: "2026-03-16T12:00:00+01:00") == "2026-03-16T11:00:00+01:00")
    }

    @Test("C4: a pending period entirely outside working hours moves nothing")
    func pendingOutsideHours() throws {
        let ticket = try clock(
            opened: "2026-03-10T09:00:00+01:00",
            changes: [(.pending, "2026-03-10T12:05:00+01:00"), (.assigned, "2026-03-10T13:20:00+01:00"),
                      (.pending, "2026-03-10T18:00:00+01:00"), (.assigned, "2026-03-11T07:30:00+01:00")]
        )
        #expect(ticket.pausedBusinessTime(until: try helpdeskInstant("2026-03-11T08:00:00+01:00")) == 0)
        #expect(try resolveDue(ticket, at: "2026-03-11T08:00:00+01:00") == "2026-03-11T09:00:00+01:00")
    }

    @Test("C5: two pending periods add up: 1 hour and 1.5 hours move the deadline to Wednesday 11:30")
    func multiplePauses() throws {
        let ticket = try clock(
            opened: "2026-03-10T09:00:00+01:00",
            changes: [(.pending, "2026-03-10T10:00:00+01:00"), (.assigned, "2026-03-10T11:00:00+01:00"),
                      (.pending, "2026-03-10T14:00:00+01:00"), (.assigned, "2026-03-10T15:30:00+01:00")]
        )
        #expect(try resolveDue(ticket, at: "2026-03-10T16:00:00+01:00") == "2026-03-11T11:30:00+01:00")
    }

    @Test("C6: while still pending, the deadline shown moves with the business time waited so far")
    func openPause() throws {
        let ticket = try clock(
            opened: "2026-03-10T09:00:00+01:00", changes: [(.pending, "2026-03-10T10:00:00+01:00")]
        )
        let state = ticket.state(at: try helpdeskInstant("2026-03-10T15:00:00+01:00"))
        #expect(state.timeToResolveDue.map(paris) == "2026-03-11T14:00:00+01:00")
        #expect(state.timeToResolveIsPaused)
        #expect(!state.timeToResolveBreached)
    }

    @Test("C7: time-to-own is never paused: taken into account at 10:30 after pending from 09:10, it is breached")
    func ownNeverPaused() throws {
        let ticket = try clock(
            opened: "2026-03-10T09:00:00+01:00", takenIntoAccount: "2026-03-10T10:30:00+01:00",
            changes: [(.pending, "2026-03-10T09:10:00+01:00"), (.assigned, "2026-03-10T11:00:00+01:00")]
        )
        let state = ticket.state(at: try helpdeskInstant("2026-03-10T11:00:00+01:00"))
        #expect(state.timeToOwnDue.map(paris) == "2026-03-10T10:00:00+01:00")
        #expect(state.timeToOwnBreached)
        #expect(!state.timeToResolveBreached)
    }

    @Test("C8: time-to-own is breached strictly after its deadline, and met when taken into account in time")
    func ownBreach() throws {
        let waiting = try clock(opened: "2026-03-10T09:00:00+01:00")
        #expect(!waiting.state(at: try helpdeskInstant("2026-03-10T10:00:00+01:00")).timeToOwnBreached)
        #expect(waiting.state(at: try helpdeskInstant("2026-03-10T10:01:00+01:00")).timeToOwnBreached)
        let taken = try clock(opened: "2026-03-10T09:00:00+01:00", takenIntoAccount: "2026-03-10T09:20:00+01:00")
        #expect(!taken.state(at: try helpdeskInstant("2026-03-12T09:00:00+01:00")).timeToOwnBreached)
    }

    @Test("C9: reopening continues the resolve clock; the time spent solved counts as paused")
    func reopen() throws {
        let ticket = try clock(
            opened: "2026-03-10T09:00:00+01:00",
            changes: [(.solved, "2026-03-10T15:00:00+01:00"), (.assigned, "2026-03-11T10:00:00+01:00")]
        )
        let whileSolved = ticket.state(at: try helpdeskInstant("2026-03-11T09:30:00+01:00"))
        #expect(whileSolved.timeToResolveDue.map(paris) == "2026-03-11T09:00:00+01:00")
        #expect(!whileSolved.timeToResolveBreached)
        #expect(whileSolved.timeToResolveIsPaused)
        let reopened = ticket.state(at: try helpdeskInstant("2026-03-11T10:00:00+01:00"))
        #expect(reopened.timeToResolveDue.map(paris) == "2026-03-11T15:00:00+01:00")
        #expect(!reopened.timeToResolveBreached)
        #expect(!reopened.timeToResolveIsPaused)
    }

    @Test("C10: time-to-resolve is breached one minute after its deadline and stays breached once solved late")
    func resolveBreach() throws {
        let open = try clock(opened: "2026-03-10T09:00:00+01:00")
        #expect(!open.state(at: try helpdeskInstant("2026-03-11T09:00:00+01:00")).timeToResolveBreached)
        #expect(open.state(at: try helpdeskInstant("2026-03-11T09:01:00+01:00")).timeToResolveBreached)
        let solvedLate = try clock(
            opened: "2026-03-10T09:00:00+01:00",
            changes: [(.solved, "2026-03-11T10:00:00+01:00"), (.closed, "2026-03-13T10:00:00+01:00")]
        )
        #expect(solvedLate.state(at: try helpdeskInstant("2026-03-20T09:00:00+01:00")).timeToResolveBreached)
        let solvedInTime = try clock(
            opened: "2026-03-10T09:00:00+01:00", changes: [(.solved, "2026-03-11T08:30:00+01:00")]
        )
        #expect(!solvedInTime.state(at: try helpdeskInstant("2026-03-20T09:00:00+01:00")).timeToResolveBreached)
    }

    @Test("C11: a ticket opened on Saturday with a pending period on Sunday is due as if opened Monday 08:00")
    func openedOnWeekendWithWeekendPause() throws {
        let ticket = try clock(
            opened: "2026-03-14T10:00:00+01:00", timeToOwn: .minutes(30), timeToResolve: .days(1),
            changes: [(.pending, "2026-03-15T09:00:00+01:00"), (.assigned, "2026-03-15T18:00:00+01:00")]
        )
        let state = ticket.state(at: try helpdeskInstant("2026-03-16T08:00:00+01:00"))
        #expect(state.timeToOwnDue.map(paris) == "2026-03-16T08:30:00+01:00")
        #expect(state.timeToResolveDue.map(paris) == "2026-03-16T17:30:00+01:00")
    }

    @Test("without SLA targets there are no deadlines and nothing is breached")
    func noTargets() throws {
        let ticket = try clock(opened: "2026-03-10T09:00:00+01:00", timeToOwn: nil, timeToResolve: nil)
        let state = ticket.state(at: .distantFuture)
        #expect(state.timeToOwnDue == nil && state.timeToResolveDue == nil)
        #expect(!state.timeToOwnBreached && !state.timeToResolveBreached)
    }
}
