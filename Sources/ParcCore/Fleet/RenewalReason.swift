/// Why a machine appears in a renewal forecast.
public enum RenewalReason: String, Hashable, Sendable {
    /// It reaches its age limit.
    case ageLimit = "age_limit"
    /// Its warranty ends.
    case warrantyEnd = "warranty_end"
}
