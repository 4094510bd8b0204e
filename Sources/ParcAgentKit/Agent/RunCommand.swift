import ArgumentParser
import Foundation
import ParcCore

/// `parc-agent run`: the daemon. It sends an inventory of the machine at start and then every
/// `--inventory-interval` hours, fetches the backup plans that target this machine, runs each
/// backup and restore drill when its schedule says so, and reports to the server — keeping reports
/// and the inventory in a spool while the server is unreachable, and the last plans so backups go on
/// meanwhile.
public struct RunCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the agent: inventories, and backups and restore tests on the schedule of the server's plans.",
        discussion: """
            Enroll first (parc-agent enroll). Each plan's repository passphrase is read from \
            PASSWORDS_DIR/<repository id>.password (default /etc/parc-agent/repositories), never \
            from the server. Installed as a systemd service: see docs/agent.md.
            """)

    @Option(help: ArgumentHelp("The agent configuration written by enroll.", valueName: "file"))
    var config: String = AgentConfiguration.defaultPath
    @Option(name: .customLong("state-dir"), help: ArgumentHelp("Where the agent keeps its state and spool.", valueName: "dir"))
    var stateDirectory: String = AgentState.defaultDirectory
    @Option(name: .customLong("passwords-dir"), help: ArgumentHelp("Repository passphrase files.", valueName: "dir"))
    var passwordsDirectory: String?
    @Option(name: .customLong("poll-interval"), help: "Seconds between two looks at the plans (default 300).")
    var pollInterval: Double = 300
    @Option(
        name: .customLong("inventory-interval"),
        help: "Hours between two inventories, each machine up to 10 % later (default 24; 0: none).")
    var inventoryInterval: Double = 24
    @Flag(help: "Do what is due once (the inventory when its interval has passed), send the reports, and exit.")
    var once = false

    public init() {}

    public func run() async throws {
        let configuration: AgentConfiguration
        let server: URL
        do {
            configuration = try AgentConfiguration.load(from: config)
            server = try ServerClient.serverURL(configuration.server)
        } catch {
            log("error: \(error.description)")
            throw ExitCode(1)
        }
        let client = ServerClient(server: server, credential: configuration.credential)
        let statePath = stateDirectory + "/state.json"
        let spool = ReportSpool(directory: stateDirectory + "/spool")
        let executor = PlanExecutor(
            passwordsDirectory: passwordsDirectory
                ?? URL(fileURLWithPath: config).deletingLastPathComponent().appendingPathComponent("repositories").path,
            fallbackPassphrase: ProcessInfo.processInfo.environment["PARC_BACKUP_PASSWORD"])
        var state = AgentState.load(from: statePath)
        let deviceID = InventoryDeviceID.load(stateDirectory: stateDirectory, environment: .live())
        let inventory = InventoryRound(
            submission: InventorySubmission(client: client, spool: spool),
            schedule: InventorySchedule(intervalHours: inventoryInterval, deviceID: deviceID), deviceID: deviceID)
        // SIGTERM (systemctl stop) and SIGINT stop a backup in progress cleanly: no snapshot, the
        // repository intact, the run reported as failed and tried again at the next start.
        StopRequest.shared.install()
        repeat {
            await inventory.runIfDue(state: &state, log: log)
            let next = await pass(client: client, executor: executor, spool: spool, state: &state)
            do {
                try state.save(to: statePath)
            } catch {
                log("warning: \(error.description)")
            }
            if once || StopRequest.shared.isRequested { break }
            let wait = max(5, min(pollInterval, next.map { $0.timeIntervalSinceNow } ?? pollInterval))
            // Jitter, so a fleet does not hit the server in step; woken every second to see a stop.
            let until = Date().addingTimeInterval(wait + Double.random(in: 0...min(30, wait / 10)))
            while Date() < until, !StopRequest.shared.isRequested {
                try await Task.sleep(nanoseconds: 1_000_000_000)
            }
        } while !StopRequest.shared.isRequested
        log("stopped")
    }

    /// One look at the plans: runs what is due, sends the reports; returns the next fire time.
    func pass(client: ServerClient, executor: PlanExecutor, spool: ReportSpool, state: inout AgentState) async -> Date? {
        do {
            let answer = try await client.send(
                "GET", "api/agent/v1/backup/plans", body: EmptyBody?.none, as: AgentAPI.PlansResponse.self)
            state.cachedPlans = answer.plans
        } catch {
            log("warning: cannot fetch the plans (\(error.description)); using the \(state.cachedPlans.count) known")
        }
        let zone = TimeZone.current
        var next: Date?
        for plan in state.cachedPlans {
            let schedule: BackupSchedule
            do {
                schedule = try Self.schedule(of: plan)
            } catch {
                log("plan \(plan.name): \(error.description); skipped")
                continue
            }
            var planState = state.plans[plan.id] ?? AgentState.PlanState()
            if let method = schedule.dueMethod(now: Date(), timeZone: zone, lastRuns: planState.methodRuns) {
                log("plan \(plan.name): \(method.rawValue) backup of \(plan.paths.joined(separator: " "))")
                let report = executor.backup(plan, method: method, shouldStop: { StopRequest.shared.isRequested })
                log("plan \(plan.name): \(report.status)\(report.errorMessages.first.map { ": \($0)" } ?? "")")
                if report.status != "failed" {
                    var runs = planState.methodRuns
                    BackupSchedule.record(
                        ScheduledBackupMethod(rawValue: report.method) ?? method, at: report.startedAt, in: &runs)
                    planState.methodRuns = runs
                }
                queue(report, kind: "run", in: spool)
            }
            if schedule.drillDue(
                now: Date(), timeZone: zone, lastDrill: planState.lastDrill, hasBackup: !planState.lastRuns.isEmpty)
            {
                log("plan \(plan.name): restore test")
                let report = executor.drill(plan)
                log("plan \(plan.name): restore test \(report.passed ? "passed" : "FAILED")")
                planState.lastDrill = report.startedAt
                queue(report, kind: "drill", in: spool)
            }
            state.plans[plan.id] = planState
            if let fire = schedule.nextFire(after: Date(), timeZone: zone), next.map({ fire < $0 }) ?? true {
                next = fire
            }
        }
        let (sent, problem) = await spool.flush(with: client)
        if sent > 0 { log("sent \(sent) report(s) to the server") }
        if let problem { log("warning: reports kept for later: \(problem)") }
        return next
    }

    func queue<Report: Encodable>(_ report: Report, kind: String, in spool: ReportSpool) {
        do {
            try spool.add(report, kind: kind)
        } catch {
            log("warning: cannot keep the report: \(error.description)")
        }
    }

    static func schedule(of plan: AgentAPI.Plan) throws(CronExpressionError) -> BackupSchedule {
        var schedules: [ScheduledBackupMethod: CronExpression] = [:]
        if let full = plan.schedules.full { schedules[.full] = try CronExpression(full) }
        if let differential = plan.schedules.differential { schedules[.differential] = try CronExpression(differential) }
        if let incremental = plan.schedules.incremental { schedules[.incremental] = try CronExpression(incremental) }
        var drill: CronExpression?
        if let text = plan.drill.schedule { drill = try CronExpression(text) }
        return BackupSchedule(schedules: schedules, drill: drill)
    }

    func log(_ message: String) {
        let stamp = Date().formatted(Date.ISO8601FormatStyle())
        FileHandle.standardError.write(Data("\(stamp) parc-agent: \(message)\n".utf8))
    }
}
