/// Why a software dictionary was refused. Rules are numbered from 1, as the rules page shows them; `field` is `name`
/// or `publisher`.
public enum SoftwareDictionaryError: Error, Hashable, Sendable, CustomStringConvertible {
    /// More rules than ``SoftwareDictionary/maximumRuleCount``.
    case tooManyRules(count: Int)
    /// A condition with an empty (or blank) value.
    case emptyPattern(rule: Int, field: String)
    /// A condition longer than ``SoftwareDictionary/maximumPatternLength`` characters.
    case patternTooLong(rule: Int, field: String, length: Int)
    /// A regular expression that is malformed or uses what ``LinearRegex`` does not support; `reason` is the
    /// ``LinearRegexError/message``.
    case invalidRegularExpression(rule: Int, field: String, reason: String)
    /// A rename that sets neither a name nor a publisher, or sets a blank one.
    case emptyRename(rule: Int)
    /// A new name or publisher longer than ``SoftwareDictionary/maximumRenameLength`` characters.
    case renameTooLong(rule: Int, length: Int)

    /// A stable code for API replies and logs.
    public var code: String {
        switch self {
        case .tooManyRules: "software_dictionary_too_many_rules"
        case .emptyPattern: "software_dictionary_empty_pattern"
        case .patternTooLong: "software_dictionary_pattern_too_long"
        case .invalidRegularExpression: "software_dictionary_invalid_regex"
        case .emptyRename: "software_dictionary_empty_rename"
        case .renameTooLong: "software_dictionary_rename_too_long"
        }
    }

    /// What was wrong and what to do instead.
    public var message: String {
        switch self {
        case .tooManyRules(let count):
            "The dictionary has \(count) rules; keep it to \(SoftwareDictionary.maximumRuleCount) by using "
                + "patterns that cover several programs."
        case .emptyPattern(let rule, let field):
            "Rule \(rule): the \(field) condition is empty; give a value, or remove the condition."
        case .patternTooLong(let rule, let field, let length):
            "Rule \(rule): the \(field) condition has \(length) characters; keep it to "
                + "\(SoftwareDictionary.maximumPatternLength)."
        case .invalidRegularExpression(let rule, let field, let reason):
            "Rule \(rule): the \(field) regular expression is refused. \(reason)"
        case .emptyRename(let rule):
            "Rule \(rule): a rename needs a new name, a new publisher or both, and neither may be blank."
        case .renameTooLong(let rule, let length):
            "Rule \(rule): the new name or publisher has \(length) characters; keep it to "
                + "\(SoftwareDictionary.maximumRenameLength)."
        }
    }

    /// The ``message``.
    public var description: String { message }
}
