import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Leaf
import LeafKit
import NIOCore
import ParcCore
import SQLKit
import Vapor

/// Which database an application uses. Tests pick one per test; the CLI derives it from flags.
public enum DatabaseChoice: Sendable {
    case sqliteFile(URL)
    case sqliteMemory
    /// PostgreSQL; `searchPath` isolates a test's tables in their own schema.
    case postgres(url: String, searchPath: String?)
}

/// Options for tests and tools; production uses the defaults.
public struct ConfigureOptions: Sendable {
    public var clock: ParcClock
    /// bcrypt cost; tests lower it to keep runs fast.
    public var passwordHashCost: Int
    public var migrate: Bool

    public init(clock: ParcClock = .system, passwordHashCost: Int = 12, migrate: Bool = true) {
        self.clock = clock
        self.passwordHashCost = passwordHashCost
        self.migrate = migrate
    }
}

/// Sets up an application: database, migrations, middleware, views, routes and workers' handlers.
/// Public so that tests and the CLI build the very same application.
public func configure(_ app: Application, _ configuration: ParcConfiguration, database: DatabaseChoice,
                      options: ConfigureOptions = .init()) async throws {
    ParcMetrics.bootstrapOnce()
    let registry = FeatureRegistry()
    app.parc = ParcServices(configuration: configuration, catalog: try Catalog.loadBundled(), registry: registry,
                            clock: options.clock, metrics: ParcMetrics.registry)
    // Mail to tickets: collected and piped messages go to the helpdesk (docs/mail-in.md).
    app.parc.mailIn.use(TicketMailSink(services: app.parc))
    app.passwords.use(.bcrypt(cost: options.passwordHashCost))
    app.http.server.configuration.hostname = configuration.host
    app.http.server.configuration.port = configuration.port
    app.http.server.configuration.serverName = "parc"
    // Vapor's own request series (`http_request_duration_seconds{method,path,status}`) duplicate
    // RequestLoggingMiddleware's and triple the histogram's size; only Parc's documented series are kept.
    app.http.server.configuration.reportMetrics = false
    app.routes.defaultMaxBodySize = "1mb"

    try DatabaseSetup.use(database, connections: configuration.databaseConnections, on: app)
    app.databases.middleware.use(AccessCacheInvalidation<EntityModel>(cache: app.parc.accessCache))
    app.databases.middleware.use(AccessCacheInvalidation<ProfileModel>(cache: app.parc.accessCache))
    app.databases.middleware.use(AccessCacheInvalidation<UserModel>(cache: app.parc.accessCache))
    app.databases.middleware.use(AccessCacheInvalidation<APITokenModel>(cache: app.parc.accessCache))
    for migration in PlatformMigrations.all { app.migrations.add(migration) }
    for feature in ParcFeatures.all { app.migrations.add(feature.migrations) }
    if options.migrate {
        try await DatabaseSetup.checkReachable(app, database)
        try await DatabaseSetup.migrate(app)
    }

    // Views: bundled templates; cached outside development.
    app.views.use(.leaf)
    app.leaf.sources = .singleSource(NIOLeafFiles(
        fileio: app.fileio, limits: [.toSandbox, .requireExtensions],
        sandboxDirectory: ParcResources.viewsDirectory, viewDirectory: ParcResources.viewsDirectory))
    app.leaf.tags["t"] = TranslateTag()
    app.leaf.tags["datetime"] = DateTimeTag()
    app.leaf.tags["number"] = NumberTag()
    app.leaf.tags["present"] = PresentTag()

    // Middleware, outermost first: logging with request id, errors, static files.
    app.middleware = .init()
    app.middleware.use(RequestLoggingMiddleware())
    app.middleware.use(ParcErrorMiddleware())
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(FileMiddleware(publicDirectory: ParcResources.publicDirectory, defaultFile: nil,
                                      advancedETagComparison: true))

    try registerRoutes(app, registry: registry)
}

/// Routes: health and metrics bare, the API behind bearer tokens, the web UI behind sessions + CSRF.
private func registerRoutes(_ app: Application, registry: FeatureRegistry) throws {
    HealthController().register(app.routes)

    let sessions = SessionsMiddleware(session: DatabaseSessionDriver(), configuration: SessionsConfiguration(
        cookieName: "parc_session",
        cookieFactory: { [secure = app.parc.configuration.secureCookies] id in
            HTTPCookies.Value(string: id.string, expires: nil, maxAge: nil, path: "/", isSecure: secure,
                              isHTTPOnly: true, sameSite: .lax)
        }))
    let web = app.routes.grouped(sessions, SessionUserMiddleware(), CSRFMiddleware())
    let signedIn = web.grouped(RequireWebUserMiddleware())

    let apiRoot = app.routes.grouped("api", "v1").grouped(TokenUserMiddleware())
    let api = APIRoutes(apiRoot)

    // The agent API: its own credentials (never user tokens or sessions), its own body limit.
    let agentRoot = app.routes.grouped("api", "agent", "v1")
    let agent = AgentAPIRoutes(open: agentRoot, authenticated: agentRoot.grouped(AgentCredentialMiddleware()))

    try PlatformFeature().register(registry, web: web, signedIn: signedIn, api: api)
    for feature in ParcFeatures.all {
        try feature.register(registry, routes: signedIn, api: api)
        try feature.registerAgentAPI(agent)
        try feature.registerAgentProtocols(app.routes)
    }

    let document = OpenAPIDocument.build(api, version: ParcVersion.current)
    let documentData = try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])
    app.routes.get("api", "openapi.json") { _ in
        let response = Response(status: .ok, body: .init(data: documentData))
        response.headers.contentType = .json
        return response
    }
    app.storage[OpenAPIDocumentKey.self] = documentData
}

struct OpenAPIDocumentKey: StorageKey { typealias Value = Data }

/// Headers that make the browser refuse framing, sniffing and inline scripts.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        if response.headers.contentType?.subType == "html" {
            response.headers.replaceOrAdd(name: "Content-Security-Policy", value:
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                    + "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
        }
        return response
    }
}
