import Foundation
import Fluent
import Vapor

/// Work the job runner knows how to do. Registered by kind; payloads are JSON text.
protocol JobHandler: Sendable {
    /// Stable name stored in the jobs table.
    var kind: String { get }
    /// Does the work; returns a short output kept in the run history. Throwing marks the run failed.
    func run(payload: String, context: JobContext) async throws -> String
}

/// What a job sees: the database, a logger, the clock and the application's services.
struct JobContext: Sendable {
    let application: Application
    let logger: Logger
    let jobID: UUID

    var db: any Database { application.db }
    var now: Date { application.parc.clock.now() }
}

/// A periodic job: run `kind` on the cron expression's schedule, in a time zone.
struct ScheduleDefinition: Sendable {
    let name: String
    let cron: String
    let timeZone: String
    let kind: String
    let payload: String
}
