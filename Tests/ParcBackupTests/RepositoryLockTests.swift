import Foundation
import ParcBackup
import Testing

@Suite("Repository locks")
struct RepositoryLockTests {
    let storage = InMemoryRepositoryStorage()
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func repository() throws -> Repository {
        try Repository.initialize(storage: storage, passphrase: "p", kdf: .fastForTests)
    }

    @Test("shared locks coexist, and an exclusive one is refused while they are held, naming the holder")
    func sharedAndExclusive() throws {
        let repository = try repository()
        let backupA = try RepositoryLock.acquire(
            repository, exclusive: false, operation: "backup", hostname: "pc-1", pid: 10, now: now
        ) { _ in true }
        let backupB = try RepositoryLock.acquire(
            repository, exclusive: false, operation: "backup", hostname: "pc-2", pid: 20, now: now
        ) { _ in true }
        #expect {
            try RepositoryLock.acquire(
                repository, exclusive: true, operation: "prune", hostname: "pc-3", pid: 30, now: now
            ) { _ in true }
        } throws: { error in
            guard case .locked(let other) = error as? LockError else { return false }
            return other.operation == "backup" && !other.exclusive
        }
        #expect(try storage.list(.lock).count == 2)
        try backupA.release()
        try backupB.release()
        let prune = try RepositoryLock.acquire(
            repository, exclusive: true, operation: "prune", hostname: "pc-3", pid: 30, now: now
        ) { _ in true }
        #expect(throws: LockError.self) {
            try RepositoryLock.acquire(
                repository, exclusive: false, operation: "backup", hostname: "pc-1", pid: 11, now: now
            ) { _ in true }
        }
        try prune.release()
        #expect(try storage.list(.lock).isEmpty)
    }

    @Test("a lock older than 30 minutes, or of a dead process on this host, does not block")
    func staleLocks() throws {
        let repository = try repository()
        _ = try RepositoryLock.acquire(
            repository, exclusive: true, operation: "prune", hostname: "pc-1", pid: 10, now: now
        ) { _ in true }
        let later = now.addingTimeInterval(31 * 60)
        var lock = try RepositoryLock.acquire(
            repository, exclusive: true, operation: "prune", hostname: "pc-2", pid: 20, now: later
        ) { _ in true }
        try lock.release()
        _ = try RepositoryLock.acquire(
            repository, exclusive: false, operation: "backup", hostname: "pc-9", pid: 99, now: later
        ) { _ in true }
        lock = try RepositoryLock.acquire(
            repository, exclusive: true, operation: "prune", hostname: "pc-9", pid: 100, now: later
        ) { $0 != 99 }
        let before = lock.lockID
        try lock.refresh(now: later.addingTimeInterval(300))
        #expect(lock.lockID != before)
        #expect(!(try storage.list(.lock)).contains(before.hex))
    }
}
