/// What a licence's seats count: machines or people.
public enum LicenceUnit: String, CaseIterable, Hashable, Sendable {
    /// One seat per machine that has the program installed.
    case device
    /// One seat per person using the program, whatever the number of their machines.
    case user
}
