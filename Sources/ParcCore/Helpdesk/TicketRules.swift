import Foundation

/// Business rules that qualify tickets: ordered rules, each with conditions on the ticket and actions that set its
/// category, group, priority, urgency, impact, type or tags (docs/helpdesk.md §Rules).
///
/// Rules run in order on the ticket as it stands; a rule's actions change what the next rules see. A rule marked
/// `stop` ends the run when it matches. Each rule says when it runs (`runs_on`: when a ticket is opened, when it is
/// changed, or both). Pure and deterministic: the same rules on the same ticket give the same result, which the
/// "which rules match" page shows before anything is saved.
public struct TicketRule: Hashable, Sendable, Codable {
    public enum Match: String, Hashable, Sendable, Codable, CaseIterable { case all, any }

    /// When a rule runs. Rules stored before this existed ran on creation only, and still do.
    public enum RunsOn: String, Hashable, Sendable, Codable, CaseIterable {
        case create, update, both

        public func includes(_ event: TicketRuleEvent) -> Bool {
            self == .both || (self == .create && event == .create) || (self == .update && event == .update)
        }
    }

    public var name: String
    public var match: Match
    public var conditions: [TicketRuleCondition]
    public var actions: [TicketRuleAction]
    public var stop: Bool
    public var runsOn: RunsOn

    public init(name: String, match: Match = .all, conditions: [TicketRuleCondition], actions: [TicketRuleAction],
                stop: Bool = false, runsOn: RunsOn = .create) {
        self.name = name
        self.match = match
        self.conditions = conditions
        self.actions = actions
        self.stop = stop
        self.runsOn = runsOn
    }

    private enum CodingKeys: String, CodingKey {
        case name, match, conditions, actions, stop
        case runsOn = "runs_on"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        match = try container.decode(Match.self, forKey: .match)
        conditions = try container.decode([TicketRuleCondition].self, forKey: .conditions)
        actions = try container.decode([TicketRuleAction].self, forKey: .actions)
        stop = try container.decodeIfPresent(Bool.self, forKey: .stop) ?? false
        runsOn = try container.decodeIfPresent(RunsOn.self, forKey: .runsOn) ?? .create
    }

    /// Checks the rule once, when it is saved: a name, at least one condition and one action, readable values.
    public func validated() throws(TicketRuleError) -> TicketRule {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 200 else { throw .name }
        guard !conditions.isEmpty, conditions.count <= 50 else { throw .noCondition }
        guard !actions.isEmpty, actions.count <= 20 else { throw .noAction }
        for (index, condition) in conditions.enumerated() { try condition.check(number: index + 1) }
        for (index, action) in actions.enumerated() { try action.check(number: index + 1) }
        return self
    }
}

/// What a condition looks at.
public struct TicketRuleCondition: Hashable, Sendable, Codable {
    public enum Field: String, Hashable, Sendable, Codable, CaseIterable {
        case title, description
        /// Title and description together.
        case text
        case type, category, entity, source, urgency, impact, tag
        case requester
        case requesterEmail = "requester_email"
    }

    public enum Operator: String, Hashable, Sendable, Codable, CaseIterable {
        case contains
        case notContains = "not_contains"
        case `is`
        case isNot = "is_not"
        case matches
        case endsWith = "ends_with"
        case atLeast = "at_least"
        case atMost = "at_most"
    }

    public var field: Field
    public var `operator`: Operator
    public var value: String

    public init(_ field: Field, _ operator: Operator, _ value: String) {
        self.field = field
        self.operator = `operator`
        self.value = value
    }

    func check(number: Int) throws(TicketRuleError) {
        guard value.count <= 500 else { throw .value(condition: number, "is longer than 500 characters") }
        switch `operator` {
        case .matches:
            do { _ = try LinearRegex(value) } catch { throw .value(condition: number, "is not a valid pattern: \(error)") }
        case .atLeast, .atMost:
            guard [.urgency, .impact].contains(field), let level = Int(value), (1...5).contains(level) else {
                throw .value(condition: number, "at least / at most compare urgency or impact with 1 to 5")
            }
        case .contains, .notContains, .endsWith:
            guard !value.isEmpty else { throw .value(condition: number, "is empty") }
        case .is, .isNot:
            break
        }
    }

    func holds(for ticket: TicketRuleSubject) -> Bool {
        let values: [String]
        switch field {
        case .title: values = [ticket.title]
        case .description: values = [ticket.description]
        case .text: values = [ticket.title + "\n" + ticket.description]
        case .type: values = [ticket.type]
        case .category: values = ticket.categoryPath
        case .entity: values = ticket.entityPath
        case .source: values = [ticket.source]
        case .urgency: values = [String(ticket.urgency)]
        case .impact: values = [String(ticket.impact)]
        case .tag: values = ticket.tags
        case .requester: values = ticket.requesterIDs
        case .requesterEmail: values = ticket.requesterEmails
        }
        let folded = values.map(Self.fold)
        let wanted = Self.fold(value)
        switch `operator` {
        case .contains: return folded.contains { $0.contains(wanted) }
        case .notContains: return !folded.contains { $0.contains(wanted) }
        case .is: return folded.contains(wanted)
        case .isNot: return !folded.contains(wanted)
        case .endsWith: return folded.contains { $0.hasSuffix(wanted) }
        case .matches:
            guard let regex = try? LinearRegex(value) else { return false }
            return values.contains { regex.matches($0) }
        case .atLeast: return values.compactMap { Int($0) }.contains { $0 >= (Int(value) ?? 6) }
        case .atMost: return values.compactMap { Int($0) }.contains { $0 <= (Int(value) ?? 0) }
        }
    }

    /// Case and accents do not matter: "Imprimante" matches "IMPRIMANTÉ" and "imprimante".
    static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: Locale(identifier: "en_US_POSIX"))
    }
}

/// What a matching rule does.
public struct TicketRuleAction: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        case setCategory = "set_category"
        case assignGroup = "assign_group"
        case setPriority = "set_priority"
        case setUrgency = "set_urgency"
        case setImpact = "set_impact"
        case setType = "set_type"
        case addTag = "add_tag"
        /// The ticket takes this SLA policy (value: its id); its targets and deadlines are computed again, as when
        /// its category changes.
        case setSLAPolicy = "set_sla_policy"
    }

    public var kind: Kind
    public var value: String

    public init(_ kind: Kind, _ value: String) {
        self.kind = kind
        self.value = value
    }

    func check(number: Int) throws(TicketRuleError) {
        switch kind {
        case .setPriority:
            guard let level = Int(value), (1...6).contains(level) else { throw .action(number, "a priority is 1 to 6") }
        case .setUrgency, .setImpact:
            guard let level = Int(value), (1...5).contains(level) else { throw .action(number, "a level is 1 to 5") }
        case .setType:
            guard ["incident", "request"].contains(value) else { throw .action(number, "a type is incident or request") }
        case .setCategory, .assignGroup, .setSLAPolicy:
            guard UUID(uuidString: value) != nil else {
                throw .action(number, "give the id of the category, group or SLA policy")
            }
        case .addTag:
            let tag = value.trimmingCharacters(in: .whitespaces)
            guard !tag.isEmpty, tag.count <= 50 else { throw .action(number, "a tag is 1 to 50 characters") }
        }
    }
}

/// The ticket as rules see it. Paths list ids (as text) from the root down, so a rule on a category or an entity
/// also covers what is below it.
public struct TicketRuleSubject: Hashable, Sendable {
    public var title: String
    public var description: String
    public var type: String
    public var categoryPath: [String]
    public var entityPath: [String]
    public var source: String
    public var urgency: Int
    public var impact: Int
    public var tags: [String]
    public var requesterIDs: [String]
    public var requesterEmails: [String]

    public init(title: String, description: String, type: String, categoryPath: [String], entityPath: [String],
                source: String, urgency: Int, impact: Int, tags: [String], requesterIDs: [String],
                requesterEmails: [String]) {
        self.title = title
        self.description = description
        self.type = type
        self.categoryPath = categoryPath
        self.entityPath = entityPath
        self.source = source
        self.urgency = urgency
        self.impact = impact
        self.tags = tags
        self.requesterIDs = requesterIDs
        self.requesterEmails = requesterEmails
    }
}

/// The outcome of a run: which rules matched, and the changes to make.
public struct TicketRuleOutcome: Hashable, Sendable {
    /// Indexes of the matching rules, in order.
    public var matched: [Int] = []
    public var category: String?
    public var groups: [String] = []
    public var priority: Int?
    public var urgency: Int?
    public var impact: Int?
    public var type: String?
    public var tags: [String] = []
    public var slaPolicy: String?
    /// Actions left out because the change being made set their field by hand, as "rule name: kind".
    public var skipped: [String] = []

    public var isEmpty: Bool { matched.isEmpty }
}

/// What the rules run on: a ticket being opened, or a ticket being changed.
public enum TicketRuleEvent: String, Hashable, Sendable, CaseIterable { case create, update }

public enum TicketRuleEngine {
    /// Runs the `rules` that run on `event` in order on `ticket`. `categoryPath` gives the path of a category a rule
    /// sets, so later rules see it. Actions of the kinds in `setByHand` (the change being made set their field) are
    /// left out and listed in ``TicketRuleOutcome/skipped``: a rule never overrides what a person just chose.
    public static func run(_ rules: [TicketRule], on ticket: TicketRuleSubject, event: TicketRuleEvent = .create,
                           setByHand: Set<TicketRuleAction.Kind> = [],
                           categoryPath: (String) -> [String] = { [$0] }) -> TicketRuleOutcome {
        var subject = ticket
        var outcome = TicketRuleOutcome()
        for (index, rule) in rules.enumerated() where rule.runsOn.includes(event) {
            let results = rule.conditions.map { $0.holds(for: subject) }
            let matches = rule.match == .all ? results.allSatisfy { $0 } : results.contains(true)
            guard matches else { continue }
            outcome.matched.append(index)
            for action in rule.actions {
                if setByHand.contains(action.kind) {
                    outcome.skipped.append("\(rule.name): \(action.kind.rawValue)")
                    continue
                }
                switch action.kind {
                case .setCategory:
                    outcome.category = action.value
                    subject.categoryPath = categoryPath(action.value)
                case .assignGroup:
                    if !outcome.groups.contains(action.value) { outcome.groups.append(action.value) }
                case .setPriority: outcome.priority = Int(action.value)
                case .setUrgency:
                    outcome.urgency = Int(action.value)
                    subject.urgency = Int(action.value) ?? subject.urgency
                case .setImpact:
                    outcome.impact = Int(action.value)
                    subject.impact = Int(action.value) ?? subject.impact
                case .setType:
                    outcome.type = action.value
                    subject.type = action.value
                case .addTag:
                    let tag = action.value.trimmingCharacters(in: .whitespaces)
                    if !subject.tags.contains(where: { TicketRuleCondition.fold($0) == TicketRuleCondition.fold(tag) }) {
                        subject.tags.append(tag)
                        outcome.tags.append(tag)
                    }
                case .setSLAPolicy: outcome.slaPolicy = action.value
                }
            }
            if rule.stop { break }
        }
        return outcome
    }
}

/// Why a rule was refused.
public enum TicketRuleError: Error, Hashable, Sendable, CustomStringConvertible {
    case name
    case noCondition
    case noAction
    case value(condition: Int, String)
    case action(Int, String)

    public var description: String {
        switch self {
        case .name: "give the rule a name of 1 to 200 characters"
        case .noCondition: "give 1 to 50 conditions"
        case .noAction: "give 1 to 20 actions"
        case let .value(condition, reason): "condition \(condition): the value \(reason)"
        case let .action(number, reason): "action \(number): \(reason)"
        }
    }
}
