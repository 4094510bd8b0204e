/// One rule of the software dictionary: when a program's name (and, if given, its publisher) matches, rename it or
/// ignore it. Rules are tried in order and the first that matches decides (``SoftwareDictionary``).
///
/// Every comparison ignores case and runs of white space (both sides go through ``SoftwareCatalogueKey/fold(_:)``),
/// except regular expressions, which see the text as reported and are case-insensitive (write `(?-i)` to make one
/// case-sensitive).
public struct SoftwareDictionaryRule: Hashable, Sendable, Codable {
    /// How a condition compares its value with the text. Raw values are stable (settings, API).
    public enum MatchKind: String, CaseIterable, Hashable, Sendable, Codable {
        /// The whole text equals the value.
        case equals = "equals"
        /// The text starts with the value.
        case startsWith = "starts_with"
        /// The value appears in the text.
        case contains = "contains"
        /// The text matches the wildcard pattern (``GlobPattern``: `*` and `?`).
        case glob = "glob"
        /// The ICU regular expression finds a match in the text (anchor it with `^…$` to match the whole text).
        case regularExpression = "regex"
    }

    /// A condition on a name or a publisher.
    public struct Condition: Hashable, Sendable, Codable {
        /// How to compare.
        public var kind: MatchKind
        /// What to compare with.
        public var value: String

        /// A condition.
        public init(_ kind: MatchKind, _ value: String) {
            self.kind = kind
            self.value = value
        }

        /// The text equals `value`.
        public static func equals(_ value: String) -> Condition { Condition(.equals, value) }
        /// The text starts with `value`.
        public static func startsWith(_ value: String) -> Condition { Condition(.startsWith, value) }
        /// The text contains `value`.
        public static func contains(_ value: String) -> Condition { Condition(.contains, value) }
        /// The text matches the wildcard `pattern`.
        public static func glob(_ pattern: String) -> Condition { Condition(.glob, pattern) }
        /// The regular expression `pattern` finds a match in the text.
        public static func regularExpression(_ pattern: String) -> Condition { Condition(.regularExpression, pattern) }
    }

    /// What a matching rule does.
    public enum Action: Hashable, Sendable, Codable {
        /// Give the program this name and/or this publisher (nil keeps the reported one). Programs renamed to the
        /// same name and publisher become one catalogue entry: that is how entries are merged.
        case rename(name: String?, publisher: String?)
        /// Drop the program: it is neither stored on the asset nor in the catalogue (updates, drivers, noise).
        case ignore
    }

    /// The condition on the name.
    public var name: Condition
    /// The condition on the publisher, or nil for any publisher; a program without a publisher never meets one.
    public var publisher: Condition?
    /// What to do with a program that meets the conditions.
    public var action: Action

    /// A rule.
    public init(name: Condition, publisher: Condition? = nil, action: Action) {
        self.name = name
        self.publisher = publisher
        self.action = action
    }
}
