import Fluent
import FluentKit
import Foundation
import ParcCore
import SQLKit
import Vapor

/// Turns periodic schedules into job rows, exactly once per occurrence however many instances tick.
///
/// Each occurrence becomes one `jobs` row keyed by (schedule_name, scheduled_for) under a unique
/// index: every instance may try to insert it, the database keeps one. After an outage only the
/// latest missed occurrence runs (no burst of catch-up runs), then the schedule continues.
struct Scheduler {
    let application: Application

    /// Makes the schedules table match the registered definitions (new ones added, cron and time
    /// zone kept in sync), computing the next run of each.
    func synchronise() async throws {
        let now = application.parc.clock.now()
        for definition in application.parc.registry.schedules {
            let expression = try CronExpression(definition.cron)
            let zone = TimeZone(identifier: definition.timeZone) ?? .current
            let existing = try await ScheduleModel.query(on: application.db).filter(\.$name == definition.name).first()
            if let existing {
                guard existing.cron != definition.cron || existing.timeZone != definition.timeZone else { continue }
                existing.cron = definition.cron
                existing.timeZone = definition.timeZone
                existing.nextRunAt = expression.nextDate(after: now, in: zone)
                existing.updatedAt = now
                try await existing.update(on: application.db)
            } else {
                let schedule = ScheduleModel()
                schedule.name = definition.name
                schedule.cron = definition.cron
                schedule.timeZone = definition.timeZone
                schedule.enabled = true
                schedule.nextRunAt = expression.nextDate(after: now, in: zone)
                schedule.updatedAt = now
                // Another instance may insert the same schedule at the same moment: the unique name wins.
                do { try await schedule.create(on: application.db) } catch {
                    if try await ScheduleModel.query(on: application.db).filter(\.$name == definition.name).count() == 0 {
                        throw error
                    }
                }
            }
        }
    }

    /// Enqueues every due occurrence; returns how many job rows this instance created.
    @discardableResult
    func tick() async throws -> Int {
        let now = application.parc.clock.now()
        let definitions = Dictionary(uniqueKeysWithValues: application.parc.registry.schedules.map { ($0.name, $0) })
        let due = try await ScheduleModel.query(on: application.db).filter(\.$enabled == true)
            .filter(\.$nextRunAt <= now).all()
        var created = 0
        for schedule in due {
            guard let definition = definitions[schedule.name], let occurrence = schedule.nextRunAt,
                  let expression = try? CronExpression(schedule.cron) else { continue }
            let zone = TimeZone(identifier: schedule.timeZone) ?? .current
            // The latest occurrence that is due now (skipping any missed during an outage).
            var latest = occurrence
            while let next = expression.nextDate(after: latest, in: zone), next <= now { latest = next }
            let job = JobModel(kind: definition.kind, payload: definition.payload, runAt: latest, maxAttempts: 1,
                               now: now, scheduleName: schedule.name, scheduledFor: latest)
            job.id = UUID()
            let sql = application.db as! any SQLDatabase
            let rows = try await sql.insert(into: "jobs")
                .columns("id", "kind", "payload", "status", "attempts", "max_attempts", "run_at", "schedule_name",
                         "scheduled_for", "created_at")
                .values(SQLBind(job.id!), SQLBind(job.kind), SQLBind(job.payload), SQLBind(job.status),
                        SQLBind(0), SQLBind(1), SQLBind(latest), SQLBind(schedule.name), SQLBind(latest), SQLBind(now))
                .ignoringConflicts(with: ["schedule_name", "scheduled_for"])
                .returning("id")
                .all()
            created += rows.count
            // Move the schedule on, unless another instance already did (compare-and-set).
            let next = expression.nextDate(after: latest, in: zone)
            try await ScheduleModel.query(on: application.db)
                .filter(\.$id == schedule.id!).filter(\.$nextRunAt == occurrence)
                .set(\.$nextRunAt, to: next).set(\.$lastRunAt, to: latest).set(\.$updatedAt, to: now)
                .update()
        }
        return created
    }
}
