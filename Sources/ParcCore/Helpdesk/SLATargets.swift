import Foundation

/// An SLA policy's targets: rules tried in order, the first whose priority and category match wins.
///
/// A rule with no priorities matches every priority; a rule with no category matches every category. So a policy
/// lists its special cases first ("printers, priority 4–5: 30 minutes to own") and its general targets last
/// ("priority 5: 1 hour / 4 hours", …). A ticket that no rule matches has no SLA targets (its deadlines are empty).
public struct SLATargets: Hashable, Sendable, Codable {
    /// One line of a policy.
    public struct Rule: Hashable, Sendable, Codable {
        /// The priorities (1–6) the rule applies to; empty: all.
        public var priorities: Set<Int>
        /// The ticket category the rule applies to (its id as text, a category and its sub-categories are listed
        /// explicitly by the caller); nil: all.
        public var categories: Set<String>
        public var timeToOwn: BusinessDuration?
        public var timeToResolve: BusinessDuration?

        public init(priorities: Set<Int> = [], categories: Set<String> = [], timeToOwn: BusinessDuration?,
                    timeToResolve: BusinessDuration?) {
            self.priorities = priorities
            self.categories = categories
            self.timeToOwn = timeToOwn
            self.timeToResolve = timeToResolve
        }

        func matches(priority: Int, categoryPath: [String]) -> Bool {
            (priorities.isEmpty || priorities.contains(priority))
                && (categories.isEmpty || categoryPath.contains { categories.contains($0) })
        }
    }

    public var rules: [Rule]

    public init(rules: [Rule]) throws(SLATargetsError) {
        for (index, rule) in rules.enumerated() {
            if let bad = rule.priorities.first(where: { !(1...6).contains($0) }) {
                throw .priorityOutOfRange(rule: index + 1, bad)
            }
            if rule.timeToOwn == nil, rule.timeToResolve == nil { throw .noTarget(rule: index + 1) }
            for duration in [rule.timeToOwn, rule.timeToResolve].compactMap({ $0 }) where !duration.isPositive {
                throw .nonPositiveDuration(rule: index + 1)
            }
            if let own = rule.timeToOwn, let resolve = rule.timeToResolve, own.nominalMinutes > resolve.nominalMinutes,
               own.isSameUnit(as: resolve) {
                throw .ownAfterResolve(rule: index + 1)
            }
        }
        self.rules = rules
    }

    /// The targets for a ticket of this priority whose category is the last of `categoryPath` (root first; empty
    /// without a category): the first matching rule's, or none.
    public func targets(priority: Int, categoryPath: [String]) -> (timeToOwn: BusinessDuration?, timeToResolve: BusinessDuration?) {
        guard let rule = rules.first(where: { $0.matches(priority: priority, categoryPath: categoryPath) }) else {
            return (nil, nil)
        }
        return (rule.timeToOwn, rule.timeToResolve)
    }
}

/// Why a policy's rules were refused; the description says what to fix.
public enum SLATargetsError: Error, Hashable, Sendable, CustomStringConvertible {
    case priorityOutOfRange(rule: Int, Int)
    case noTarget(rule: Int)
    case nonPositiveDuration(rule: Int)
    case ownAfterResolve(rule: Int)

    public var description: String {
        switch self {
        case let .priorityOutOfRange(rule, value):
            "rule \(rule): priority \(value) is out of range; use 1 to 6"
        case let .noTarget(rule):
            "rule \(rule): give a time to own, a time to resolve, or both"
        case let .nonPositiveDuration(rule):
            "rule \(rule): durations must be at least 1 minute, hour or day"
        case let .ownAfterResolve(rule):
            "rule \(rule): the time to own is longer than the time to resolve; a ticket cannot be solved before it is taken into account"
        }
    }
}

extension BusinessDuration {
    /// Parses `30m`, `4h`, `2d` (minutes, hours, business days); nil for anything else.
    public init?(text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let unit = trimmed.last, let value = Int(trimmed.dropLast()), value > 0, value <= 100_000 else {
            return nil
        }
        switch unit {
        case "m": self = .minutes(value)
        case "h": self = .hours(value)
        case "d": self = .days(value)
        default: return nil
        }
    }

    /// `30m`, `4h`, `2d`: the form ``init(text:)`` reads.
    public var text: String {
        switch self {
        case .minutes(let value): "\(value)m"
        case .hours(let value): "\(value)h"
        case .days(let value): "\(value)d"
        }
    }

    var isPositive: Bool { nominalMinutes > 0 }

    var nominalMinutes: Int {
        switch self {
        case .minutes(let value): value
        case .hours(let value): value * 60
        case .days(let value): value * 24 * 60
        }
    }

    func isSameUnit(as other: BusinessDuration) -> Bool {
        switch (self, other) {
        case (.days, .days), (.minutes, .minutes), (.minutes, .hours), (.hours, .minutes), (.hours, .hours): true
        default: false
        }
    }
}
