import Foundation
import ParcCore
import Testing

@Suite("Backup fleet rules: RPO, 3-2-1, plan settings, chart geometry")
struct BackupFleetRulesTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("RPO: never without a recovery point, ok up to the limit, late one second after")
    func rpoStates() {
        let rpo = RecoveryPointObjective(hours: 26)
        #expect(rpo.state(lastRecoveryPoint: nil, now: now) == .never)
        #expect(rpo.state(lastRecoveryPoint: now.addingTimeInterval(-3600), now: now) == .ok)
        #expect(rpo.state(lastRecoveryPoint: now.addingTimeInterval(-26 * 3600), now: now) == .ok)
        #expect(rpo.state(lastRecoveryPoint: now.addingTimeInterval(-26 * 3600 - 1), now: now) == .late)
        #expect(rpo.state(lastRecoveryPoint: now.addingTimeInterval(600), now: now) == .ok)
        #expect(rpo.deadline(after: now) == now.addingTimeInterval(26 * 3600))
        #expect(RecoveryPointObjective().hours == 26)
        #expect(RPOState.never > RPOState.late && RPOState.late > RPOState.ok)
    }

    @Test("partial runs are recovery points, failed ones are not")
    func recoveryPoints() {
        #expect(BackupRunStatus.success.isRecoveryPoint)
        #expect(BackupRunStatus.partial.isRecoveryPoint)
        #expect(!BackupRunStatus.failed.isRecoveryPoint)
    }

    @Test("3-2-1: none, one copy, two without off-site, two with off-site; old copies do not count")
    func threeTwoOne() {
        let local = UUID(), nas = UUID(), cloud = UUID()
        let recent = now.addingTimeInterval(-3600)
        let old = now.addingTimeInterval(-30 * 3600)
        #expect(ThreeTwoOneRule.evaluate([], now: now) == .none)
        #expect(ThreeTwoOneRule.evaluate([.init(repositoryID: local, offSite: false, lastRecoveryPoint: recent)],
                                         now: now) == .singleCopy)
        #expect(ThreeTwoOneRule.evaluate([.init(repositoryID: cloud, offSite: true, lastRecoveryPoint: recent)],
                                         now: now) == .singleCopy)
        #expect(ThreeTwoOneRule.evaluate([.init(repositoryID: local, offSite: false, lastRecoveryPoint: recent),
                                          .init(repositoryID: nas, offSite: false, lastRecoveryPoint: recent)],
                                         now: now) == .noOffSite)
        #expect(ThreeTwoOneRule.evaluate([.init(repositoryID: local, offSite: false, lastRecoveryPoint: recent),
                                          .init(repositoryID: cloud, offSite: true, lastRecoveryPoint: recent)],
                                         now: now) == .ok)
        // The off-site copy is too old under the default RPO …
        #expect(ThreeTwoOneRule.evaluate([.init(repositoryID: local, offSite: false, lastRecoveryPoint: recent),
                                          .init(repositoryID: cloud, offSite: true, lastRecoveryPoint: old)],
                                         now: now) == .singleCopy)
        // … but not under the weekly RPO of the plan that writes there.
        #expect(ThreeTwoOneRule.evaluate([.init(repositoryID: local, offSite: false, lastRecoveryPoint: recent),
                                          .init(repositoryID: cloud, offSite: true, lastRecoveryPoint: old,
                                                rpo: .init(hours: 24 * 8))], now: now) == .ok)
        // The same repository twice is one copy.
        #expect(ThreeTwoOneRule.evaluate([.init(repositoryID: cloud, offSite: true, lastRecoveryPoint: recent),
                                          .init(repositoryID: cloud, offSite: true, lastRecoveryPoint: recent)],
                                         now: now) == .singleCopy)
    }

    @Test("a machine shows its worst plan; without plans the default RPO applies")
    func fleetStatus() {
        let nightly = UUID(), weekly = UUID()
        let status = BackupFleetStatus(plans: [
            .init(planID: nightly, rpo: .init(hours: 26), lastRecoveryPoint: now.addingTimeInterval(-3600)),
            .init(planID: weekly, rpo: .init(hours: 200), lastRecoveryPoint: nil),
        ], lastRecoveryPoint: now.addingTimeInterval(-3600), copies: [], now: now)
        #expect(status.rpoState == .never)
        #expect(status.rpo.hours == 200)
        #expect(status.plans.map(\.state) == [.ok, .never])

        let late = BackupFleetStatus(plans: [
            .init(planID: nightly, rpo: .init(hours: 26), lastRecoveryPoint: now.addingTimeInterval(-27 * 3600)),
            .init(planID: weekly, rpo: .init(hours: 10), lastRecoveryPoint: now.addingTimeInterval(-11 * 3600)),
        ], lastRecoveryPoint: now.addingTimeInterval(-11 * 3600), copies: [], now: now)
        #expect(late.rpoState == .late)
        #expect(late.rpo.hours == 10)

        let unplanned = BackupFleetStatus(plans: [], lastRecoveryPoint: now.addingTimeInterval(-25 * 3600), copies: [],
                                          now: now)
        #expect(unplanned.rpoState == .ok)
        #expect(BackupFleetStatus(plans: [], lastRecoveryPoint: nil, copies: [], now: now).rpoState == .never)
    }

    @Test("plan settings: valid ones pass, each rule names its field")
    func planValidation() {
        var settings = BackupPlanSettings(name: "Postes", paths: ["/home", "C:\\Users"], excludes: ["*.tmp"],
                                          schedules: [.incremental: "0 12 * * 1-5", .full: "@weekly"],
                                          retention: .init(keepLast: 10, keepDaily: 7), drillSchedule: "0 3 1 * *")
        #expect(BackupPlanRules.validate(settings) == [:])
        settings.name = "  "
        settings.paths = []
        settings.schedules[.differential] = "0 25 * * *"
        settings.drillSchedule = "every day"
        settings.retention.keepWeekly = 0
        settings.drillSample = -1
        settings.rpoHours = 0
        let errors = BackupPlanRules.validate(settings)
        #expect(Set(errors.keys) == ["name", "paths", "schedules.differential", "drill.schedule",
                                     "retention.keep_weekly", "drill.sample", "rpo_hours"])
        #expect(errors["schedules.differential"]?.hasPrefix("Not a valid cron schedule: field 2 (hour)") == true)
        settings = BackupPlanSettings(name: "x", paths: ["/ok", "bad\u{0}path"])
        #expect(BackupPlanRules.validate(settings)["paths"] == BackupPlanRules.pathMessage)
        settings = BackupPlanSettings(name: "x", paths: Array(repeating: "/a", count: 101))
        #expect(BackupPlanRules.validate(settings)["paths"] == BackupPlanRules.tooManyPathsMessage)
        #expect(BackupPlanRules.cronProblem("") == nil)
        #expect(BackupPlanRules.cronProblem("@reboot") != nil)
    }

    @Test("chart layout: nice ceilings, time on x, values on y, one point centred")
    func chartLayout() throws {
        #expect(SeriesChartLayout.niceCeiling(0.3) == 0.5)
        #expect(SeriesChartLayout.niceCeiling(7) == 10)
        #expect(SeriesChartLayout.niceCeiling(1_800) == 2_000)
        #expect(SeriesChartLayout.niceCeiling(2_400) == 2_500)
        #expect(SeriesChartLayout.niceCeiling(1_000) == 1_000)
        let points = [SeriesChartLayout.Point(date: now, value: 0),
                      .init(date: now.addingTimeInterval(100), value: 50),
                      .init(date: now.addingTimeInterval(200), value: 100)]
        let layout = try #require(SeriesChartLayout(series: [points], left: 10, top: 0, width: 200, height: 100))
        #expect(layout.maxValue == 100)
        #expect(layout.polyline(points.reversed()) == "10,100 110,50 210,0")
        #expect(layout.gridValues == [0, 25, 50, 75, 100])
        let single = try #require(SeriesChartLayout(series: [[points[1]]], left: 0, top: 0, width: 100, height: 10))
        #expect(single.x(points[1].date) == 50)
        #expect(SeriesChartLayout(series: [[]], left: 0, top: 0, width: 1, height: 1) == nil)
    }

    @Test("RPO late alert: one RPO after the later of the last recovery point and joining the plan, again per RPO missed")
    func rpoAlertRule() {
        let rpo = RecoveryPointObjective(hours: 24)
        let day: TimeInterval = 24 * 3600
        let joined = now.addingTimeInterval(-day)
        // never backed up: on time exactly one RPO after joining, late one second after
        #expect(RPOAlertRule.decide(lastRecoveryPoint: nil, coveredSince: joined, rpo: rpo, now: now,
                                    openAlertLastRaised: nil) == .quiet)
        #expect(RPOAlertRule.decide(lastRecoveryPoint: nil, coveredSince: joined.addingTimeInterval(-1), rpo: rpo,
                                    now: now, openAlertLastRaised: nil) == .raise(overdueSince: now.addingTimeInterval(-1)))
        // an old recovery point from before joining does not make a newcomer late at once
        #expect(RPOAlertRule.decide(lastRecoveryPoint: now.addingTimeInterval(-10 * day), coveredSince: now.addingTimeInterval(-3600),
                                    rpo: rpo, now: now, openAlertLastRaised: nil) == .quiet)
        // late by its last recovery point
        let last = now.addingTimeInterval(-30 * 3600)
        #expect(RPOAlertRule.overdueSince(lastRecoveryPoint: last, coveredSince: last.addingTimeInterval(-day), rpo: rpo)
            == last.addingTimeInterval(day))
        #expect(RPOAlertRule.decide(lastRecoveryPoint: last, coveredSince: joined.addingTimeInterval(-day), rpo: rpo,
                                    now: now, openAlertLastRaised: nil) == .raise(overdueSince: last.addingTimeInterval(day)))
        // open: quiet until another whole RPO passed since the last raise, then raised again
        #expect(RPOAlertRule.decide(lastRecoveryPoint: last, coveredSince: joined.addingTimeInterval(-day), rpo: rpo,
                                    now: now, openAlertLastRaised: now.addingTimeInterval(-3600)) == .quiet)
        #expect(RPOAlertRule.decide(lastRecoveryPoint: last, coveredSince: joined.addingTimeInterval(-day), rpo: rpo,
                                    now: now, openAlertLastRaised: now.addingTimeInterval(-day))
            == .raise(overdueSince: last.addingTimeInterval(day)))
        // back within the RPO: the open alert resolves; without one, nothing happens
        #expect(RPOAlertRule.decide(lastRecoveryPoint: now, coveredSince: joined, rpo: rpo, now: now,
                                    openAlertLastRaised: joined) == .resolve)
        #expect(RPOAlertRule.decide(lastRecoveryPoint: now, coveredSince: joined, rpo: rpo, now: now,
                                    openAlertLastRaised: nil) == .quiet)
        #expect(!AssetStatus.retired.isInService && !AssetStatus.disposed.isInService && AssetStatus.inRepair.isInService)
    }
}
