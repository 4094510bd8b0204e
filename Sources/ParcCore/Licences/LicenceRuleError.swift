/// Why a licence or one of its assignments was refused.
public enum LicenceRuleError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Every seat is assigned: the assignment would exceed the licence.
    case noSeatLeft(seats: Int)
    /// The new seat count is below the seats already assigned.
    case seatsBelowAssignments(seats: Int, assigned: Int)
    /// The licence type needs a seat count and none was given.
    case seatsRequired(LicenceType)
    /// The seat count is not a whole number between 1 and ``LicenceSeats/maximum``.
    case seatsOutOfRange
    /// The assignment does not name what the licence type is assigned to.
    case holderRequired(LicenceType)
    /// Assignments already made do not fit the new licence type.
    case assignmentsDoNotFit(LicenceType, count: Int)
    /// The expiry date comes before the purchase date.
    case expiryBeforePurchase
    /// The cost is negative or absurd.
    case costOutOfRange

    /// A stable code for API replies.
    public var code: String {
        switch self {
        case .noSeatLeft: "licence_no_seat_left"
        case .seatsBelowAssignments: "licence_seats_below_assignments"
        case .seatsRequired: "licence_seats_required"
        case .seatsOutOfRange: "licence_seats_out_of_range"
        case .holderRequired: "licence_holder_required"
        case .assignmentsDoNotFit: "licence_assignments_do_not_fit"
        case .expiryBeforePurchase: "licence_expiry_before_purchase"
        case .costOutOfRange: "licence_cost_out_of_range"
        }
    }

    /// The input field at fault, for a validation answer; nil for a conflict with what is stored.
    public var field: String? {
        switch self {
        case .seatsRequired, .seatsOutOfRange: "seats"
        case .holderRequired(.perUser): "user_id"
        case .holderRequired: "asset_id"
        case .expiryBeforePurchase: "expires_on"
        case .costOutOfRange: "cost"
        case .noSeatLeft, .seatsBelowAssignments, .assignmentsDoNotFit: nil
        }
    }

    /// What was wrong and what to do instead.
    public var message: String {
        switch self {
        case .noSeatLeft(let seats):
            "All \(seats) seat(s) of this licence are assigned. Unassign one, or raise the number of seats, first."
        case .seatsBelowAssignments(let seats, let assigned):
            "\(assigned) seat(s) are assigned, more than \(seats). Unassign \(assigned - seats) first."
        case .seatsRequired:
            "Give the number of seats: only a site licence may have no limit."
        case .seatsOutOfRange:
            "Give a whole number of seats from 1 to \(LicenceSeats.maximum)."
        case .holderRequired(.perDevice):
            "A per_device licence is assigned to an asset: give asset_id."
        case .holderRequired(.perUser):
            "A per_user licence is assigned to a person: give user_id."
        case .holderRequired:
            "Give the asset (asset_id), the person (user_id), or both, that the seat goes to."
        case .assignmentsDoNotFit(let type, let count):
            "\(count) assignment(s) do not fit a \(type.rawValue) licence. Unassign them first."
        case .expiryBeforePurchase:
            "The expiry date comes after the purchase date."
        case .costOutOfRange:
            "Give a cost of 0 or more."
        }
    }

    /// The ``message``.
    public var description: String { message }
}
