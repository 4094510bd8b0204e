/// Whether a licence covers what is installed. The raw values are stable (API, filters).
public enum LicenceComplianceStatus: String, CaseIterable, Hashable, Sendable {
    /// As many seats as installations (or people).
    case compliant
    /// More installations than seats: licences are missing.
    case underLicensed = "under_licensed"
    /// More seats than installations: seats are paid for and unused.
    case overLicensed = "over_licensed"
    /// Past its last valid day: it covers nothing any more.
    case expired
    /// The licence names no catalogue program, so its installations cannot be counted.
    case notChecked = "not_checked"
}
