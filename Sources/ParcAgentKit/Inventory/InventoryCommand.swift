import ArgumentParser
import Foundation
import ParcCore

/// `parc-agent inventory`: inventories this machine, and writes the GLPI-native JSON to a file (`--output`) or
/// sends it to the server the agent was enrolled with.
public struct InventoryCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "inventory",
        abstract: "Inventory this machine: hardware, operating system, software, users.",
        discussion: """
            With --output, writes the inventory as GLPI-native JSON (inventory.schema.json) to FILE, or to \
            standard output with -. Without it, sends the inventory, compressed, to the server given at \
            enrollment (parc-agent enroll); when the server cannot be reached, the inventory waits in the \
            state directory's spool and `parc-agent run` sends it later. What could not be read (a root-only \
            file, a missing tool) is said on standard error; run as root for a complete inventory. See \
            docs/agent.md.
            """)

    @Option(help: ArgumentHelp("Write the JSON to this file (- for standard output) instead of sending it.", valueName: "file"))
    var output: String?
    @Flag(help: "Indent the JSON written by --output.") var pretty = false
    @Option(help: ArgumentHelp("The agent configuration written by enroll.", valueName: "file"))
    var config: String = AgentConfiguration.defaultPath
    @Option(
        name: .customLong("state-dir"),
        help: ArgumentHelp("Where the agent keeps its device id and spool.", valueName: "dir"))
    var stateDirectory: String = AgentState.defaultDirectory

    public init() {}

    public func run() async throws {
        do {
            let inventory = LocalInventory.forThisMachine()
            let deviceID = InventoryDeviceID.load(stateDirectory: stateDirectory, environment: inventory.environment)
            let result = inventory.collect(deviceID: deviceID)
            for note in result.notes { Output.warn("parc-agent inventory: note: \(note.description)") }
            if let output {
                try write(InventorySubmission.json(result.report, prettyPrinted: pretty), to: output)
            } else {
                try await send(result.report)
            }
        } catch {
            Output.warn("parc-agent inventory: \(error.description)")
            throw ExitCode(1)
        }
    }

    func write(_ json: Data, to output: String) throws(AgentError) {
        if output == "-" {
            FileHandle.standardOutput.write(json)
            FileHandle.standardOutput.write(Data("\n".utf8))
            return
        }
        do {
            try (json + Data("\n".utf8)).write(to: URL(fileURLWithPath: output))
        } catch {
            throw AgentError("cannot write \(output): \(error.localizedDescription)")
        }
    }

    func send(_ report: InventoryReport) async throws(AgentError) {
        let configuration = try AgentConfiguration.load(from: config)
        let client = ServerClient(server: try ServerClient.serverURL(configuration.server), credential: configuration.credential)
        let submission = InventorySubmission(client: client, spool: ReportSpool(directory: stateDirectory + "/spool"))
        switch try await submission.submit(report) {
        case .sent(let answer):
            if let answer {
                Output.line("inventory sent: asset \(answer.assetID) \(answer.created ? "created" : "updated")")
            } else {
                Output.line("inventory sent")
            }
        case .queued(let problem):
            throw AgentError("\(problem)\nthe inventory waits in \(stateDirectory)/spool; parc-agent run sends it later")
        case .rejected(let problem):
            throw AgentError("\(problem)\nthe inventory was set aside in \(stateDirectory)/spool/rejected")
        }
    }
}
