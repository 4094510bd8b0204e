import Fluent
import FluentKit
import Foundation
import ParcCore
import SQLKit
import Vapor

/// The jobs table as a queue shared by every instance.
///
/// Claiming is one atomic UPDATE: on PostgreSQL the candidate row is picked with
/// `FOR UPDATE SKIP LOCKED`, so instances never wait on each other; on SQLite (one writer at a
/// time) the `status = 'queued'` guard is enough. Either way a job is claimed by one instance only.
struct JobQueue {
    let db: any Database
    let now: Date

    @discardableResult
    func enqueue(_ kind: String, payload: String = "{}", runAt: Date? = nil, maxAttempts: Int = 3) async throws -> JobModel {
        let job = JobModel(kind: kind, payload: payload, runAt: runAt ?? now, maxAttempts: maxAttempts, now: now)
        try await job.create(on: db)
        return job
    }

    /// How long a claimed job may run before another instance assumes its runner died and takes it over.
    static let lease: TimeInterval = 3600

    /// Claims the oldest due job for this instance, or nil when none is due. A job left `running`
    /// longer than the lease (its instance was killed or redeployed) is claimed again.
    func claim(instance: String) async throws -> JobModel? {
        guard let sql = db as? any SQLDatabase else { return nil }
        let lock = db.isPostgres ? " FOR UPDATE SKIP LOCKED" : ""
        let expired = now.addingTimeInterval(-Self.lease)
        let rows = try await sql.raw("""
            UPDATE jobs SET status = 'running', locked_by = \(bind: instance), started_at = \(bind: now),
                attempts = attempts + 1
            WHERE id = (SELECT id FROM jobs
                        WHERE (status = 'queued' AND run_at <= \(bind: now))
                           OR (status = 'running' AND started_at < \(bind: expired))
                        ORDER BY run_at, created_at LIMIT 1\(unsafeRaw: lock))
              AND (status = 'queued' OR (status = 'running' AND started_at < \(bind: expired)))
            RETURNING id
            """).all()
        guard let row = rows.first, let id = try? row.decode(column: "id", as: UUID.self) else { return nil }
        return try await JobModel.find(id, on: db)
    }
}

/// Runs due jobs with their registered handlers and records the outcome.
struct JobRunner {
    let application: Application
    let instance: String

    /// Runs due jobs until none is left (or `limit` ran); returns how many ran.
    @discardableResult
    func runDue(limit: Int = 50) async -> Int {
        var count = 0
        while count < limit {
            let now = application.parc.clock.now()
            let claimed: JobModel?
            do {
                claimed = try await JobQueue(db: application.db, now: now).claim(instance: instance)
            } catch {
                application.logger.warning("job queue unavailable", metadata: ["error": "\(error)"])
                return count
            }
            guard let job = claimed else { return count }
            await run(job)
            count += 1
        }
        return count
    }

    private func run(_ job: JobModel) async {
        var logger = application.logger
        logger[metadataKey: "job_id"] = .string(job.id!.uuidString)
        logger[metadataKey: "job_kind"] = .string(job.kind)
        let start = DispatchTime.now().uptimeNanoseconds
        var status = JobModel.Status.succeeded
        var output: String?
        var failure: String?
        if let handler = application.parc.registry.job(job.kind) {
            do {
                output = try await handler.run(payload: job.payload,
                                               context: JobContext(application: application, logger: logger, jobID: job.id!))
            } catch {
                status = .failed
                failure = String(String(describing: error).prefix(2000))
            }
        } else {
            status = .failed
            failure = "No handler for job kind '\(job.kind)' in this version of Parc."
        }
        let now = application.parc.clock.now()
        job.finishedAt = now
        job.durationMs = Int((DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)
        job.output = output.map { String($0.prefix(10_000)) }
        job.lastError = failure
        if status == .failed, job.attempts < job.maxAttempts,
           let retry = RetrySchedule(maxAttempts: job.maxAttempts, firstDelay: 30, maxDelay: 3600)
            .nextAttempt(afterFailures: job.attempts, now: now) {
            // Passing failures are retried with back-off; the history keeps the last error.
            job.status = JobModel.Status.queued.rawValue
            job.runAt = retry
        } else {
            job.status = status.rawValue
        }
        do { try await job.update(on: application.db) } catch {
            logger.error("could not record job outcome", metadata: ["error": "\(error)"])
        }
        if status == .failed {
            logger.warning("job failed", metadata: ["error": .string(failure ?? "")])
        } else {
            logger.info("job done", metadata: ["duration_ms": .stringConvertible(job.durationMs ?? 0)])
        }
    }
}
