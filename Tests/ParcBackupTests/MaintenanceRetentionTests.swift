import Foundation
import ParcBackup
import Testing

/// A snapshot entry at an RFC 3339 time, for policy tests (no repository needed).
private func maintRetentionEntry(
    _ time: String, host: String = "pc-1", paths: [String] = ["/home"], tags: [String] = []
) -> SnapshotEntry {
    let date = SnapshotTime.parse(time)!
    let snapshot = Snapshot(
        time: date, hostname: host, username: "root", paths: paths, method: .full,
        tree: ObjectID.hash(Data("tree".utf8)), tags: tags)
    return SnapshotEntry(id: ObjectID.hash(Data("\(time)|\(host)|\(paths)|\(tags)".utf8)), snapshot: snapshot)
}

/// The times of the kept snapshots, newest first, with their reasons.
private func maintKept(_ plan: RetentionPlan) -> [String: [String]] {
    var kept: [String: [String]] = [:]
    for group in plan.groups {
        for decision in group.decisions where decision.keep {
            kept[SnapshotTime.format(decision.entry.snapshot.time)] = decision.reasons.map(\.description)
        }
    }
    return kept
}

private let maintUTC = TimeZone(identifier: "UTC")!
private let maintParis = TimeZone(identifier: "Europe/Paris")!

@Suite("Maintenance: retention policy")
struct MaintenanceRetentionTests {
    @Test("keep-last keeps the N newest, with the reason")
    func keepLast() throws {
        let entries = (1...5).map { maintRetentionEntry("2026-11-2\($0)T10:00:00Z") }
        let plan = try RetentionPolicy(keepLast: 3, timeZone: maintUTC).apply(to: entries)
        #expect(
            maintKept(plan) == [
                "2026-11-25T10:00:00.000Z": ["last 3"], "2026-11-24T10:00:00.000Z": ["last 3"],
                "2026-11-23T10:00:00.000Z": ["last 3"],
            ])
        #expect(plan.removed.map(\.snapshot.time) == entries.prefix(2).map(\.snapshot.time))
        #expect(plan.kept.count == 3)
    }

    @Test("keep-daily keeps the newest of each of the last N days that have a snapshot")
    func keepDaily() throws {
        let entries = [
            "2026-11-28T22:00:00Z", "2026-11-28T08:00:00Z", "2026-11-27T23:59:00Z", "2026-11-27T00:00:00Z",
            "2026-11-25T12:00:00Z", "2026-11-24T12:00:00Z",
        ].map { maintRetentionEntry($0) }
        let plan = try RetentionPolicy(keepDaily: 3, timeZone: maintUTC).apply(to: entries)
        #expect(
            maintKept(plan) == [
                "2026-11-28T22:00:00.000Z": ["daily 2026-11-28"], "2026-11-27T23:59:00.000Z": ["daily 2026-11-27"],
                "2026-11-25T12:00:00.000Z": ["daily 2026-11-25"],
            ])
        // With keep-last 1 as well, the newest carries both reasons.
        let both = try RetentionPolicy(keepLast: 1, keepDaily: 2, timeZone: maintUTC).apply(to: entries)
        #expect(
            maintKept(both) == [
                "2026-11-28T22:00:00.000Z": ["last 1", "daily 2026-11-28"],
                "2026-11-27T23:59:00.000Z": ["daily 2026-11-27"],
            ])
    }

    @Test("keep-hourly buckets by hour")
    func keepHourly() throws {
        let entries = [
            "2026-11-28T14:59:00Z", "2026-11-28T14:00:00Z", "2026-11-28T13:30:00Z", "2026-11-28T11:10:00Z",
            "2026-11-28T11:05:00Z",
        ].map { maintRetentionEntry($0) }
        let plan = try RetentionPolicy(keepHourly: 3, timeZone: maintUTC).apply(to: entries)
        #expect(
            maintKept(plan) == [
                "2026-11-28T14:59:00.000Z": ["hourly 2026-11-28 14:00 +00:00"],
                "2026-11-28T13:30:00.000Z": ["hourly 2026-11-28 13:00 +00:00"],
                "2026-11-28T11:10:00.000Z": ["hourly 2026-11-28 11:00 +00:00"],
            ])
    }

    @Test("weekly uses ISO weeks across the year boundary; monthly and yearly take the newest of their bucket")
    func weeksAcrossTheYear() throws {
        let entries = [
            "2027-01-05T10:00:00Z",  // Tuesday, 2027-W01
            "2027-01-02T10:00:00Z",  // Saturday, still 2026-W53
            "2026-12-29T10:00:00Z",  // Tuesday, 2026-W53
            "2026-12-27T10:00:00Z",  // Sunday, 2026-W52
            "2026-12-21T10:00:00Z",  // Monday, 2026-W52
            "2026-12-14T10:00:00Z",  // 2026-W51
        ].map { maintRetentionEntry($0) }
        let weekly = try RetentionPolicy(keepWeekly: 3, timeZone: maintUTC).apply(to: entries)
        #expect(
            maintKept(weekly) == [
                "2027-01-05T10:00:00.000Z": ["weekly 2027-W01"], "2027-01-02T10:00:00.000Z": ["weekly 2026-W53"],
                "2026-12-27T10:00:00.000Z": ["weekly 2026-W52"],
            ])
        let yearly = try RetentionPolicy(keepYearly: 2, timeZone: maintUTC).apply(to: entries)
        #expect(
            maintKept(yearly) == [
                "2027-01-05T10:00:00.000Z": ["yearly 2027"], "2026-12-29T10:00:00.000Z": ["yearly 2026"],
            ])
        let monthly = try RetentionPolicy(keepMonthly: 2, timeZone: maintUTC).apply(to: entries)
        #expect(
            maintKept(monthly) == [
                "2027-01-05T10:00:00.000Z": ["monthly 2027-01"], "2026-12-29T10:00:00.000Z": ["monthly 2026-12"],
            ])
        let combined = try RetentionPolicy(keepWeekly: 3, keepYearly: 2, timeZone: maintUTC).apply(to: entries)
        #expect(
            maintKept(combined) == [
                "2027-01-05T10:00:00.000Z": ["weekly 2027-W01", "yearly 2027"],
                "2027-01-02T10:00:00.000Z": ["weekly 2026-W53"],
                "2026-12-29T10:00:00.000Z": ["yearly 2026"],
                "2026-12-27T10:00:00.000Z": ["weekly 2026-W52"],
            ])
        #expect(
            combined.removed.map { SnapshotTime.format($0.snapshot.time) } == [
                "2026-12-14T10:00:00.000Z", "2026-12-21T10:00:00.000Z",
            ])
    }

    @Test("keep-monthly skips months without a snapshot")
    func keepMonthly() throws {
        let entries = [
            "2026-11-30T10:00:00Z", "2026-11-01T10:00:00Z", "2026-10-15T10:00:00Z", "2026-08-31T10:00:00Z",
            "2026-08-01T10:00:00Z", "2026-07-01T10:00:00Z",
        ].map { maintRetentionEntry($0) }
        let plan = try RetentionPolicy(keepMonthly: 3, timeZone: maintUTC).apply(to: entries)
        #expect(
            maintKept(plan) == [
                "2026-11-30T10:00:00.000Z": ["monthly 2026-11"], "2026-10-15T10:00:00.000Z": ["monthly 2026-10"],
                "2026-08-31T10:00:00.000Z": ["monthly 2026-08"],
            ])
    }

    @Test("days are local days: the same snapshots keep differently in Paris and in UTC, DST included")
    func daysInTheTimeZone() throws {
        // Paris leaves summer time on 2026-10-25 at 01:00 UTC.
        let entries = [
            "2026-10-25T22:30:00Z",  // 23:30 CET, the 25th
            "2026-10-24T22:30:00Z",  // 00:30 CEST, the 25th in Paris, the 24th in UTC
            "2026-10-24T10:00:00Z",  // 12:00 CEST, the 24th
        ].map { maintRetentionEntry($0) }
        let paris = try RetentionPolicy(keepDaily: 2, timeZone: maintParis).apply(to: entries)
        #expect(
            maintKept(paris) == [
                "2026-10-25T22:30:00.000Z": ["daily 2026-10-25"], "2026-10-24T10:00:00.000Z": ["daily 2026-10-24"],
            ])
        let utc = try RetentionPolicy(keepDaily: 2, timeZone: maintUTC).apply(to: entries)
        #expect(
            maintKept(utc) == [
                "2026-10-25T22:30:00.000Z": ["daily 2026-10-25"], "2026-10-24T22:30:00.000Z": ["daily 2026-10-24"],
            ])
        // The repeated hour (02:00–03:00 happens twice) gives two hourly buckets.
        let repeated = ["2026-10-25T01:30:00Z", "2026-10-25T00:30:00Z", "2026-10-24T23:30:00Z"].map {
            maintRetentionEntry($0)
        }
        let hourly = try RetentionPolicy(keepHourly: 2, timeZone: maintParis).apply(to: repeated)
        #expect(
            maintKept(hourly) == [
                "2026-10-25T01:30:00.000Z": ["hourly 2026-10-25 02:00 +01:00"],
                "2026-10-25T00:30:00.000Z": ["hourly 2026-10-25 02:00 +02:00"],
            ])
        // The 23-hour day of spring: 00:30 CET and 23:30 CEST are the same day.
        let spring = ["2026-03-29T21:30:00Z", "2026-03-28T23:30:00Z", "2026-03-28T12:00:00Z"].map {
            maintRetentionEntry($0)
        }
        let springPlan = try RetentionPolicy(keepDaily: 2, timeZone: maintParis).apply(to: spring)
        #expect(
            maintKept(springPlan) == [
                "2026-03-29T21:30:00.000Z": ["daily 2026-03-29"], "2026-03-28T12:00:00.000Z": ["daily 2026-03-28"],
            ])
    }

    @Test("keep-within counts back from the newest snapshot of the group, boundary included")
    func keepWithin() throws {
        let entries = [
            "2026-11-28T12:00:00Z", "2026-11-27T00:00:00Z", "2026-11-26T12:00:00Z", "2026-11-26T11:59:00Z",
            "2026-11-20T00:00:00Z",
        ].map { maintRetentionEntry($0) }
        let within = try #require(RetentionPolicy.parseDuration("2d"))
        let plan = try RetentionPolicy(keepWithin: within, timeZone: maintUTC).apply(to: entries)
        #expect(
            maintKept(plan) == [
                "2026-11-28T12:00:00.000Z": ["within 2d"], "2026-11-27T00:00:00.000Z": ["within 2d"],
                "2026-11-26T12:00:00.000Z": ["within 2d"],
            ])
        #expect(RetentionPolicy.parseDuration("1w2d12h") == TimeInterval(9 * 86_400 + 12 * 3_600))
        #expect(RetentionPolicy.parseDuration("90m") == TimeInterval(5_400))
        #expect(RetentionPolicy.parseDuration("12") == nil)
        #expect(RetentionPolicy.parseDuration("3y") == nil)
        #expect(RetentionPolicy.formatDuration(36 * 3_600) == "1d12h")
    }

    @Test("tagged snapshots are kept whatever their age")
    func keepTags() throws {
        let entries = [
            maintRetentionEntry("2026-11-28T12:00:00Z"),
            maintRetentionEntry("2026-11-01T12:00:00Z", tags: ["keep", "x"]),
            maintRetentionEntry("2026-10-01T12:00:00Z", tags: ["other"]),
        ]
        let plan = try RetentionPolicy(keepLast: 1, keepTags: ["keep"], timeZone: maintUTC).apply(to: entries)
        #expect(
            maintKept(plan) == [
                "2026-11-28T12:00:00.000Z": ["last 1"], "2026-11-01T12:00:00.000Z": ["tag keep"],
            ])
        // Tags alone are a policy.
        let tagsOnly = try RetentionPolicy(keepTags: ["other"], timeZone: maintUTC).apply(to: entries)
        #expect(tagsOnly.kept.map(\.snapshot.tags) == [["other"]])
    }

    @Test("rules count within each group of host and paths, or of host only")
    func grouping() throws {
        let entries = [
            maintRetentionEntry("2026-11-28T12:00:00Z", host: "pc-1", paths: ["/etc", "/home"]),
            maintRetentionEntry("2026-11-27T12:00:00Z", host: "pc-1", paths: ["/home", "/etc"]),
            maintRetentionEntry("2026-11-26T12:00:00Z", host: "pc-1", paths: ["/srv"]),
            maintRetentionEntry("2026-11-25T12:00:00Z", host: "pc-1", paths: ["/srv"]),
            maintRetentionEntry("2026-11-24T12:00:00Z", host: "pc-2", paths: ["/home"]),
        ]
        let byPaths = try RetentionPolicy(keepLast: 1, timeZone: maintUTC).apply(to: entries)
        #expect(
            byPaths.groups.map(\.key) == [
                RetentionGroupKey(hostname: "pc-1", paths: ["/etc", "/home"]),
                RetentionGroupKey(hostname: "pc-1", paths: ["/srv"]),
                RetentionGroupKey(hostname: "pc-2", paths: ["/home"]),
            ])
        #expect(
            Set(maintKept(byPaths).keys) == [
                "2026-11-28T12:00:00.000Z", "2026-11-26T12:00:00.000Z", "2026-11-24T12:00:00.000Z",
            ])
        let byHost = try RetentionPolicy(keepLast: 1, timeZone: maintUTC, grouping: .host).apply(to: entries)
        #expect(
            byHost.groups.map(\.key) == [
                RetentionGroupKey(hostname: "pc-1", paths: nil), RetentionGroupKey(hostname: "pc-2", paths: nil),
            ])
        #expect(Set(maintKept(byHost).keys) == ["2026-11-28T12:00:00.000Z", "2026-11-24T12:00:00.000Z"])
        #expect(byHost.decision(for: entries[1].id)?.keep == false)
    }

    @Test("an empty policy is refused, as are negative counts")
    func emptyPolicyRefused() throws {
        let entries = [maintRetentionEntry("2026-11-28T12:00:00Z")]
        #expect(throws: RetentionError.emptyPolicy) { try RetentionPolicy().apply(to: entries) }
        #expect(throws: RetentionError.emptyPolicy) { try RetentionPolicy(keepWithin: 0).apply(to: entries) }
        #expect(throws: RetentionError.negativeCount(rule: .daily, count: -1)) {
            try RetentionPolicy(keepDaily: -1).apply(to: entries)
        }
        #expect(RetentionError.emptyPolicy.description.contains("would remove every snapshot"))
        // The stored form: snake case, absent rules off.
        let stored = RetentionPolicy(keepDaily: 7, keepWithin: 3_600, keepTags: ["b", "a"], timeZone: maintParis)
        let json = String(decoding: try JSONEncoder().encode(stored), as: UTF8.self)
        #expect(json.contains(#""keep_daily":7"#) && json.contains(#""time_zone":"Europe\/Paris""#))
        #expect(!json.contains("keep_last"))
        #expect(try JSONDecoder().decode(RetentionPolicy.self, from: Data(json.utf8)) == stored)
        let partial = try JSONDecoder().decode(RetentionPolicy.self, from: Data(#"{"keep_last":2}"#.utf8))
        #expect(partial.keepLast == 2 && partial.keepDaily == 0 && partial.grouping == .hostAndPaths)
        // Int.max keeps every bucket.
        let all = (1...4).map { maintRetentionEntry("2026-11-2\($0)T10:00:00Z") }
        #expect(try RetentionPolicy(keepDaily: .max, timeZone: maintUTC).apply(to: all).removed.isEmpty)
    }
}
