import Foundation
import ParcBackup
import Testing

@Suite("Maintenance: forget")
struct MaintenanceForgetTests {
    private func fourSnapshots(_ fixture: MaintFixture) throws -> [SnapshotEntry] {
        try (0..<4).map { day in
            try fixture.snapshot(
                [.file("day.txt", text: "day \(day)")],
                time: Date(timeIntervalSince1970: 1_795_000_000 + Double(day) * 86_400),
                hostname: day == 3 ? "pc-2" : "pc-1")
        }
    }

    @Test("a dry run reports what a policy removes and removes nothing; the real run removes exactly that")
    func dryRunThenReal() throws {
        let fixture = try MaintFixture(local: false)
        let entries = try fourSnapshots(fixture)
        let policy = RetentionPolicy(keepLast: 1, timeZone: TimeZone(identifier: "UTC")!)
        let preview = try fixture.repository.forget(policy: policy, dryRun: true)
        #expect(preview.dryRun)
        #expect(preview.removed == [entries[0].id, entries[1].id].sorted())
        #expect(preview.remaining == 4)
        #expect(try fixture.repository.snapshots().count == 4)
        #expect(try fixture.repository.storage.list(.lock).isEmpty)

        let done = try fixture.repository.forget(policy: policy)
        #expect(done.removed == preview.removed)
        #expect(done.remaining == 2)
        #expect(try fixture.repository.snapshots().map(\.id) == [entries[2].id, entries[3].id])
        #expect(done.plan?.decision(for: entries[2].id)?.reasons.map(\.description) == ["last 1"])
        #expect(try fixture.repository.storage.list(.lock).isEmpty)
    }

    @Test("a filter leaves the other snapshots alone")
    func filter() throws {
        let fixture = try MaintFixture(local: false)
        let entries = try fourSnapshots(fixture)
        let untouched = try fixture.repository.forget(
            policy: RetentionPolicy(keepLast: 1, grouping: .host), filter: SnapshotFilter(hostnames: ["pc-2"]))
        #expect(untouched.removed.isEmpty)
        let report = try fixture.repository.forget(
            policy: RetentionPolicy(keepLast: 1), filter: SnapshotFilter(hostnames: ["pc-1"]))
        #expect(report.removed == [entries[0].id, entries[1].id].sorted())
        #expect(try fixture.repository.snapshots().map(\.id) == [entries[2].id, entries[3].id])
    }

    @Test("an empty policy is refused before anything is removed")
    func emptyPolicy() throws {
        let fixture = try MaintFixture(local: false)
        _ = try fourSnapshots(fixture)
        #expect(throws: MaintenanceError.retention(.emptyPolicy)) {
            try fixture.repository.forget(policy: RetentionPolicy())
        }
        #expect(try fixture.repository.snapshots().count == 4)
    }

    @Test("named snapshots are removed, even a damaged one; an unknown ID removes nothing")
    func byID() throws {
        let fixture = try MaintFixture()
        let entries = try fourSnapshots(fixture)
        let unknown = ObjectID.hash(Data("nope".utf8))
        #expect(throws: MaintenanceError.unknownSnapshots([unknown])) {
            try fixture.repository.forget(snapshots: [entries[0].id, unknown])
        }
        #expect(try fixture.repository.storage.list(.snapshot).count == 4)
        try fixture.flipByte(.snapshot, entries[1].id, at: 3)
        let preview = try fixture.repository.forget(snapshots: [entries[1].id], dryRun: true)
        #expect(preview.removed == [entries[1].id])
        #expect(try fixture.repository.storage.list(.snapshot).count == 4)
        let report = try fixture.repository.forget(snapshots: [entries[1].id, entries[0].id])
        #expect(report.removed == [entries[0].id, entries[1].id].sorted())
        #expect(report.remaining == 2)
        #expect(try fixture.repository.snapshots().map(\.id) == [entries[2].id, entries[3].id])
    }

    @Test("forget takes an exclusive lock: it is refused while another process holds the repository")
    func locked() throws {
        let fixture = try MaintFixture(local: false)
        _ = try fourSnapshots(fixture)
        let backup = try RepositoryLock.acquire(
            fixture.repository, exclusive: false, operation: "backup", hostname: "other-host", pid: 42)
        #expect {
            try fixture.repository.forget(policy: RetentionPolicy(keepLast: 1))
        } throws: { error in
            guard case .lock(.locked(let holder)) = error as? MaintenanceError else { return false }
            return holder.operation == "backup" && holder.hostname == "other-host"
        }
        #expect(try fixture.repository.snapshots().count == 4)
        // A dry run only reads: a shared lock is enough.
        #expect(try fixture.repository.forget(policy: RetentionPolicy(keepLast: 1), dryRun: true).removed.count == 2)
        try backup.release()
        #expect(try fixture.repository.forget(policy: RetentionPolicy(keepLast: 1)).removed.count == 2)
    }
}
