import Foundation
import Testing

@testable import ParcCore

@Suite("Zone offset table")
struct ZoneOffsetTableTests {
    static let zones = ["Europe/Paris", "America/New_York", "Pacific/Apia", "Australia/Lord_Howe", "Asia/Kolkata",
                        "Europe/Moscow", "America/Sao_Paulo", "UTC"]

    @Test("the table gives Foundation's offset at every sampled instant from 1970 to 2150", arguments: zones)
    func matchesFoundation(_ identifier: String) throws {
        let zone = try #require(TimeZone(identifier: identifier))
        let table = ZoneOffsetTable(zone: zone)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let instant = Double(Int64.random(in: 0..<5_680_281_600, using: &generator))
            #expect(table.offset(at: instant) == zone.secondsFromGMT(for: Date(timeIntervalSince1970: instant)),
                    "\(identifier) at \(instant)")
        }
    }

    @Test("offsets change exactly at the transitions, and the next transition is Foundation's", arguments: zones)
    func transitions(_ identifier: String) throws {
        let zone = try #require(TimeZone(identifier: identifier))
        let table = ZoneOffsetTable(zone: zone)
        var cursor = 1_577_836_800.0  // 2020-01-01
        for _ in 0..<20 {
            let expected = zone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: cursor))
            let found = table.nextTransition(after: cursor)
            guard let expected else {
                #expect(found == nil)
                return
            }
            #expect(found == expected.timeIntervalSince1970, "\(identifier) after \(cursor)")
            let at = expected.timeIntervalSince1970
            #expect(table.offset(at: at) == zone.secondsFromGMT(for: expected))
            #expect(table.offset(at: at - 1) == zone.secondsFromGMT(for: Date(timeIntervalSince1970: at - 1)))
            cursor = at
        }
    }

    @Test("outside its years the table asks Foundation")
    func outsideRange() throws {
        let zone = try #require(TimeZone(identifier: "Europe/Paris"))
        let table = ZoneOffsetTable(zone: zone, from: 1_577_836_800, to: 1_609_459_200)  // 2020 only
        for instant in [0.0, 1_000_000_000, 2_000_000_000, 7_000_000_000] {
            #expect(table.offset(at: instant) == zone.secondsFromGMT(for: Date(timeIntervalSince1970: instant)))
        }
        #expect(ZoneOffsetTable.shared(zone) === ZoneOffsetTable.shared(zone), "one table per zone")
    }
}
