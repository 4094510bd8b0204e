import Foundation

/// Which snapshots to keep when forgetting old ones: the well-known keep-last / hourly / daily /
/// weekly / monthly / yearly / within / tag rules, evaluated per group of snapshots.
///
/// For each bucket rule (hourly, daily…), the snapshots of a group are walked newest first and the
/// newest snapshot of each of the last N distinct buckets that hold a snapshot is kept. A snapshot
/// is kept when at least one rule keeps it, and every rule that does is given as a reason.
/// Buckets are computed in ``timeZone``; weeks are ISO 8601 weeks (Monday first, week 1 holding
/// the year's first Thursday). A count of `Int.max` keeps every bucket.
///
/// Pure: it never touches a repository, so it can be tested and previewed freely. Codable (snake
/// case keys, absent rules off) so that a backup plan can store it.
public struct RetentionPolicy: Sendable, Hashable, Codable {
    /// Keep the N newest snapshots.
    public var keepLast: Int
    /// Keep the newest snapshot of each of the last N hours (calendar days, ISO weeks, months,
    /// years) that have one.
    public var keepHourly: Int
    public var keepDaily: Int
    public var keepWeekly: Int
    public var keepMonthly: Int
    public var keepYearly: Int
    /// Keep every snapshot taken at most this long before the newest snapshot of its group
    /// (relative to the newest snapshot, not to now, so a machine that stopped backing up does
    /// not lose its history).
    public var keepWithin: TimeInterval?
    /// Keep every snapshot that carries at least one of these tags.
    public var keepTags: Set<String>
    /// The time zone of hours, days, weeks, months and years.
    public var timeZone: TimeZone
    /// How snapshots are grouped before the rules apply.
    public var grouping: RetentionGrouping

    /// A policy; every rule is off unless given.
    public init(
        keepLast: Int = 0, keepHourly: Int = 0, keepDaily: Int = 0, keepWeekly: Int = 0, keepMonthly: Int = 0,
        keepYearly: Int = 0, keepWithin: TimeInterval? = nil, keepTags: Set<String> = [],
        timeZone: TimeZone = .current, grouping: RetentionGrouping = .hostAndPaths
    ) {
        self.keepLast = keepLast
        self.keepHourly = keepHourly
        self.keepDaily = keepDaily
        self.keepWeekly = keepWeekly
        self.keepMonthly = keepMonthly
        self.keepYearly = keepYearly
        self.keepWithin = keepWithin
        self.keepTags = keepTags
        self.timeZone = timeZone
        self.grouping = grouping
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func count(_ key: CodingKeys) throws -> Int { try container.decodeIfPresent(Int.self, forKey: key) ?? 0 }
        self.init(
            keepLast: try count(.keepLast), keepHourly: try count(.keepHourly), keepDaily: try count(.keepDaily),
            keepWeekly: try count(.keepWeekly), keepMonthly: try count(.keepMonthly),
            keepYearly: try count(.keepYearly),
            keepWithin: try container.decodeIfPresent(TimeInterval.self, forKey: .keepWithin),
            keepTags: try container.decodeIfPresent(Set<String>.self, forKey: .keepTags) ?? [],
            timeZone: try container.decodeIfPresent(String.self, forKey: .timeZone).flatMap(TimeZone.init(identifier:))
                ?? .current,
            grouping: try container.decodeIfPresent(RetentionGrouping.self, forKey: .grouping) ?? .hostAndPaths)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        for (key, value) in [
            (CodingKeys.keepLast, keepLast), (.keepHourly, keepHourly), (.keepDaily, keepDaily),
            (.keepWeekly, keepWeekly), (.keepMonthly, keepMonthly), (.keepYearly, keepYearly),
        ] where value != 0 {
            try container.encode(value, forKey: key)
        }
        try container.encodeIfPresent(keepWithin, forKey: .keepWithin)
        if !keepTags.isEmpty { try container.encode(keepTags.sorted(), forKey: .keepTags) }
        try container.encode(timeZone.identifier, forKey: .timeZone)
        try container.encode(grouping, forKey: .grouping)
    }

    private enum CodingKeys: String, CodingKey {
        case keepLast = "keep_last"
        case keepHourly = "keep_hourly"
        case keepDaily = "keep_daily"
        case keepWeekly = "keep_weekly"
        case keepMonthly = "keep_monthly"
        case keepYearly = "keep_yearly"
        case keepWithin = "keep_within"
        case keepTags = "keep_tags"
        case timeZone = "time_zone"
        case grouping
    }

    /// Whether no rule keeps anything (such a policy would remove every snapshot and is refused).
    public var isEmpty: Bool {
        keepLast == 0 && keepHourly == 0 && keepDaily == 0 && keepWeekly == 0 && keepMonthly == 0
            && keepYearly == 0 && (keepWithin ?? 0) == 0 && keepTags.isEmpty
    }

    /// Refuses an empty policy and negative values.
    public func validate() throws(RetentionError) {
        let counts = [
            (RetentionRule.last, keepLast), (.hourly, keepHourly), (.daily, keepDaily), (.weekly, keepWeekly),
            (.monthly, keepMonthly), (.yearly, keepYearly),
        ]
        for (rule, count) in counts where count < 0 { throw .negativeCount(rule: rule, count: count) }
        if let within = keepWithin, within < 0 || !within.isFinite { throw .invalidDuration(within) }
        if isEmpty { throw .emptyPolicy }
    }

    /// Decides, for every snapshot, whether it is kept and why.
    ///
    /// - Throws: ``RetentionError/emptyPolicy`` for a policy without any rule (it would remove
    ///   everything), or a negative value.
    public func apply(to snapshots: [SnapshotEntry]) throws(RetentionError) -> RetentionPlan {
        try validate()
        var grouped: [RetentionGroupKey: [SnapshotEntry]] = [:]
        for entry in snapshots {
            let key = RetentionGroupKey(
                hostname: entry.snapshot.hostname,
                paths: grouping == .hostAndPaths ? entry.snapshot.paths.sorted() : nil)
            grouped[key, default: []].append(entry)
        }
        let groups = grouped.keys.sorted().map { key in
            RetentionGroup(key: key, decisions: decide(grouped[key] ?? []))
        }
        return RetentionPlan(groups: groups)
    }

    /// The decisions for one group, newest first.
    private func decide(_ entries: [SnapshotEntry]) -> [RetentionDecision] {
        let newestFirst = entries.sorted { ($0.snapshot.time, $0.id) > ($1.snapshot.time, $1.id) }
        guard let newest = newestFirst.first?.snapshot.time else { return [] }
        var buckets: [(rule: RetentionRule, remaining: Int, last: String?)] = [
            (.last, keepLast, nil), (.hourly, keepHourly, nil), (.daily, keepDaily, nil),
            (.weekly, keepWeekly, nil), (.monthly, keepMonthly, nil), (.yearly, keepYearly, nil),
        ]
        let calendars = RetentionCalendars(timeZone: timeZone)
        var decisions: [RetentionDecision] = []
        for (position, entry) in newestFirst.enumerated() {
            var reasons: [RetentionReason] = []
            for index in buckets.indices where buckets[index].remaining > 0 {
                let rule = buckets[index].rule
                let bucket: String
                let label: String
                if rule == .last {
                    bucket = String(position)
                    label = String(keepLast)
                } else {
                    bucket = calendars.bucket(rule, of: entry.snapshot.time)
                    label = bucket
                }
                guard bucket != buckets[index].last else { continue }
                buckets[index].last = bucket
                if buckets[index].remaining != Int.max { buckets[index].remaining -= 1 }
                reasons.append(RetentionReason(rule: rule, detail: label))
            }
            if let within = keepWithin, within > 0, entry.snapshot.time >= newest.addingTimeInterval(-within) {
                reasons.append(RetentionReason(rule: .within, detail: RetentionPolicy.formatDuration(within)))
            }
            for tag in entry.snapshot.tags.sorted() where keepTags.contains(tag) {
                reasons.append(RetentionReason(rule: .tag, detail: tag))
            }
            decisions.append(RetentionDecision(entry: entry, reasons: reasons))
        }
        return decisions
    }

    /// Parses a duration such as `30d`, `12h`, `2w3d`, `90m`, `45s` (weeks, days, hours, minutes,
    /// seconds; months and years are not fixed durations and are refused). Nil when not valid.
    public static func parseDuration(_ text: String) -> TimeInterval? {
        var total: TimeInterval = 0
        var number = ""
        var sawUnit = false
        for character in text.trimmingCharacters(in: .whitespaces) {
            if character.isASCII, character.isNumber {
                number.append(character)
                continue
            }
            guard let value = Double(number) else { return nil }
            let unit: TimeInterval
            switch character {
            case "w": unit = 7 * 86_400
            case "d": unit = 86_400
            case "h": unit = 3_600
            case "m": unit = 60
            case "s": unit = 1
            default: return nil
            }
            total += value * unit
            number = ""
            sawUnit = true
        }
        guard number.isEmpty, sawUnit else { return nil }
        return total
    }

    /// `1d12h`, `30d`, `90s`…: the duration in days, hours, minutes and seconds.
    public static func formatDuration(_ interval: TimeInterval) -> String {
        var rest = Int(interval.rounded())
        var text = ""
        for (unit, seconds) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] where rest >= seconds {
            text += "\(rest / seconds)\(unit)"
            rest %= seconds
        }
        return text.isEmpty ? "0s" : text
    }
}

/// How snapshots are grouped before a retention policy applies: the rules count within each group.
public enum RetentionGrouping: String, Sendable, Hashable, CaseIterable, Codable {
    /// One group per hostname and set of backed-up paths (the default: two plans of one machine
    /// keep their own history).
    case hostAndPaths = "host,paths"
    /// One group per hostname.
    case host
}

/// The rules of a retention policy, as named in reasons.
public enum RetentionRule: String, Sendable, Hashable, CaseIterable, Codable {
    case last, hourly, daily, weekly, monthly, yearly, within, tag
}

/// Why a snapshot is kept: a rule and its bucket (`daily 2026-11-28`, `weekly 2026-W48`,
/// `last 3`, `within 30d`, `tag monthly`).
public struct RetentionReason: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The rule that keeps the snapshot.
    public let rule: RetentionRule
    /// The bucket (hourly `2026-11-28 14:00 +01:00`, daily `2026-11-28`, weekly `2026-W48`,
    /// monthly `2026-11`, yearly `2026`), the count for `last`, the duration for `within`, the
    /// tag for `tag`.
    public let detail: String

    /// A reason.
    public init(rule: RetentionRule, detail: String) {
        self.rule = rule
        self.detail = detail
    }

    public var description: String { "\(rule.rawValue) \(detail)" }
}

/// The identity of a group of snapshots: the hostname and, when grouping by paths, the sorted paths.
public struct RetentionGroupKey: Sendable, Hashable, Comparable, Codable {
    /// The snapshots' hostname.
    public let hostname: String
    /// Nil when grouping by host only.
    public let paths: [String]?

    /// A group key.
    public init(hostname: String, paths: [String]?) {
        self.hostname = hostname
        self.paths = paths
    }

    public static func < (lhs: RetentionGroupKey, rhs: RetentionGroupKey) -> Bool {
        if lhs.hostname != rhs.hostname { return lhs.hostname < rhs.hostname }
        return (lhs.paths ?? []).lexicographicallyPrecedes(rhs.paths ?? [])
    }
}

/// What a retention policy decided for one snapshot.
public struct RetentionDecision: Sendable, Hashable {
    /// The snapshot.
    public let entry: SnapshotEntry
    /// Every rule that keeps it; empty when it is removed.
    public let reasons: [RetentionReason]

    /// Whether the snapshot is kept.
    public var keep: Bool { !reasons.isEmpty }
}

/// The decisions for one group, newest snapshot first.
public struct RetentionGroup: Sendable, Hashable {
    /// The group's host (and paths).
    public let key: RetentionGroupKey
    /// One decision per snapshot of the group, newest first.
    public let decisions: [RetentionDecision]
}

/// The outcome of a retention policy over a set of snapshots.
public struct RetentionPlan: Sendable, Hashable {
    /// Every group, sorted by hostname then paths.
    public let groups: [RetentionGroup]

    /// The snapshots kept, oldest first.
    public var kept: [SnapshotEntry] { entries(keep: true) }
    /// The snapshots to remove, oldest first.
    public var removed: [SnapshotEntry] { entries(keep: false) }

    /// The decision about one snapshot.
    public func decision(for id: ObjectID) -> RetentionDecision? {
        for group in groups {
            if let found = group.decisions.first(where: { $0.entry.id == id }) { return found }
        }
        return nil
    }

    private func entries(keep: Bool) -> [SnapshotEntry] {
        groups.flatMap { $0.decisions.filter { $0.keep == keep }.map(\.entry) }
            .sorted { ($0.snapshot.time, $0.id) < ($1.snapshot.time, $1.id) }
    }
}

/// A retention policy that cannot be applied.
public enum RetentionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No rule at all: applying it would remove every snapshot.
    case emptyPolicy
    /// A negative count.
    case negativeCount(rule: RetentionRule, count: Int)
    /// A negative or infinite keep-within duration.
    case invalidDuration(TimeInterval)

    public var description: String {
        switch self {
        case .emptyPolicy:
            "the retention policy has no keep rule, so it would remove every snapshot; give at least one "
                + "(keep-last, keep-daily, keep-within…), or name the snapshots to forget"
        case .negativeCount(let rule, let count):
            "keep-\(rule.rawValue) is \(count); give 0 (off) or a positive count"
        case .invalidDuration(let value): "keep-within of \(value) seconds is not a duration; give e.g. 30d or 12h"
        }
    }
}

/// The calendars that cut time into buckets in one time zone.
struct RetentionCalendars {
    private let gregorian: Calendar
    private let iso: Calendar
    private let timeZone: TimeZone

    init(timeZone: TimeZone) {
        var gregorian = Calendar(identifier: .gregorian)
        gregorian.timeZone = timeZone
        var iso = Calendar(identifier: .gregorian)
        iso.timeZone = timeZone
        iso.firstWeekday = 2  // Monday
        iso.minimumDaysInFirstWeek = 4  // week 1 holds the first Thursday
        self.gregorian = gregorian
        self.iso = iso
        self.timeZone = timeZone
    }

    /// The bucket of `date` for a calendar rule, as shown in reasons.
    func bucket(_ rule: RetentionRule, of date: Date) -> String {
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let parts = gregorian.dateComponents([.year, .month, .day, .hour], from: date)
        let (year, month, day, hour) = (parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0)
        switch rule {
        case .hourly:
            // The UTC offset tells apart the two hours that share a wall-clock time when clocks go back.
            let offset = timeZone.secondsFromGMT(for: date)
            let sign = offset < 0 ? "-" : "+"
            let minutes = abs(offset) / 60
            return "\(year)-\(two(month))-\(two(day)) \(two(hour)):00 \(sign)\(two(minutes / 60)):\(two(minutes % 60))"
        case .daily: return "\(year)-\(two(month))-\(two(day))"
        case .weekly:
            let week = iso.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
            return "\(week.yearForWeekOfYear ?? 0)-W\(two(week.weekOfYear ?? 0))"
        case .monthly: return "\(year)-\(two(month))"
        case .yearly: return "\(year)"
        case .last, .within, .tag: preconditionFailure("\(rule) has no calendar bucket")
        }
    }
}
