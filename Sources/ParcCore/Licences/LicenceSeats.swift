/// The seat rules of a licence: how many it may hold, and that assignments never exceed them.
///
/// `nil` seats means no limit, which only a site licence may have (``LicenceType/requiresSeats``).
public enum LicenceSeats {
    /// The largest seat count a licence may hold.
    public static let maximum = 1_000_000

    /// Checks a seat count given for a licence of `type`.
    ///
    /// - Throws: ``LicenceRuleError/seatsRequired(_:)`` when the type needs one and none is given,
    ///   ``LicenceRuleError/seatsOutOfRange`` for 0, a negative count or more than ``maximum``.
    public static func validate(_ seats: Int?, type: LicenceType) throws(LicenceRuleError) {
        guard let seats else {
            if type.requiresSeats { throw .seatsRequired(type) }
            return
        }
        guard (1...maximum).contains(seats) else { throw .seatsOutOfRange }
    }

    /// The seats still free, or nil when the licence has no limit.
    public static func free(seats: Int?, assigned: Int) -> Int? {
        seats.map { max($0 - assigned, 0) }
    }

    /// Checks that one more seat can be assigned when `assigned` already are.
    ///
    /// - Throws: ``LicenceRuleError/noSeatLeft(seats:)`` when every seat is taken.
    public static func checkAssignment(seats: Int?, assigned: Int) throws(LicenceRuleError) {
        guard let seats else { return }
        if assigned >= seats { throw .noSeatLeft(seats: seats) }
    }

    /// Checks that a licence holding `assigned` assignments may hold `seats` seats.
    ///
    /// - Throws: ``LicenceRuleError/seatsBelowAssignments(seats:assigned:)`` when fewer seats than assignments
    ///   would remain.
    public static func checkChange(to seats: Int?, assigned: Int) throws(LicenceRuleError) {
        guard let seats else { return }
        if seats < assigned { throw .seatsBelowAssignments(seats: seats, assigned: assigned) }
    }
}
