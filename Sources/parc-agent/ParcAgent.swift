import ArgumentParser
import ParcAgentKit
import ParcCore

@main
struct ParcAgent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parc-agent",
        abstract: "The Parc agent: inventory, tasks, metrics and backup on a managed machine.",
        discussion: "This version only reports its version; inventory, run and backup come with their features.",
        version: ParcVersion.current
    )
}
