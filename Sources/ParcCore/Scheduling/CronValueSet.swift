/// The values one cron field matches, as a bit set (every field's values fit in 0...63).
///
/// Bit tricks make "the next matching value at or after n" a single instruction, which is what lets the schedule
/// search skip straight to the next matching month, day, hour or minute.
struct CronValueSet: Hashable, Sendable {
    private(set) var bits: UInt64 = 0

    init() {}

    init(_ values: some Sequence<Int>) {
        for value in values { insert(value) }
    }

    mutating func insert(_ value: Int) {
        precondition((0..<64).contains(value), "cron values are 0...63")
        bits |= 1 << UInt64(value)
    }

    func contains(_ value: Int) -> Bool {
        (0..<64).contains(value) && bits & (1 << UInt64(value)) != 0
    }

    /// The smallest member that is at least `value`, or nil when there is none.
    func first(atLeast value: Int) -> Int? {
        let start = max(value, 0)
        guard start < 64 else { return nil }
        let remaining = bits & (UInt64.max << UInt64(start))
        return remaining == 0 ? nil : remaining.trailingZeroBitCount
    }

    var min: Int? { first(atLeast: 0) }

    var isEmpty: Bool { bits == 0 }

    /// The members in ascending order.
    var values: [Int] { (0..<64).filter(contains) }

    /// True when every value of `range` is a member.
    func containsAll(of range: ClosedRange<Int>) -> Bool {
        range.allSatisfy(contains)
    }
}
