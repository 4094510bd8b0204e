import Foundation
import Logging
import NIOCore
import NIOPosix
import ParcCore
import Fluent
import Vapor

/// Runs `parc serve`: configure, bind, serve until SIGINT/SIGTERM, shut down cleanly.
public enum ParcServerRunner {
    public static func serve(_ configuration: ParcConfiguration) async throws {
        let database = try DatabaseSetup.choice(for: configuration)
        let app = try await Application.make(Environment(name: "production", arguments: ["parc"]))
        app.logger.logLevel = configuration.logLevel
        do {
            try await configure(app, configuration, database: database)
            if try await UserModel.query(on: app.db).count() == 0 {
                app.logger.notice("""
                    No account exists yet. Create the first administrator with
                      parc admin create-user --login admin --role super-admin --password-stdin
                    or open http://\(configuration.host):\(configuration.port)/setup from this machine.
                    """)
            }
            try await app.startup()
            if configuration.runsWorkers { try await Workers.start(app) }
            app.logger.notice("Parc \(ParcVersion.current) listening on http://\(configuration.host):\(configuration.port)")
            try await app.running?.onStop.get()
            // Stop taking requests and let those in flight finish before the database pools close:
            // Vapor's own shutdown order between the two is not guaranteed.
            await app.server.shutdown()
            await Workers.stop(app)
            try await app.asyncShutdown()
        } catch let error as ParcStartupError {
            try? await app.asyncShutdown()
            throw error
        } catch {
            try? await app.asyncShutdown()
            throw Self.explain(error, configuration)
        }
    }

    /// Turns low-level start-up failures (port in use, permission denied) into clear messages.
    static func explain(_ error: any Error, _ configuration: ParcConfiguration) -> any Error {
        let text = String(describing: error)
        if text.contains("Address already in use") || text.contains("EADDRINUSE") || text.contains("errno: 98") {
            return ParcStartupError("Port \(configuration.port) on \(configuration.host) is already in use. "
                + "Stop the other program or choose another port with --port.")
        }
        if text.contains("Permission denied") || text.contains("errno: 13") {
            return ParcStartupError("Not allowed to listen on \(configuration.host):\(configuration.port). "
                + "Ports below 1024 need privileges: choose a port above 1024 with --port.")
        }
        if text.contains("Cannot assign requested address") || text.contains("errno: 99") {
            return ParcStartupError("\(configuration.host) is not an address of this machine; choose another with --host.")
        }
        return error
    }
}
