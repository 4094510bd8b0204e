import Foundation
@testable import ParcBackup
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Counts releases from any thread.
private final class ReleaseCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

/// Something a job captures, counted when it goes.
private final class Captured: @unchecked Sendable {
    let counter: ReleaseCounter
    init(_ counter: ReleaseCounter) { self.counter = counter }
    deinit { counter.add() }
}

@Suite("Backup work queue")
struct ArchiveWorkQueueTests {
    /// A chunk whose buffer reports its release.
    private static func chunk(_ counter: ReleaseCounter, size: Int = 1000) -> Data {
        let bytes = malloc(size)!
        memset(bytes, 7, size)
        return Data(bytesNoCopy: bytes, count: size, deallocator: .custom { pointer, _ in
            free(pointer)
            counter.add()
        })
    }

    @Test("a chunk taken from the queue is freed once its taker is done, while later chunks still wait")
    func takenChunksAreReleased() throws {
        let queue = ArchiveWorkQueue(fileCapacity: 4, saveByteLimit: 1 << 20)
        let released = ReleaseCounter()
        // A reader keeps one chunk ahead of the taker, so the queue never empties.
        #expect(queue.reserveSave(byteCount: 1000))
        queue.pushReservedSave(Self.chunk(released), id: ObjectID.hash(Data([0])))
        for number in 1...20 {
            #expect(queue.reserveSave(byteCount: 1000))
            queue.pushReservedSave(Self.chunk(released), id: ObjectID.hash(Data([UInt8(number)])))
            do {
                guard case .save(let data, _) = queue.next() else {
                    Issue.record("expected a chunk")
                    return
                }
                #expect(data.count == 1000)
                queue.saveFinished(byteCount: data.count)
            }
            #expect(released.value == number, "taken chunks still held: \(number - released.value)")
        }
        guard case .save(let last, _) = queue.next() else {
            Issue.record("expected the last chunk")
            return
        }
        queue.saveFinished(byteCount: last.count)
        queue.finishWalk()
        #expect(queue.next() == nil)
    }

    @Test("what a job captures is released once the job ran, while later jobs still wait")
    func takenJobsAreReleased() {
        let queue = ArchiveWorkQueue(fileCapacity: 4, saveByteLimit: 1 << 20)
        let released = ReleaseCounter()
        func push() {
            let captured = Captured(released)
            queue.push(job: { _ = captured.counter })
        }
        push()
        for number in 1...10 {
            push()
            do {
                guard case .job(let job) = queue.next() else {
                    Issue.record("expected a job")
                    return
                }
                job()
                queue.finished()
            }
            #expect(released.value == number)
        }
    }
}
