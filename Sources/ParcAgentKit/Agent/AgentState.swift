import Foundation
import ParcCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the daemon remembers between runs (`state.json`): per plan, when each method and the last
/// drill ran, and the plans last received, so that backups go on while the server is unreachable.
public struct AgentState: Codable, Sendable, Equatable {
    public struct PlanState: Codable, Sendable, Equatable {
        /// Per method (`full`, `differential`, `incremental`): the last run that satisfied it.
        public var lastRuns: [String: Date] = [:]
        public var lastDrill: Date?
        public var lastPrune: Date?

        public init() {}

        enum CodingKeys: String, CodingKey {
            case lastRuns = "last_runs"
            case lastDrill = "last_drill"
            case lastPrune = "last_prune"
        }

        /// The last runs keyed by method, as the schedule rule reads them.
        public var methodRuns: [ScheduledBackupMethod: Date] {
            get {
                var runs: [ScheduledBackupMethod: Date] = [:]
                for (name, date) in lastRuns {
                    if let method = ScheduledBackupMethod(rawValue: name) { runs[method] = date }
                }
                return runs
            }
            set { lastRuns = Dictionary(uniqueKeysWithValues: newValue.map { ($0.key.rawValue, $0.value) }) }
        }
    }

    public var plans: [String: PlanState] = [:]
    public var cachedPlans: [AgentAPI.Plan] = []
    /// When the daemon last made an inventory (sent, or queued for the server), so that a restart does not send
    /// another at once.
    public var lastInventory: Date?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case plans
        case cachedPlans = "cached_plans"
        case lastInventory = "last_inventory"
    }

    /// `/var/lib/parc-agent` as root, else `~/.local/state/parc-agent`.
    public static var defaultDirectory: String {
        if geteuid() == 0 { return "/var/lib/parc-agent" }
        let home = ProcessInfo.processInfo.environment["HOME"] ?? NSTemporaryDirectory()
        return home + "/.local/state/parc-agent"
    }

    /// Reads the state; a missing file is a fresh state, a damaged one is set aside and replaced.
    public static func load(from path: String) -> AgentState {
        guard let data = FileManager.default.contents(atPath: path) else { return AgentState() }
        if let state = try? JSONDecoder.agent.decode(AgentState.self, from: data) { return state }
        try? FileManager.default.moveItem(atPath: path, toPath: path + ".damaged")
        return AgentState()
    }

    public func save(to path: String) throws(AgentError) {
        let data: Data
        do {
            data = try JSONEncoder.agent.encode(self)
        } catch {
            throw AgentError("cannot encode the agent state: \(error)")
        }
        try AgentFiles.writePrivate(data, to: path)
    }
}

/// Reports waiting to reach the server: one JSON file each, sent in order, kept until the server
/// accepts them (or refuses them for good, then set aside in `rejected/`).
public struct ReportSpool: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// Queues a report.
    public func add<Report: Encodable>(_ report: Report, kind: String) throws(AgentError) {
        let data: Data
        do {
            data = try JSONEncoder.agent.encode(report)
        } catch {
            throw AgentError("cannot encode the report: \(error)")
        }
        let name = String(format: "%.6f", Date().timeIntervalSince1970) + "-\(kind)-\(UUID().uuidString).json"
        try AgentFiles.writePrivate(data, to: directory + "/" + name)
    }

    /// Sends every queued report; returns how many were sent and the problem that stopped it, if any.
    @discardableResult
    public func flush(with client: ServerClient) async -> (sent: Int, problem: String?) {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted()
        var sent = 0
        for name in names {
            let path = directory + "/" + name
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let endpoint = name.contains("-drill-") ? "api/agent/v1/backup/drills" : "api/agent/v1/backup/runs"
            do {
                _ = try await client.raw("POST", endpoint, json: data)
                try? FileManager.default.removeItem(atPath: path)
                sent += 1
            } catch {
                if let status = error.status, (400..<500).contains(status), status != 401, status != 429 {
                    // Refused for good (the plan was deleted…): keep it aside for a person to read.
                    let rejected = directory + "/rejected"
                    try? FileManager.default.createDirectory(atPath: rejected, withIntermediateDirectories: true)
                    try? FileManager.default.moveItem(atPath: path, toPath: rejected + "/" + name)
                    continue
                }
                return (sent, error.description)
            }
        }
        return (sent, nil)
    }
}

