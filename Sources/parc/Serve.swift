import ArgumentParser
import Foundation
import Logging
import ParcServer

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the Parc server (web UI, REST API, scheduled jobs, outgoing mail).",
        discussion: """
            Migrates the database on start. Stops cleanly on SIGINT or SIGTERM.
            Several instances may share one PostgreSQL database behind a load balancer.
            """)

    @OptionGroup var storage: StorageOptions

    @Option(help: "Address to listen on (default 127.0.0.1, or $PARC_HOST).")
    var host: String?

    @Option(help: "Port to listen on (default 8080, or $PARC_PORT).")
    var port: Int?

    @Option(help: ArgumentHelp("Public base URL, e.g. https://parc.example.org (links in mails; Secure cookies "
        + "when https). Default $PARC_PUBLIC_URL.", valueName: "url"))
    var publicURL: String?

    @Option(help: ArgumentHelp("Token that unlocks /metrics from other hosts than loopback. Default $PARC_METRICS_TOKEN.",
                               valueName: "token"))
    var metricsToken: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (default info, or $PARC_LOG_LEVEL).")
    var logLevel: String?

    @Option(help: ArgumentHelp("Outgoing mail relay: smtp+starttls://user:password@host:587, smtps://…:465 or "
        + "smtp://127.0.0.1:25 (add ?ca=/path/ca.pem for a private CA). Default $PARC_SMTP_URL.", valueName: "url"))
    var smtpURL: String?

    @Option(help: ArgumentHelp("Sender address of Parc's mails, e.g. parc@example.org. Default $PARC_MAIL_FROM.",
                               valueName: "address"))
    var mailFrom: String?

    @Option(name: .customLong("trusted-proxy"), help: ArgumentHelp(
        "Address of a reverse proxy whose X-Forwarded-For is believed (repeatable). Default $PARC_TRUSTED_PROXIES "
            + "(comma-separated).", valueName: "ip"))
    var trustedProxies: [String] = []

    @Option(help: ArgumentHelp("Connections to PostgreSQL this instance opens at most (default "
        + "\(ParcConfiguration.defaultDatabaseConnections), or $PARC_DATABASE_CONNECTIONS).", valueName: "n"))
    var databaseConnections: Int?

    @Flag(help: "Serve HTTP only: run no scheduler, job runner or mail sender in this instance.")
    var noWorkers = false

    func run() async throws {
        try await runReportingErrors {
            let env = ProcessInfo.processInfo.environment
            var configuration = storage.configuration()
            configuration.host = host ?? env["PARC_HOST"] ?? "127.0.0.1"
            let port = port ?? env["PARC_PORT"].map({ Int($0) ?? -1 }) ?? 8080
            guard (1...65535).contains(port) else {
                throw ParcStartupError("The port must be a number from 1 to 65535.")
            }
            configuration.port = port
            if let text = publicURL ?? env["PARC_PUBLIC_URL"] {
                guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                    throw ParcStartupError("The public URL must look like https://parc.example.org.")
                }
                configuration.publicURL = url
            }
            configuration.metricsToken = metricsToken ?? env["PARC_METRICS_TOKEN"]
            if let connections = databaseConnections
                ?? env["PARC_DATABASE_CONNECTIONS"].map({ Int($0.trimmingCharacters(in: .whitespaces)) ?? -1 }) {
                guard (1...1000).contains(connections) else {
                    throw ParcStartupError("The number of database connections must be from 1 to 1000.")
                }
                configuration.databaseConnections = connections
            }
            let levelText = logLevel ?? env["PARC_LOG_LEVEL"] ?? "info"
            guard let level = Logger.Level(rawValue: levelText) else {
                throw ParcStartupError("Unknown log level '\(levelText)'; use one of "
                    + Logger.Level.allCases.map(\.rawValue).joined(separator: ", ") + ".")
            }
            configuration.logLevel = level
            configuration.runsWorkers = !noWorkers
            configuration.trustedProxies = Set(trustedProxies.isEmpty
                ? (env["PARC_TRUSTED_PROXIES"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty }
                : trustedProxies)
            if let url = smtpURL ?? env["PARC_SMTP_URL"], !url.isEmpty {
                guard let from = mailFrom ?? env["PARC_MAIL_FROM"], !from.isEmpty else {
                    throw ParcStartupError("Give the sender address with --mail-from (or PARC_MAIL_FROM) "
                        + "when you configure --smtp-url.")
                }
                configuration.mail = try MailSettings.parse(url: url, from: from,
                                                            heloName: configuration.publicURL?.host ?? ProcessInfo.processInfo.hostName)
            }
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            try await ParcServerRunner.serve(configuration)
        }
    }
}
