import Foundation

/// Hands work to the worker threads: files found by the walker (bounded, so the walker does
/// not run far ahead), chunks of big files that a reader passes on to be compressed and
/// encrypted by an idle worker (bounded in bytes, so memory stays about threads × max chunk),
/// and small jobs taken off the walker (saving a finished directory's tree, decoding a base
/// tree ahead of the walk).
final class ArchiveWorkQueue: @unchecked Sendable {
    /// One unit of work.
    enum Task {
        case file(ArchiveFileJob)
        case save(Data, ObjectID)
        case job(@Sendable () -> Void)
    }

    private let condition = NSCondition()
    private var files: [ArchiveFileJob] = []
    private var head = 0
    private var saves: [(Data, ObjectID)] = []
    private var saveHead = 0
    private var jobs: [@Sendable () -> Void] = []
    private var jobHead = 0
    private var saveBytes = 0
    private var active = 0
    private var walkFinished = false
    private var stopped = false
    private let fileCapacity: Int
    private let saveByteLimit: Int

    /// A queue holding at most `fileCapacity` waiting files and `saveByteLimit` bytes of chunks
    /// waiting or being saved.
    init(fileCapacity: Int, saveByteLimit: Int) {
        self.fileCapacity = max(fileCapacity, 1)
        self.saveByteLimit = saveByteLimit
    }

    /// Queues a file, waiting while the queue is full; false if the run stopped.
    func push(_ job: ArchiveFileJob) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !stopped && files.count - head >= fileCapacity { condition.wait() }
        if stopped { return false }
        files.append(job)
        // Only the walker pushes files and jobs, so the waiters are idle workers: wake one.
        condition.signal()
        return true
    }

    /// Reserves room for a chunk of `byteCount` bytes; false when the caller should save it
    /// itself. After true, the caller copies the chunk and must call ``pushReservedSave(_:id:)``.
    func reserveSave(byteCount: Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !stopped, saveBytes + byteCount <= saveByteLimit else { return false }
        saveBytes += byteCount
        return true
    }

    /// Queues a chunk whose room ``reserveSave(byteCount:)`` reserved (also after a stop: queued
    /// chunks are still saved, see ``next()``).
    func pushReservedSave(_ data: Data, id: ObjectID) {
        condition.lock()
        defer { condition.unlock() }
        saves.append((data, id))
        // Broadcast: the walker may be waiting on the same condition for room for files.
        condition.broadcast()
    }

    /// Queues a small job for any worker.
    func push(job: @escaping @Sendable () -> Void) {
        condition.lock()
        defer { condition.unlock() }
        if stopped { return }
        jobs.append(job)
        condition.signal()
    }

    /// The next unit of work (chunks first, they hold memory; then jobs, the walker may wait
    /// for them), waiting for one; nil once the walk is over and all work is done, or when the
    /// run stopped. Call ``finished()`` after a file or a job.
    func next() -> Task? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if saveHead < saves.count {
                // Also after a stop: queued chunks are few, and saving them lets the index
                // written at the end name them, so the next run does not store them again.
                let (data, id) = saves[saveHead]
                // The slot lets go of the chunk at once: while a reader keeps the queue from
                // emptying, taken chunks would otherwise stay in memory until it does (measured: 64
                // chunks, 78 MB, held by one 128 MiB file).
                saves[saveHead].0 = Data()
                saveHead += 1
                if saveHead == saves.count {
                    saves.removeAll(keepingCapacity: true)
                    saveHead = 0
                } else if saveHead >= 1024 && saveHead * 2 >= saves.count {
                    saves.removeFirst(saveHead)
                    saveHead = 0
                }
                return .save(data, id)
            }
            if stopped { return nil }
            if jobHead < jobs.count {
                let job = jobs[jobHead]
                jobs[jobHead] = {}  // what the job captured goes when it is done, not when the queue empties
                jobHead += 1
                if jobHead == jobs.count {
                    jobs.removeAll(keepingCapacity: true)
                    jobHead = 0
                }
                active += 1
                return .job(job)
            }
            if head < files.count {
                let job = files[head]
                head += 1
                if head >= 1024 && head * 2 >= files.count {
                    files.removeFirst(head)
                    head = 0
                }
                active += 1
                // Wake the walker once half the queue is free, not at every file: it then
                // queues many files per wake-up.
                if files.count - head == fileCapacity / 2 { condition.broadcast() }
                return .file(job)
            }
            if walkFinished && active == 0 {
                condition.broadcast()
                return nil
            }
            condition.wait()
        }
    }

    /// A worker finished the file or job it took.
    func finished() {
        condition.lock()
        active -= 1
        // Idle workers wait for work or for the end: only the end needs telling here.
        if active == 0 && walkFinished { condition.broadcast() }
        condition.unlock()
    }

    /// A worker finished saving a queued chunk of `byteCount` bytes.
    func saveFinished(byteCount: Int) {
        condition.lock()
        saveBytes -= byteCount
        condition.unlock()
    }

    /// The walker queued its last file.
    func finishWalk() {
        condition.lock()
        walkFinished = true
        condition.broadcast()
        condition.unlock()
    }

    /// Stops everyone: waiting pushes fail, workers get no more files or jobs (only the chunks
    /// already queued).
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}
