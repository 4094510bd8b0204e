import Testing

@testable import ParcCore

@Suite("Licence seats and assignment rules")
struct LicenceSeatsTests {
    @Test("a seat is assigned while one is free; the last one taken, the next is refused with the seat count")
    func lastSeat() throws {
        try LicenceSeats.checkAssignment(seats: 3, assigned: 0)
        try LicenceSeats.checkAssignment(seats: 3, assigned: 2)
        #expect(throws: LicenceRuleError.noSeatLeft(seats: 3)) { try LicenceSeats.checkAssignment(seats: 3, assigned: 3) }
        // Stored data may already exceed the seats (seats lowered by hand in the database): still refused.
        #expect(throws: LicenceRuleError.noSeatLeft(seats: 3)) { try LicenceSeats.checkAssignment(seats: 3, assigned: 7) }
        #expect(LicenceRuleError.noSeatLeft(seats: 3).message.contains("All 3 seat(s)"))
        #expect(LicenceRuleError.noSeatLeft(seats: 3).field == nil, "a conflict with what is stored, not a bad field")
    }

    @Test("a licence without a seat limit takes any number of assignments")
    func unlimited() throws {
        try LicenceSeats.checkAssignment(seats: nil, assigned: 1_000_000)
        #expect(LicenceSeats.free(seats: nil, assigned: 12) == nil)
        #expect(LicenceSeats.free(seats: 10, assigned: 4) == 6)
        #expect(LicenceSeats.free(seats: 10, assigned: 12) == 0)
    }

    @Test("seats cannot drop below the assignments made; raising them or keeping them is fine")
    func lowering() throws {
        try LicenceSeats.checkChange(to: 5, assigned: 5)
        try LicenceSeats.checkChange(to: 9, assigned: 5)
        try LicenceSeats.checkChange(to: nil, assigned: 5)
        #expect(throws: LicenceRuleError.seatsBelowAssignments(seats: 4, assigned: 5)) {
            try LicenceSeats.checkChange(to: 4, assigned: 5)
        }
        #expect(LicenceRuleError.seatsBelowAssignments(seats: 4, assigned: 6).message.contains("Unassign 2"))
    }

    @Test("seat counts: required except for a site licence, from 1 to a million",
          arguments: [(Int?.none, LicenceType.perSeat, false), (nil, .site, true), (0, .perDevice, false),
                      (-3, .perUser, false), (1, .subscription, true), (1_000_000, .perSeat, true),
                      (1_000_001, .site, false), (Int.min, .perSeat, false), (Int.max, .site, false)])
    func validation(seats: Int?, type: LicenceType, valid: Bool) {
        let problems = LicenceTerms.problems(type: type, seats: seats, purchasedOn: nil, expiresOn: nil, cost: nil)
        #expect(problems.isEmpty == valid, "\(String(describing: seats)) \(type)")
        #expect(problems.allSatisfy { $0.field == "seats" })
    }

    @Test("every problem of a licence's terms is reported at once, each on its field")
    func allProblems() {
        let problems = LicenceTerms.problems(type: .perDevice, seats: -1,
                                             purchasedOn: InventoryDate(year: 2026, month: 3, day: 1),
                                             expiresOn: InventoryDate(year: 2026, month: 2, day: 28), cost: -5)
        #expect(problems == [.seatsOutOfRange, .expiryBeforePurchase, .costOutOfRange])
        #expect(problems.map(\.field) == ["seats", "expires_on", "cost"])
        #expect(LicenceTerms.problems(type: .site, seats: nil, purchasedOn: InventoryDate(year: 2026, month: 3, day: 1),
                                      expiresOn: InventoryDate(year: 2026, month: 3, day: 1), cost: 0).isEmpty,
                "a licence may expire on the day it is bought")
        #expect(LicenceTerms.problems(type: .site, seats: nil, purchasedOn: nil, expiresOn: nil, cost: .nan)
                == [.costOutOfRange])
        #expect(LicenceTerms.problems(type: .site, seats: nil, purchasedOn: nil, expiresOn: nil, cost: .infinity)
                == [.costOutOfRange])
    }

    @Test("what an assignment names depends on the licence type")
    func holders() throws {
        #expect(LicenceType.perDevice.accepts(asset: true, user: false))
        #expect(LicenceType.perDevice.accepts(asset: true, user: true))
        #expect(!LicenceType.perDevice.accepts(asset: false, user: true))
        #expect(LicenceType.perUser.accepts(asset: false, user: true))
        #expect(LicenceType.perUser.accepts(asset: true, user: true))
        #expect(!LicenceType.perUser.accepts(asset: true, user: false))
        for type in [LicenceType.perSeat, .site, .subscription] {
            #expect(type.accepts(asset: true, user: false) && type.accepts(asset: false, user: true))
            #expect(throws: LicenceRuleError.holderRequired(type)) { try type.checkHolder(asset: false, user: false) }
        }
        #expect(LicenceRuleError.holderRequired(.perUser).message.contains("user_id"))
        #expect(LicenceRuleError.holderRequired(.perUser).field == "user_id")
        #expect(LicenceRuleError.holderRequired(.perDevice).field == "asset_id")
        #expect(LicenceType.allCases.filter { !$0.requiresSeats } == [.site])
        #expect(LicenceType.allCases.filter { $0.unit == .user } == [.perUser])
    }
}
