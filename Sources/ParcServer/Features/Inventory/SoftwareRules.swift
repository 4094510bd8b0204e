import FluentKit
import Foundation
import NIOConcurrencyHelpers
import ParcCore
import SQLKit
import Vapor

/// The software dictionary as stored (`software_rules`, in `position` order).
enum SoftwareRuleStore {
    struct Row: Codable, Sendable {
        let id: UUID
        let position: Int
        let match: String
        let pattern: String
        let publisher_match: String?
        let publisher_pattern: String?
        let action: String
        let new_name: String?
        let new_publisher: String?
        let comment: String?

        static let kinds = SoftwareDictionaryRule.MatchKind.allCases.map(\.rawValue).joined(separator: ", ")

        /// The rule, or a 422 saying which field is wrong.
        func rule() throws -> SoftwareDictionaryRule {
            guard let kind = SoftwareDictionaryRule.MatchKind(rawValue: match) else {
                throw ParcError.validation(["match": "Use one of \(Self.kinds)."])
            }
            var publisher: SoftwareDictionaryRule.Condition?
            if let publisherPattern = publisher_pattern, !publisherPattern.isEmpty {
                guard let publisherKind = SoftwareDictionaryRule.MatchKind(rawValue: publisher_match ?? "equals") else {
                    throw ParcError.validation(["publisher_match": "Use one of \(Self.kinds)."])
                }
                publisher = .init(publisherKind, publisherPattern)
            }
            let ruleAction: SoftwareDictionaryRule.Action
            switch action {
            case "ignore": ruleAction = .ignore
            case "rename": ruleAction = .rename(name: new_name, publisher: new_publisher)
            default: throw ParcError.validation(["action": "Use rename or ignore."])
            }
            return SoftwareDictionaryRule(name: .init(kind, pattern), publisher: publisher, action: ruleAction)
        }
    }

    /// The longest comment, in characters.
    static let maximumCommentLength = 1_000

    /// The rules in the order the import applies them: by position, then by age (ties cannot reorder them).
    static func rows(on db: any Database) async throws -> [Row] {
        try await (db as! any SQLDatabase).select()
            .columns("id", "position", "match", "pattern", "publisher_match", "publisher_pattern", "action", "new_name",
                     "new_publisher", "comment")
            .from("software_rules").orderBy("position").orderBy("created_at").orderBy("id").all(decoding: Row.self)
    }

    static func dictionary(on db: any Database) async throws -> SoftwareDictionary {
        dictionary(try await rows(on: db))
    }

    /// The dictionary of `rows`, in their order (a rule's index is its row's).
    static func dictionary(_ rows: [Row]) -> SoftwareDictionary {
        // Rules were checked when saved; should one no longer compile (a newer, stricter Parc), the
        // dictionary is off rather than every import failing.
        (try? SoftwareDictionary(rules: rows.map { try $0.rule() })) ?? .empty
    }

    /// The check of a new rule, the same for the API and the dictionary page: the whole dictionary with it must
    /// compile, as the import needs it to. Throws a 422 (a field the rule does not understand), or the
    /// ``SoftwareDictionaryError`` that names the rule and the condition at fault.
    static func check(_ row: Row, joining existing: [Row]) throws {
        if let comment = row.comment, comment.count > maximumCommentLength {
            throw ParcError.validation(["comment": "At most 1000 characters."])
        }
        _ = try SoftwareDictionary(rules: (existing + [row]).map { try $0.rule() })
    }
}

extension SoftwareDictionaryError {
    /// The form field a problem is about.
    var field: String {
        switch self {
        case .emptyPattern(_, let condition), .patternTooLong(_, let condition, _),
             .invalidRegularExpression(_, let condition, _):
            condition == "publisher" ? "publisher_pattern" : "pattern"
        case .emptyRename, .renameTooLong: "new_name"
        case .tooManyRules: "pattern"
        }
    }
}

/// The dictionary compiled once and kept a few seconds: imports run a hundred times a second, rules
/// change rarely. A change made on this instance is seen at once (``invalidate()``); one made on another
/// instance within ``lifetime``.
final class SoftwareDictionaryCache: Sendable {
    static let lifetime: TimeInterval = 10
    private let state = NIOLockedValueBox<(SoftwareDictionary, Date)?>(nil)

    func dictionary(on db: any Database, now: Date) async throws -> SoftwareDictionary {
        if let (dictionary, loaded) = state.withLockedValue({ $0 }), now.timeIntervalSince(loaded) < Self.lifetime,
           now >= loaded {
            return dictionary
        }
        let dictionary = try await SoftwareRuleStore.dictionary(on: db)
        state.withLockedValue { $0 = (dictionary, now) }
        return dictionary
    }

    func invalidate() { state.withLockedValue { $0 = nil } }
}
