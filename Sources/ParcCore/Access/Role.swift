/// The profile a user holds on an entity. Ordered from most to least powerful.
///
/// The raw values are stored in the database and used in the API: never rename one.
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    case superAdmin = "super-admin"
    case admin
    case technician
    case observer
    case requester

    /// Lower is more powerful; used to pick the strongest profile a user holds on an entity.
    public var rank: Int {
        switch self {
        case .superAdmin: 0
        case .admin: 1
        case .technician: 2
        case .observer: 3
        case .requester: 4
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }

    /// Key of the role's label in the translation catalogues.
    public var labelKey: String { "role.\(rawValue)" }
}
