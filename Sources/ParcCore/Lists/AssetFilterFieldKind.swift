/// What a filterable field holds, which decides the operators it takes and how its values read. The server declares
/// its fields (`["memory_bytes": .size, "software_version": .version, "status": .choice([...])]`); the parser knows
/// no field of its own.
public enum AssetFilterFieldKind: Hashable, Sendable {
    /// Free text: `eq`, `ne`, `like`, `in`, `null`.
    case text
    /// A whole number: `eq`, `ne`, `lt`, `le`, `gt`, `ge`, `in`, `null`.
    case integer
    /// A number of bytes, written with a unit (`8GB`, `512MiB`): the operators of ``integer``.
    case size
    /// A program version (``SoftwareVersion``): the operators of ``integer``.
    case version
    /// An instant, written as an age (`30d`) or a date: `before`, `after`, `null`.
    case date
    /// True or false: `eq`, `null`.
    case boolean
    /// One word of a fixed list (a status, a type), compared lower-cased: `eq`, `ne`, `in`, `null`.
    case choice(Set<String>)

    /// The operators the field takes, in the order error messages list them.
    public var operators: [AssetFilterOperator] {
        switch self {
        case .text: [.eq, .ne, .like, .in, .isNull]
        case .integer, .size, .version: [.eq, .ne, .lt, .le, .gt, .ge, .in, .isNull]
        case .date: [.before, .after, .isNull]
        case .boolean: [.eq, .isNull]
        case .choice: [.eq, .ne, .in, .isNull]
        }
    }

    /// What a value of the field looks like, for error messages.
    var expectedValue: String {
        switch self {
        case .text:
            "some text"
        case .integer:
            "a whole number such as 4"
        case .size:
            "a size such as 8GB, 512MB or 1.5TiB (KB, MB, GB, TB, PB count in powers of 1000, KiB, MiB, GiB, TiB, "
                + "PiB in powers of 1024; a bare number is bytes)"
        case .version:
            "a version such as 120, 120.0.1 or 1:2.6-3"
        case .date:
            "an age such as 12h, 30d or 2w, or a date such as 2024-01-31 or 2024-01-31T08:00:00Z"
        case .boolean:
            "true or false"
        case .choice(let allowed):
            "one of " + allowed.sorted().joined(separator: ", ")
        }
    }
}
