import ArgumentParser
import Foundation
import Logging
import ParcCore
import ParcServer

@main
struct Parc: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parc",
        abstract: "Parc — the IT support technician's workbench: fleet, network, support, in one server.",
        version: ParcVersion.current,
        subcommands: [Serve.self, Admin.self, Mail.self]
    )
}

/// Options shared by `serve` and every `admin` command: where the data lives.
struct StorageOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Directory for the SQLite database and local state.",
                                            discussion: "Default ./parc-data, or $PARC_DATA_DIR.", valueName: "dir"))
    var dataDir: String?

    @Option(name: .long, help: ArgumentHelp("PostgreSQL URL (postgres://user:password@host:5432/db); "
        + "SQLite in the data directory when absent. Default $DATABASE_URL.", valueName: "url"))
    var databaseURL: String?

    func configuration() -> ParcConfiguration {
        let env = ProcessInfo.processInfo.environment
        var configuration = ParcConfiguration()
        configuration.dataDirectory = URL(fileURLWithPath: dataDir ?? env["PARC_DATA_DIR"] ?? "parc-data")
        configuration.databaseURL = databaseURL ?? env["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        configuration.secretKey = env["PARC_SECRET_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        return configuration
    }
}

/// Runs a command body, printing a `ParcStartupError` as a plain message with exit code 1.
func runReportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as ParcStartupError {
        FileHandle.standardError.write(Data("parc: \(error.message)\n".utf8))
        throw ExitCode(1)
    }
}
