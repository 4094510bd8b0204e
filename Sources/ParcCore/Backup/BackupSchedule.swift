import Foundation

/// The backup methods a plan schedules, from the one that reads least to the one that reads most.
public enum ScheduledBackupMethod: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case incremental, differential, full

    /// Full outranks differential, which outranks incremental: when several are due at once, the
    /// agent runs the biggest, which also satisfies the others.
    public var rank: Int {
        switch self {
        case .incremental: 0
        case .differential: 1
        case .full: 2
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}

/// When a plan's backups and restore tests are due, as a pure rule: the agent passes the clock,
/// its time zone and what it last ran.
///
/// Semantics (docs/backup.md, "Schedules"):
/// - each method has an optional cron schedule; a method is due when one of its fire times fell
///   after the last run that satisfies it and at or before `now`;
/// - a run satisfies its own method and every smaller one: a full run counts as the
///   differential and the incremental of that moment, a differential as the incremental;
/// - fire times missed while the machine was off give **one** catch-up run, not one per miss;
/// - a machine that never backed up runs a full backup at once when the plan has any schedule
///   (there is nothing to compare with);
/// - when several methods are due, the biggest runs.
public struct BackupSchedule: Sendable, Hashable {
    public var schedules: [ScheduledBackupMethod: CronExpression]
    public var drill: CronExpression?

    public init(schedules: [ScheduledBackupMethod: CronExpression], drill: CronExpression? = nil) {
        self.schedules = schedules
        self.drill = drill
    }

    /// The method to run now, or nil. `lastRuns` holds, per method, when a run of that method (or a
    /// bigger one) last finished successfully or partly.
    public func dueMethod(
        now: Date, timeZone: TimeZone, lastRuns: [ScheduledBackupMethod: Date]
    ) -> ScheduledBackupMethod? {
        guard !schedules.isEmpty else { return nil }
        if lastRuns.isEmpty { return .full }
        var due: ScheduledBackupMethod?
        for (method, cron) in schedules {
            // Satisfied by a run of this method or any bigger one.
            let satisfiedAt = lastRuns.filter { $0.key >= method }.map(\.value).max()
            let isDue: Bool
            if let satisfiedAt {
                isDue = cron.nextDate(after: satisfiedAt, in: timeZone).map { $0 <= now } ?? false
            } else {
                isDue = true
            }
            if isDue, due.map({ method > $0 }) ?? true { due = method }
        }
        // A differential or incremental with no full to build on becomes a full.
        if let chosen = due, chosen != .full, lastRuns[.full] == nil { return .full }
        return due
    }

    /// Records a run: it satisfies its method and every smaller one.
    public static func record(
        _ method: ScheduledBackupMethod, at time: Date, in lastRuns: inout [ScheduledBackupMethod: Date]
    ) {
        for other in ScheduledBackupMethod.allCases where other <= method {
            lastRuns[other] = max(lastRuns[other] ?? .distantPast, time)
        }
    }

    /// Whether a restore test is due: its schedule fired since the last drill (or there was none yet
    /// and a backup exists).
    public func drillDue(now: Date, timeZone: TimeZone, lastDrill: Date?, hasBackup: Bool) -> Bool {
        guard let drill, hasBackup else { return false }
        guard let lastDrill else { return true }
        return drill.nextDate(after: lastDrill, in: timeZone).map { $0 <= now } ?? false
    }

    /// The next moment something of this plan fires after `date` (for the daemon's sleep).
    public func nextFire(after date: Date, timeZone: TimeZone) -> Date? {
        (Array(schedules.values) + [drill].compactMap { $0 }).compactMap { $0.nextDate(after: date, in: timeZone) }.min()
    }
}
