import Foundation
import ParcCore

/// The inventory of the machine the agent runs on: runs the collectors and stamps the report with the agent's
/// identity and the time.
public struct LocalInventory: Sendable {
    /// The report, and what could not be read.
    public struct Result: Sendable {
        /// The inventory, ready for ``GLPIInventoryJSON``.
        public var report: InventoryReport
        /// What the collectors could not read, in the order they said it.
        public var notes: [CollectorNote]
    }

    /// The collectors, in order.
    public let collectors: [any InventoryCollector]
    /// The environment they read (for the clock).
    public let environment: InventoryEnvironment

    /// An inventory made by `collectors`.
    public init(collectors: [any InventoryCollector], environment: InventoryEnvironment) {
        self.collectors = collectors
        self.environment = environment
    }

    /// This machine's inventory with the collectors of its operating system.
    public static func forThisMachine(_ environment: InventoryEnvironment = .live()) -> LocalInventory {
        LocalInventory(collectors: LinuxCollectors.all(environment), environment: environment)
    }

    /// Runs every collector. The report is full when each section a collector is responsible for was read, even
    /// empty; when one could not be (memory modules without root, no package database), it is partial: it carries
    /// the sections that were read, and the server keeps what it knew of the others.
    public func collect(deviceID: String, tag: String? = nil) -> Result {
        var report = InventoryReport()
        report.agent = InventoryReport.Agent(deviceID: deviceID, tag: tag, versionClient: Self.versionClient)
        report.inventoriedAt = environment.localNow
        var notes: [CollectorNote] = []
        var expected: Set<InventorySection> = []
        for collector in collectors {
            collector.collect(into: &report, notes: &notes)
            expected.formUnion(collector.sections)
        }
        let unknown = expected.subtracting(report.presentSections)
        if !unknown.isEmpty {
            report.isPartial = true
            report.sections = report.presentSections
            notes.append(
                .init(
                    collector: "inventory", reason: .unavailable,
                    message: "partial inventory: \(unknown.sorted().map(\.rawValue).joined(separator: ", ")) "
                        + "could not be read, so the server keeps what it knows of them"))
        }
        return Result(report: report, notes: notes)
    }

    /// `Parc-Agent_v0.1.0`, the `versionclient` other agents send in the same form.
    public static var versionClient: String { "Parc-Agent_v" + AgentIdentity.version }

    /// A new device id in the form agents use, `<host name>-YYYY-MM-DD-HH-MM-SS`: chosen once, then kept in the
    /// agent's state.
    public static func newDeviceID(hostName: String, at time: InventoryDateTime?) -> String {
        let name = hostName.prefix { $0 != "." }
        let stamp = (time?.description ?? "1970-01-01 00:00:00").map { $0 == " " || $0 == ":" ? "-" : $0 }
        return (name.isEmpty ? "localhost" : String(name)) + "-" + String(stamp)
    }
}
