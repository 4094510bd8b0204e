import ArgumentParser
import Foundation

/// `parc-agent enroll`: exchanges an entity's enrollment token for this agent's own credential.
public struct EnrollCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "enroll",
        abstract: "Register this machine with a Parc server, using an enrollment token of its entity.",
        discussion: """
            An administrator creates the token in Parc (Agents › Enrollment tokens). The agent's \
            credential is saved in --config (default /etc/parc-agent/agent.json as root), mode 600.
            """)

    @Option(help: ArgumentHelp("The Parc server's URL.", valueName: "url")) var server: String
    @Option(help: ArgumentHelp("The enrollment token (or PARC_ENROLLMENT_TOKEN).", valueName: "token"))
    var token: String?
    @Option(help: ArgumentHelp("Where to save the agent's configuration.", valueName: "file"))
    var config: String = AgentConfiguration.defaultPath

    public init() {}

    public func run() async throws {
        do {
            let url = try ServerClient.serverURL(server)
            guard let token = token ?? ProcessInfo.processInfo.environment["PARC_ENROLLMENT_TOKEN"], !token.isEmpty
            else {
                throw AgentError("no enrollment token: pass --token or set PARC_ENROLLMENT_TOKEN")
            }
            let configuration = try await AgentEnrollment.enroll(server: url, token: token, savingTo: config)
            print("enrolled as agent \(configuration.agentID); configuration saved in \(config)")
        } catch let error as AgentError {
            FileHandle.standardError.write(Data("parc-agent enroll: \(error.description)\n".utf8))
            throw ExitCode(error.status == 401 ? 11 : 1)
        }
    }
}
