/// One line of a bulk rename proposal: a name that breaks the plan and what it should become.
public struct RenameProposal: Hashable, Sendable {
    /// The asset's current name.
    public let currentName: String
    /// Why the current name breaks the plan.
    public let violation: NamingViolation
    /// The proposed conforming name, or nil when none can be made (see ``blocker``).
    public let proposedName: String?
    /// Why no name could be proposed, when ``proposedName`` is nil.
    public let blocker: NamingPatternError?

    /// Creates a proposal line.
    public init(currentName: String, violation: NamingViolation, proposedName: String?, blocker: NamingPatternError?) {
        self.currentName = currentName
        self.violation = violation
        self.proposedName = proposedName
        self.blocker = blocker
    }
}
