// The SLA deadline benchmark: scripts/bench-sla builds and runs it in release mode, on one core.
import Foundation
import ParcCore

/// A reproducible generator, so every run computes the same tickets.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

// A French office: Europe/Paris (two daylight-saving changes a year), 08:00–12:00 and 13:30–17:30 on weekdays,
// Saturday mornings, the fixed public holidays and the 2026–2027 movable ones.
let spec = BusinessCalendarSpec(
    timeZone: "Europe/Paris",
    week: [
        "monday": ["08:00-12:00", "13:30-17:30"], "tuesday": ["08:00-12:00", "13:30-17:30"],
        "wednesday": ["08:00-12:00", "13:30-17:30"], "thursday": ["08:00-12:00", "13:30-17:30"],
        "friday": ["08:00-12:00", "13:30-17:00"], "saturday": ["09:00-12:00"],
    ],
    holidays: ["01-01", "05-01", "05-08", "07-14", "08-15", "11-01", "11-11", "12-25",
               "2026-04-06", "2026-05-14", "2026-05-25", "2027-03-29", "2027-05-06", "2027-05-17"])
let calculator = SLADeadlineCalculator(calendar: try spec.calendar())
let targets: [(BusinessDuration, BusinessDuration)] = [
    (.minutes(30), .hours(4)), (.hours(1), .hours(8)), (.hours(4), .days(2)), (.days(1), .days(5)), (.hours(2), .days(10)),
]

// 100 000 tickets opened at any hour over 2026, a third of them paused once to three times (pending or solved then
// reopened, over nights and weekends), each evaluated at a moment after its last change.
let count = 100_000
let yearStart = 1_767_222_000.0  // 2026-01-01 00:00 Europe/Paris
func makeClocks() -> [(SLAClock, Date)] {
    var random = SplitMix64(state: 42)
    var clocks: [(SLAClock, Date)] = []
    clocks.reserveCapacity(count)
    for _ in 0..<count {
        let opened = yearStart + Double.random(in: 0..<(365 * 86_400), using: &random)
        let (own, resolve) = targets[Int.random(in: 0..<targets.count, using: &random)]
        var changes: [TicketStatusChange] = []
        var at = opened + Double.random(in: 60..<7_200, using: &random)
        changes.append(TicketStatusChange(.assigned, at: Date(timeIntervalSince1970: at)))
        if Int.random(in: 0..<3, using: &random) == 0 {
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                at += Double.random(in: 600..<(3 * 86_400), using: &random)
                changes.append(TicketStatusChange(Bool.random(using: &random) ? .pending : .solved, at: Date(timeIntervalSince1970: at)))
                at += Double.random(in: 600..<(4 * 86_400), using: &random)
                changes.append(TicketStatusChange(.assigned, at: Date(timeIntervalSince1970: at)))
            }
        }
        let now = Date(timeIntervalSince1970: at + Double.random(in: 0..<(5 * 86_400), using: &random))
        let clock = SLAClock(calculator: calculator, openedAt: Date(timeIntervalSince1970: opened), timeToOwn: own,
                             timeToResolve: resolve, takenIntoAccountAt: changes.first?.date, statusChanges: changes)
        clocks.append((clock, now))
    }
    return clocks
}
let clocks = makeClocks()

/// Evaluates every ticket's deadlines and breach flags once; returns a checksum so nothing is optimised away.
func evaluateAll(_ clocks: [(SLAClock, Date)]) -> Int {
    var checksum = 0
    for (clock, now) in clocks {
        let state = clock.state(at: now)
        checksum &+= Int(state.timeToResolveDue?.timeIntervalSince1970 ?? 0) &+ (state.timeToOwnBreached ? 1 : 0)
    }
    return checksum
}

print("SLA deadlines, release build, one core; \(ProcessInfo.processInfo.activeProcessorCount) cores present")
print("\(count) tickets over 2026, Europe/Paris office calendar with holidays, 1/3 with 1–3 pauses")
_ = evaluateAll(clocks)
var rates: [Double] = []
var checksum = 0
for _ in 0..<7 {
    let start = ContinuousClock.now
    checksum = evaluateAll(clocks)
    let elapsed = ContinuousClock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    rates.append(Double(count) / seconds)
}
rates.sort()
print(String(format: "deadlines and breach flags (TTO and TTR): median %.0f /s, best %.0f /s (checksum %d)",
             rates[rates.count / 2], rates.last!, checksum))
