import Fluent
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// The background loop of one instance: scheduler, job runner and mail sender, every few seconds.
/// Safe to run in every instance at once: each step claims its work atomically in the database.
enum Workers {
    static let interval: Duration = .seconds(5)

    private struct TaskKey: StorageKey { typealias Value = Task<Void, Never> }

    static func start(_ app: Application) async throws {
        try await Scheduler(application: app).synchronise()
        let instance = app.parc.configuration.instanceName
        let task = Task {
            while !Task.isCancelled {
                await runOnce(app, instance: instance)
                try? await Task.sleep(for: interval)
            }
        }
        app.storage[TaskKey.self] = task
    }

    /// One pass of every worker; errors are logged, never fatal (the database may be restarting).
    static func runOnce(_ app: Application, instance: String) async {
        do { try await Scheduler(application: app).tick() } catch {
            app.logger.warning("scheduler tick failed", metadata: ["error": "\(error)"])
        }
        await JobRunner(application: app, instance: instance).runDue()
        do { try await MailSender(application: app, instance: instance).deliverDue() } catch {
            app.logger.warning("mail sender failed", metadata: ["error": "\(error)"])
        }
    }

    static func stop(_ app: Application) async {
        guard let task = app.storage[TaskKey.self] else { return }
        task.cancel()
        await task.value
    }
}

/// Deletes expired sessions and old login attempts.
struct CleanupJob: JobHandler {
    let kind = "platform.cleanup"

    func run(payload: String, context: JobContext) async throws -> String {
        let sessions = try await SessionModel.query(on: context.db).filter(\.$expiresAt < context.now).count()
        try await SessionModel.query(on: context.db).filter(\.$expiresAt < context.now).delete()
        let cutoff = context.now.addingTimeInterval(-7 * 86400)
        let attempts = try await LoginAttemptModel.query(on: context.db).filter(\.$attemptedAt < cutoff).count()
        try await LoginAttemptModel.query(on: context.db).filter(\.$attemptedAt < cutoff).delete()
        return "Deleted \(sessions) expired sessions and \(attempts) login attempts older than 7 days."
    }
}
