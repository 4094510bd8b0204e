// The inventory formats benchmark: scripts/bench-inventory builds and runs it in release mode.
import Foundation
import ParcCore
import ParcInventory

/// Milliseconds per call of `body`: the median and the best of `runs` timed runs, after two untimed ones.
func measure(runs: Int, _ body: () throws -> Void) rethrows -> (median: Double, best: Double) {
    try body()
    try body()
    var samples: [Double] = []
    for _ in 0..<runs {
        let start = ContinuousClock.now
        try body()
        let elapsed = ContinuousClock.now - start
        samples.append(Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) / 1e15)
    }
    samples.sort()
    return (samples[samples.count / 2], samples[0])
}

func report(_ name: String, bytes: Int, runs: Int, _ body: () throws -> Void) rethrows {
    let (median, best) = try measure(runs: runs, body)
    let megabytesPerSecond = Double(bytes) / 1_048_576 / (median / 1_000)
    print(
        name.padding(toLength: 52, withPad: " ", startingAt: 0)
            + String(format: "%8.3f ms median %8.3f ms best %7.1f MiB/s %8.0f /s", median, best, megabytesPerSecond, 1_000 / median))
}

let fixtures = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "Tests/ParcInventoryTests/Fixtures"
func load(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: fixtures + "/" + path)) }

let fusion = try load("agent-protocols/fusioninventory-zlib-send/02-POST-INVENTORY.request-body.xml")
let ocs = try load("agent-protocols/ocsinventory-agent/02-POST-INVENTORY.request-body.xml")
let computer = try load("inventory/glpi-json/computer_1.json")
let fusionReport = try InventoryXML.readInventory(fusion)
let fusionJSON = try GLPIInventoryJSON.write(fusionReport)
var big = #"{"deviceid":"d","content":{"versionclient":"v","softwares":["#
for index in 0..<100_000 {
    if index > 0 { big += "," }
    big += #"{"name":"package-\#(index)","version":"1.\#(index)","publisher":"Debian","arch":"amd64","from":"deb","filesize":\#(index),"install_date":"2025-04-20"}"#
}
big += "]}}"
let bigJSON = Data(big.utf8)
let bigReport = try GLPIInventoryJSON.read(bigJSON)

print("ParcInventory, release build, one core; \(ProcessInfo.processInfo.activeProcessorCount) cores present")
try report("FusionInventory XML, Debian 12, 802 packages (\(fusion.count / 1024) KiB)", bytes: fusion.count, runs: 200) {
    _ = try InventoryXML.readInventory(fusion)
}
try report("OCS XML, same VM, 802 packages (\(ocs.count / 1024) KiB)", bytes: ocs.count, runs: 200) {
    _ = try InventoryXML.readInventory(ocs)
}
try report("GLPI JSON of the same inventory (\(fusionJSON.count / 1024) KiB)", bytes: fusionJSON.count, runs: 200) {
    _ = try GLPIInventoryJSON.read(fusionJSON)
}
try report("GLPI JSON write of the same inventory", bytes: fusionJSON.count, runs: 200) {
    _ = try GLPIInventoryJSON.write(fusionReport)
}
try report("GLPI JSON computer_1.json (\(computer.count / 1024) KiB)", bytes: computer.count, runs: 500) {
    _ = try GLPIInventoryJSON.read(computer)
}
report("match keys of the Debian inventory", bytes: 0, runs: 2_000) {
    _ = fusionReport.matchKeys()
}
try report("GLPI JSON, 100 000 programs (\(bigJSON.count >> 20) MiB)", bytes: bigJSON.count, runs: 5) {
    _ = try GLPIInventoryJSON.read(bigJSON)
}
try report("GLPI JSON write, 100 000 programs", bytes: bigJSON.count, runs: 5) {
    _ = try GLPIInventoryJSON.write(bigReport)
}
