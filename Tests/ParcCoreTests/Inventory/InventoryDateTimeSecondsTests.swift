import ParcCore
import Testing

@Suite("InventoryDateTime from seconds of a wall clock")
struct InventoryDateTimeSecondsTests {
    @Test("seconds since 1970 give the wall-clock instant, and back")
    func roundTrip() throws {
        let instant = try #require(InventoryDateTime(secondsSinceEpoch: 1_795_984_425))
        #expect(instant.description == "2026-11-29 20:33:45")
        #expect(instant.secondsSinceEpoch == 1_795_984_425)
        #expect(InventoryDateTime(secondsSinceEpoch: 0)?.description == "1970-01-01 00:00:00")
        #expect(InventoryDateTime(secondsSinceEpoch: 951_782_399)?.description == "2000-02-28 23:59:59")
        #expect(InventoryDateTime(secondsSinceEpoch: 951_782_400)?.description == "2000-02-29 00:00:00")
    }

    @Test("times before 1970 land on the right day; outside 1900–2999 there is none")
    func limits() {
        #expect(InventoryDateTime(secondsSinceEpoch: -1)?.description == "1969-12-31 23:59:59")
        #expect(InventoryDateTime(secondsSinceEpoch: -2_208_988_801) == nil, "1899-12-31 23:59:59")
        #expect(InventoryDateTime(secondsSinceEpoch: 32_503_680_000) == nil, "3000-01-01")
        #expect(InventoryDateTime(secondsSinceEpoch: Int.max / 2) == nil)
    }
}
