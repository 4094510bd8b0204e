import ArgumentParser
import Foundation
import ParcCore
import ParcInventory

/// `parc-agent inventory`: inventories this machine, and writes it to a file (`--output`), sends it to the server the
/// agent was enrolled with, or sends it to `--server` (enrolling first with `--token`; decision 0034). GLPI-native
/// JSON by default, FusionInventory XML with `--format xml`.
public struct InventoryCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "inventory",
        abstract: "Inventory this machine: hardware, operating system, software, users.",
        discussion: """
            With --output, writes the inventory to FILE, or to standard output with -: GLPI-native JSON \
            (inventory.schema.json), or FusionInventory XML with --format xml. Without it, sends the inventory, \
            compressed, to the server given at enrollment (parc-agent enroll); when the server cannot be reached, \
            the inventory waits in the state directory's spool and `parc-agent run` sends it later. With --server \
            URL --token TOKEN, enrolls this machine with that server first (as parc-agent enroll, saving --config) \
            and sends the inventory there. With --server URL --format xml, posts the XML to that URL as \
            fusioninventory-agent does (Parc, GLPI, OCS), without enrollment; --user and --password-file (or \
            PARC_INVENTORY_PASSWORD) give the HTTP basic credentials such a server may require. What could not be read (a root-only \
            file, a missing tool) is said on standard error; run as root for a complete inventory. Exit status: 0 \
            written or sent, 1 failed, 11 enrollment token refused, 64 bad options. See docs/agent.md.
            """)

    @Option(help: ArgumentHelp("Write the inventory to this file (- for standard output) instead of sending it.", valueName: "file"))
    var output: String?
    @Option(help: ArgumentHelp("json (GLPI-native, the default) or xml (FusionInventory/OCS).", valueName: "format"))
    var format: InventoryFormat = .glpiJSON
    @Flag(help: "Indent what --output writes.") var pretty = false
    @Option(help: ArgumentHelp("Send to this server rather than the one given at enrollment.", valueName: "url"))
    var server: String?
    @Option(help: ArgumentHelp("An enrollment token of the server's entity: enroll with --server first, then send.", valueName: "token"))
    var token: String?
    @Option(help: ArgumentHelp(
        "With --format xml --server: the user name of the server's HTTP basic credentials.", valueName: "name"))
    var user: String?
    @Option(
        name: .customLong("password-file"),
        help: ArgumentHelp(
            "With --user: a file whose first line is the password (else PARC_INVENTORY_PASSWORD).", valueName: "file"))
    var passwordFile: String?
    @Option(help: ArgumentHelp("The agent configuration written by enroll.", valueName: "file"))
    var config: String = AgentConfiguration.defaultPath
    @Option(
        name: .customLong("state-dir"),
        help: ArgumentHelp("Where the agent keeps its device id and spool.", valueName: "dir"))
    var stateDirectory: String = AgentState.defaultDirectory

    public init() {}

    public func validate() throws {
        if output != nil, server != nil {
            throw ValidationError("--output writes the inventory and --server sends it: give one or the other.")
        }
        if let token {
            guard server != nil else {
                throw ValidationError("--token needs --server: the enrollment token is presented to that server.")
            }
            guard format == .glpiJSON else {
                throw ValidationError(
                    "--token enrolls with Parc's agent API, which takes JSON; the FusionInventory protocol of "
                        + "--format xml has no token (the server files XML inventories by its own rules): leave out "
                        + "--token, or --format.")
            }
            guard !token.hasPrefix("parca_") else {
                throw ValidationError(
                    "--token takes an enrollment token (parce_…), not an agent credential (parca_…): ask an "
                        + "administrator for an enrollment token of the machine's entity.")
            }
            guard !token.isEmpty else { throw ValidationError("--token is empty.") }
        }
        if format == .xml, output == nil, server == nil {
            throw ValidationError(
                "--format xml needs --output FILE or --server URL: an enrolled agent sends JSON to its own server.")
        }
        if user != nil || passwordFile != nil {
            guard format == .xml, server != nil else {
                throw ValidationError(
                    "--user and --password-file are the HTTP basic credentials of --format xml --server URL; Parc's "
                        + "own API takes the agent's credential instead (parc-agent enroll).")
            }
            guard let user, !user.isEmpty, !user.contains(":") else {
                throw ValidationError(
                    user == nil ? "--password-file needs --user, the user name that goes with the password."
                        : "--user must be a user name without ':' (HTTP basic credentials cannot carry one).")
            }
            _ = try basicCredentials()
        }
        if let server {
            do {
                _ = try ServerClient.serverURL(server)
            } catch {
                throw ValidationError(error.description + ".")
            }
        }
    }

    public func run() async throws {
        // A refused token ends the command before the machine is inventoried, with enroll's exit status.
        var enrolled: AgentConfiguration?
        if let server, let token {
            do {
                let configuration = try await AgentEnrollment.enroll(
                    server: try ServerClient.serverURL(server), token: token, savingTo: config)
                Output.line("enrolled as agent \(configuration.agentID); configuration saved in \(config)")
                enrolled = configuration
            } catch {
                Output.warn("parc-agent inventory: \(error.description)")
                throw ExitCode(error.status == 401 ? 11 : 1)
            }
        }
        do {
            let inventory = LocalInventory.forThisMachine()
            let deviceID = InventoryDeviceID.load(stateDirectory: stateDirectory, environment: inventory.environment)
            let result = inventory.collect(deviceID: deviceID)
            for note in result.notes { Output.warn("parc-agent inventory: note: \(note.description)") }
            if format == .xml, result.report.isPartial {
                Output.warn(
                    "parc-agent inventory: note: XML has no partial inventories: what could not be read (above) "
                        + "reads as none")
            }
            if let output {
                try write(format.document(for: result.report, prettyPrinted: pretty), to: output)
            } else if let server, format == .xml {
                try await sendXML(result.report, to: try ServerClient.serverURL(server))
            } else if let enrolled {
                try await send(result.report, configuration: enrolled)
            } else {
                try await send(result.report, configuration: try savedConfiguration())
            }
        } catch {
            Output.warn("parc-agent inventory: \(error.description)")
            throw ExitCode(1)
        }
    }

    func write(_ document: Data, to output: String) throws(AgentError) {
        if output == "-" {
            FileHandle.standardOutput.write(document)
            FileHandle.standardOutput.write(Data("\n".utf8))
            return
        }
        do {
            try (document + Data("\n".utf8)).write(to: URL(fileURLWithPath: output))
        } catch {
            throw AgentError("cannot write \(output): \(error.localizedDescription)")
        }
    }

    /// The configuration written by enroll; with `--server`, only when it was issued by that server: a credential
    /// never goes to a server that did not issue it.
    func savedConfiguration() throws(AgentError) -> AgentConfiguration {
        let configuration = try AgentConfiguration.load(from: config)
        if let server, !ServerClient.sameServer(configuration.server, server) {
            throw AgentError(
                "the credential in \(config) was issued by \(configuration.server), not \(server): pass --token with "
                    + "an enrollment token of \(server), or leave out --server")
        }
        return configuration
    }

    func send(_ report: InventoryReport, configuration: AgentConfiguration) async throws(AgentError) {
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

    /// The HTTP basic credentials of `--user`, the password from `--password-file`, else `PARC_INVENTORY_PASSWORD`.
    func basicCredentials(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ValidationError)
        -> ServerClient.BasicCredentials?
    {
        guard let user else { return nil }
        if let passwordFile {
            do {
                return .init(user: user, password: try PassphraseSource.readFile(passwordFile))
            } catch {
                throw ValidationError(error.description + ".")
            }
        }
        guard let password = environment["PARC_INVENTORY_PASSWORD"], !password.isEmpty else {
            throw ValidationError(
                "--user needs its password: --password-file FILE (its first line), or PARC_INVENTORY_PASSWORD. It "
                    + "is never taken on the command line, where other users of the machine could read it.")
        }
        return .init(user: user, password: password)
    }

    func sendXML(_ report: InventoryReport, to server: URL) async throws(AgentError) {
        var client = ServerClient(server: server, credential: nil, attempts: 3)
        do {
            client.basic = try basicCredentials()
        } catch {
            throw AgentError(error.message)
        }
        if client.basic != nil, server.scheme?.lowercased() == "http", !Self.isLoopback(server.host ?? "") {
            Output.warn("parc-agent inventory: note: the password goes in clear over http; use https")
        }
        let submission = InventoryXMLSubmission(client: client)
        let reply = try await submission.submit(report)
        Output.line("inventory sent to \(server.absoluteString)" + (reply.response.map { ": \($0)" } ?? ""))
    }

    static func isLoopback(_ host: String) -> Bool {
        let name = host.lowercased()
        return name == "localhost" || name.hasPrefix("127.") || name == "::1" || name == "[::1]"
    }
}
