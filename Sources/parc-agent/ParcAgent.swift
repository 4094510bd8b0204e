import ArgumentParser
import ParcAgentKit
import ParcCore

@main
struct ParcAgent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parc-agent",
        abstract: "The Parc agent: inventory, tasks, metrics and backup on a managed machine.",
        discussion: "This version runs backups (parc-agent backup --help); inventory and tasks come with their features.",
        version: ParcVersion.current,
        subcommands: [EnrollCommand.self, RunCommand.self, BackupCommand.self]
    )
}
