import Foundation
import ParcCore
import Testing

@Suite("Backup schedules")
struct BackupScheduleTests {
    static let paris = TimeZone(identifier: "Europe/Paris")!

    /// 2026-11-29 (a Sunday) at hh:mm, Paris time.
    static func at(_ day: Int, _ hour: Int, _ minute: Int = 0) -> Date {
        var components = DateComponents(year: 2026, month: 11, day: day, hour: hour, minute: minute)
        components.timeZone = paris
        return Calendar(identifier: .gregorian).date(from: components)!
    }

    /// Full on Sundays at 01:00, differential Wednesdays at 01:00, incremental every day at 01:00.
    static let weekly = BackupSchedule(
        schedules: [
            .full: try! CronExpression("0 1 * * 0"), .differential: try! CronExpression("0 1 * * 3"),
            .incremental: try! CronExpression("0 1 * * *"),
        ],
        drill: try! CronExpression("0 12 1 * *"))

    @Test("a machine that never backed up runs a full at once")
    func firstRunIsFull() {
        #expect(Self.weekly.dueMethod(now: Self.at(25, 15), timeZone: Self.paris, lastRuns: [:]) == .full)
        #expect(BackupSchedule(schedules: [:]).dueMethod(now: Self.at(25, 15), timeZone: Self.paris, lastRuns: [:]) == nil)
    }

    @Test("the biggest due method wins, and it satisfies the smaller ones")
    func biggestWins() {
        var last: [ScheduledBackupMethod: Date] = [:]
        BackupSchedule.record(.full, at: Self.at(22, 1, 5), in: &last)  // Sunday 22nd
        // Monday 23rd 00:30: nothing yet; 01:00: the daily incremental.
        #expect(Self.weekly.dueMethod(now: Self.at(23, 0, 30), timeZone: Self.paris, lastRuns: last) == nil)
        #expect(Self.weekly.dueMethod(now: Self.at(23, 1), timeZone: Self.paris, lastRuns: last) == .incremental)
        BackupSchedule.record(.incremental, at: Self.at(23, 1, 2), in: &last)
        #expect(Self.weekly.dueMethod(now: Self.at(23, 18), timeZone: Self.paris, lastRuns: last) == nil)
        // Wednesday 25th 01:00: incremental and differential both fire; differential runs.
        #expect(Self.weekly.dueMethod(now: Self.at(25, 1, 1), timeZone: Self.paris, lastRuns: last) == .differential)
        BackupSchedule.record(.differential, at: Self.at(25, 1, 3), in: &last)
        #expect(last[.incremental] == Self.at(25, 1, 3))
        #expect(Self.weekly.dueMethod(now: Self.at(25, 9), timeZone: Self.paris, lastRuns: last) == nil)
        // Sunday 29th 01:00: all three fire; the full runs.
        #expect(Self.weekly.dueMethod(now: Self.at(29, 1), timeZone: Self.paris, lastRuns: last) == .full)
    }

    @Test("missed fire times give one catch-up run")
    func catchUp() {
        var last: [ScheduledBackupMethod: Date] = [:]
        BackupSchedule.record(.full, at: Self.at(22, 1), in: &last)
        // Off from Monday to Saturday evening: one incremental... and the Wednesday differential
        // was missed too, so the differential (bigger) runs once.
        #expect(Self.weekly.dueMethod(now: Self.at(28, 20), timeZone: Self.paris, lastRuns: last) == .differential)
        BackupSchedule.record(.differential, at: Self.at(28, 20, 5), in: &last)
        #expect(Self.weekly.dueMethod(now: Self.at(28, 23), timeZone: Self.paris, lastRuns: last) == nil)
    }

    @Test("an incremental with no full yet becomes a full")
    func noFullYet() {
        let incrementalOnly = BackupSchedule(schedules: [.incremental: try! CronExpression("0 * * * *")])
        var last: [ScheduledBackupMethod: Date] = [:]
        BackupSchedule.record(.incremental, at: Self.at(29, 1), in: &last)
        #expect(incrementalOnly.dueMethod(now: Self.at(29, 2), timeZone: Self.paris, lastRuns: last) == .full)
        BackupSchedule.record(.full, at: Self.at(29, 2), in: &last)
        #expect(incrementalOnly.dueMethod(now: Self.at(29, 3), timeZone: Self.paris, lastRuns: last) == .incremental)
    }

    @Test("drills: due after their schedule fires, never before a first backup")
    func drills() {
        #expect(!Self.weekly.drillDue(now: Self.at(29, 12), timeZone: Self.paris, lastDrill: nil, hasBackup: false))
        #expect(Self.weekly.drillDue(now: Self.at(29, 12), timeZone: Self.paris, lastDrill: nil, hasBackup: true))
        #expect(!Self.weekly.drillDue(now: Self.at(30, 11), timeZone: Self.paris, lastDrill: Self.at(29, 13), hasBackup: true))
        // December 1st at 12:00 Paris.
        var december = DateComponents(year: 2026, month: 12, day: 1, hour: 12, minute: 0)
        december.timeZone = Self.paris
        let firstOfDecember = Calendar(identifier: .gregorian).date(from: december)!
        #expect(Self.weekly.drillDue(now: firstOfDecember, timeZone: Self.paris, lastDrill: Self.at(29, 13), hasBackup: true))
        #expect(Self.weekly.nextFire(after: Self.at(29, 13), timeZone: Self.paris) == Self.at(30, 1))
    }
}
