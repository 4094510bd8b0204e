import Foundation
import Logging
import ParcMail

/// Everything `parc serve` and `parc admin` need to know, from flags and environment.
public struct ParcConfiguration: Sendable {
    /// Where the SQLite database and other local state live.
    public var dataDirectory: URL
    /// PostgreSQL URL; nil means SQLite in the data directory.
    public var databaseURL: String?
    /// Connections to PostgreSQL this instance may open, at most (``defaultDatabaseConnections`` by default).
    public var databaseConnections: Int = ParcConfiguration.defaultDatabaseConnections
    /// 16: agents and users waiting on commits share them, so that PostgreSQL flushes many commits at once
    /// (decision 0084); well under PostgreSQL's default of 100 connections, even with a few instances.
    public static let defaultDatabaseConnections = 16
    public var host: String
    public var port: Int
    /// Public base URL (used in mails and to decide on Secure cookies), e.g. `https://parc.example.org`.
    public var publicURL: URL?
    /// The address links in mails and texts point to: `publicURL`, else the address the server listens on.
    public var serverURL: String { publicURL?.absoluteString ?? "http://\(host):\(port)" }
    /// Bearer token that unlocks `/metrics` from other hosts than loopback.
    public var metricsToken: String?
    /// Name of this instance in logs and job locks; defaults to host name and process id.
    public var instanceName: String
    public var logLevel: Logger.Level
    /// Whether background workers (scheduler, job runner, mail sender) run in this process.
    public var runsWorkers: Bool
    /// Addresses of reverse proxies whose `X-Forwarded-For` is believed (exact IPs).
    public var trustedProxies: Set<String> = []
    /// Outgoing mail; nil keeps mails queued until configured.
    public var mail: MailSettings?
    /// The key that encrypts stored secrets such as mailbox passwords (base64 of 32 bytes, `PARC_SECRET_KEY`);
    /// nil uses `secret.key` in the data directory, created on first use (decision 0048).
    public var secretKey: String?

    public init(dataDirectory: URL = URL(fileURLWithPath: "parc-data"), databaseURL: String? = nil,
                host: String = "127.0.0.1", port: Int = 8080, publicURL: URL? = nil, metricsToken: String? = nil,
                instanceName: String? = nil, logLevel: Logger.Level = .info, runsWorkers: Bool = true,
                mail: MailSettings? = nil) {
        self.dataDirectory = dataDirectory
        self.databaseURL = databaseURL
        self.host = host
        self.port = port
        self.publicURL = publicURL
        self.metricsToken = metricsToken
        self.instanceName = instanceName
            ?? "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
        self.logLevel = logLevel
        self.runsWorkers = runsWorkers
        self.mail = mail
    }

    /// Cookies get `Secure` when the public URL is HTTPS (the server sits behind a TLS proxy).
    public var secureCookies: Bool { publicURL?.scheme?.lowercased() == "https" }

    /// The SQLite file used when no database URL is given.
    public var sqliteFile: URL { dataDirectory.appendingPathComponent("parc.sqlite") }
}
