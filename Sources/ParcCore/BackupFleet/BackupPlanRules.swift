import Foundation

/// What a backup plan says, as typed by a technician or sent to the API, and the rules it must
/// follow. Messages are English (the API shows them as they are; pages translate them through the
/// `validation.*` catalogue keys, see decision 0008).
public struct BackupPlanSettings: Sendable, Equatable {
    public var name: String
    public var paths: [String]
    public var excludes: [String]
    public var oneFileSystem: Bool
    /// Cron text per method; nil or empty = not scheduled.
    public var schedules: [BackupRunMethod: String]
    public var retention: BackupRetention
    public var drillSchedule: String?
    public var drillSample: Int
    public var rpoHours: Int

    public init(name: String, paths: [String], excludes: [String] = [], oneFileSystem: Bool = false,
                schedules: [BackupRunMethod: String] = [:], retention: BackupRetention = BackupRetention(),
                drillSchedule: String? = nil, drillSample: Int = 100,
                rpoHours: Int = RecoveryPointObjective.defaultHours) {
        self.name = name
        self.paths = paths
        self.excludes = excludes
        self.oneFileSystem = oneFileSystem
        self.schedules = schedules
        self.retention = retention
        self.drillSchedule = drillSchedule
        self.drillSample = drillSample
        self.rpoHours = rpoHours
    }
}

/// How many snapshots a plan keeps (restic's `forget` policy); nil = that rule is off.
public struct BackupRetention: Sendable, Equatable, Codable {
    public var keepLast: Int?
    public var keepHourly: Int?
    public var keepDaily: Int?
    public var keepWeekly: Int?
    public var keepMonthly: Int?
    public var keepYearly: Int?

    public init(keepLast: Int? = nil, keepHourly: Int? = nil, keepDaily: Int? = nil, keepWeekly: Int? = nil,
                keepMonthly: Int? = nil, keepYearly: Int? = nil) {
        self.keepLast = keepLast
        self.keepHourly = keepHourly
        self.keepDaily = keepDaily
        self.keepWeekly = keepWeekly
        self.keepMonthly = keepMonthly
        self.keepYearly = keepYearly
    }

    /// Field name (as in the API) and value, in a fixed order.
    public var fields: [(String, Int?)] {
        [("keep_last", keepLast), ("keep_hourly", keepHourly), ("keep_daily", keepDaily),
         ("keep_weekly", keepWeekly), ("keep_monthly", keepMonthly), ("keep_yearly", keepYearly)]
    }
}

public enum BackupPlanRules {
    public static let maxPaths = 100
    public static let maxExcludes = 500
    public static let maxPathLength = 4096
    public static let maxKeep = 100_000
    public static let maxDrillSample = 1_000_000

    public static let nameMessage = "Give a name of 1–200 characters, without control characters."
    public static let pathsRequiredMessage = "Give at least one path to back up."
    public static let pathMessage = "Each path must be 1–4096 characters without control characters."
    public static let tooManyPathsMessage = "Give at most 100 paths."
    public static let excludeMessage = "Each exclude pattern must be 1–4096 characters without control characters."
    public static let tooManyExcludesMessage = "Give at most 500 exclude patterns."
    public static let keepMessage = "Leave empty, or give a whole number from 1 to 100000."
    public static let drillSampleMessage = "Give a whole number from 0 (every file) to 1000000."
    public static let rpoMessage = "Give a whole number of hours from 1 to 8760."

    /// Field errors (API field name → message); empty when the settings are valid.
    public static func validate(_ settings: BackupPlanSettings) -> [String: String] {
        var errors: [String: String] = [:]
        if !isCleanText(settings.name, max: 200) { errors["name"] = nameMessage }
        if settings.paths.isEmpty {
            errors["paths"] = pathsRequiredMessage
        } else if settings.paths.count > maxPaths {
            errors["paths"] = tooManyPathsMessage
        } else if !settings.paths.allSatisfy({ isCleanText($0, max: maxPathLength, trims: false) }) {
            errors["paths"] = pathMessage
        }
        if settings.excludes.count > maxExcludes {
            errors["excludes"] = tooManyExcludesMessage
        } else if !settings.excludes.allSatisfy({ isCleanText($0, max: maxPathLength, trims: false) }) {
            errors["excludes"] = excludeMessage
        }
        for (method, text) in settings.schedules {
            if let problem = cronProblem(text) { errors["schedules.\(method.rawValue)"] = problem }
        }
        if let drill = settings.drillSchedule, let problem = cronProblem(drill) { errors["drill.schedule"] = problem }
        for (field, value) in settings.retention.fields {
            if let value, !(1...maxKeep).contains(value) { errors["retention.\(field)"] = keepMessage }
        }
        if !(0...maxDrillSample).contains(settings.drillSample) { errors["drill.sample"] = drillSampleMessage }
        if !RecoveryPointObjective.allowedHours.contains(settings.rpoHours) { errors["rpo_hours"] = rpoMessage }
        return errors
    }

    /// nil when the text is a valid cron expression (or empty: not scheduled); else why not.
    public static func cronProblem(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        do {
            _ = try CronExpression(trimmed)
            return nil
        } catch {
            return "Not a valid cron schedule: \(error.description)."
        }
    }

    /// 1…max characters after trimming (when `trims`), no control characters.
    public static func isCleanText(_ text: String, max: Int, trims: Bool = true) -> Bool {
        let value = trims ? text.trimmingCharacters(in: .whitespaces) : text
        return !value.isEmpty && value.count <= max
            && !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
    }
}
