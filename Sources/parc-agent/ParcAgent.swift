import ArgumentParser
import ParcAgentKit
import ParcCore

#if canImport(Glibc)
    import Glibc
#endif

@main
struct ParcAgent: AsyncParsableCommand {
    static func main() async {
        #if canImport(Glibc)
            // Backup threads allocate and free many large buffers; glibc's default of one arena per
            // thread (up to 8 per core) keeps freed memory mapped. Two arenas keep peak memory low at
            // no measurable cost in speed (docs/benchmarks.md).
            // (malloc.h is not in Swift's Glibc module: look mallopt up; M_ARENA_MAX is -8.)
            typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
            if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") {
                _ = unsafeBitCast(symbol, to: MallOpt.self)(-8, 2)
            }
        #endif
        CodePages.mapOnDemand()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "parc-agent",
        abstract: "The Parc agent: inventory, tasks, metrics and backup on a managed machine.",
        discussion: "This version makes inventories (parc-agent inventory --help) and runs backups (parc-agent backup --help); tasks and metrics come with their features.",
        version: ParcVersion.current,
        subcommands: [EnrollCommand.self, RunCommand.self, InventoryCommand.self, BackupCommand.self]
    )
}
