import Foundation
import ParcCore
import Prometheus
import Fluent
import Vapor

/// The application-wide services, set once by `configure` and read by every request.
final class ParcServices: Sendable {
    let configuration: ParcConfiguration
    let catalog: Catalog
    let registry: FeatureRegistry
    let clock: ParcClock
    let metrics: PrometheusCollectorRegistry
    let passwordPolicy = PasswordPolicy()
    let loginThrottle = LoginThrottlePolicy()
    let accessCache = AccessCache()
    let inventory = InventoryServices()
    let sqliteWrites = SQLiteWriteQueue(limit: 1)
    /// Tickets being opened at once by this instance (decision 0038).
    let ticketOpenings = ConcurrencyLimiter(limit: 4)
    /// Stored secrets (mailbox passwords) encrypted under the server's key.
    let secrets: SecretBox
    /// Where collected and piped mail goes (``InboundMailServices/use(_:)``).
    let mailIn = InboundMailServices()

    init(configuration: ParcConfiguration, catalog: Catalog, registry: FeatureRegistry, clock: ParcClock,
         metrics: PrometheusCollectorRegistry) {
        self.configuration = configuration
        self.catalog = catalog
        self.registry = registry
        self.clock = clock
        self.metrics = metrics
        self.secrets = SecretBox(configuredKey: configuration.secretKey, dataDirectory: configuration.dataDirectory)
    }
}

/// Where "now" comes from: the system clock in production, a fixed or stepped one in tests.
public struct ParcClock: Sendable {
    public let now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date) { self.now = now }

    public static let system = ParcClock { Date() }
}

extension Application {
    private struct ServicesKey: StorageKey { typealias Value = ParcServices }

    var parc: ParcServices {
        get {
            guard let services = storage[ServicesKey.self] else {
                fatalError("configure(_:_:) must run before the application serves requests")
            }
            return services
        }
        set { storage[ServicesKey.self] = newValue }
    }
}

extension Request {
    var parc: ParcServices { application.parc }
    var now: Date { application.parc.clock.now() }

    /// The address users reach this server at, for links in mails: the public URL, else the
    /// listening address (never the request's Host header, which a client controls).
    var serverURL: String {
        if let url = parc.configuration.publicURL { return url.absoluteString }
        return "http://\(parc.configuration.host):\(parc.configuration.port)"
    }
}
