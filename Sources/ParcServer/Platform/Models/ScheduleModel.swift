import Fluent
import FluentKit
import Foundation

/// A periodic job's state: its cron expression and when it runs next.
final class ScheduleModel: Model, @unchecked Sendable {
    static let schema = "schedules"

    @ID(key: .id) var id: UUID?
    @Field(key: "updated_at") var updatedAt: Date
    @Field(key: "name") var name: String
    @Field(key: "cron") var cron: String
    @Field(key: "time_zone") var timeZone: String
    @Field(key: "enabled") var enabled: Bool
    @OptionalField(key: "next_run_at") var nextRunAt: Date?
    @OptionalField(key: "last_run_at") var lastRunAt: Date?

    init() {}
}
