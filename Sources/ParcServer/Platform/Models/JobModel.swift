import Fluent
import FluentKit
import Foundation

/// One run of a job: queued, running, then succeeded or failed; kept as the run history.
final class JobModel: Model, @unchecked Sendable {
    static let schema = "jobs"

    enum Status: String, Codable, Sendable, CaseIterable { case queued, running, succeeded, failed }

    // managed
    @ID(key: .id) var id: UUID?
    @Field(key: "created_at") var createdAt: Date

    // data
    @Field(key: "kind") var kind: String
    @Field(key: "payload") var payload: String
    @Field(key: "status") var status: String
    @Field(key: "attempts") var attempts: Int
    @Field(key: "max_attempts") var maxAttempts: Int
    @Field(key: "run_at") var runAt: Date
    @OptionalField(key: "schedule_name") var scheduleName: String?
    @OptionalField(key: "scheduled_for") var scheduledFor: Date?
    @OptionalField(key: "locked_by") var lockedBy: String?
    @OptionalField(key: "started_at") var startedAt: Date?
    @OptionalField(key: "finished_at") var finishedAt: Date?
    @OptionalField(key: "duration_ms") var durationMs: Int?
    @OptionalField(key: "output") var output: String?
    @OptionalField(key: "last_error") var lastError: String?

    init() {}

    init(kind: String, payload: String, runAt: Date, maxAttempts: Int, now: Date, scheduleName: String? = nil,
         scheduledFor: Date? = nil) {
        self.kind = kind
        self.payload = payload
        self.status = Status.queued.rawValue
        self.attempts = 0
        self.maxAttempts = maxAttempts
        self.runAt = runAt
        self.createdAt = now
        self.scheduleName = scheduleName
        self.scheduledFor = scheduledFor
    }
}
