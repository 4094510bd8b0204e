/// Points where tests reach into a run: a file that changes while it is read, a file that
/// cannot be opened even by root. Production runs use ``none``.
struct ArchiverHooks: Sendable {
    /// Called after a file's content was read, before it is checked for changes; `attempt` is 1,
    /// then 2 if the file changed.
    var afterFileRead: (@Sendable (_ path: [UInt8], _ attempt: Int) -> Void)?
    /// An `errno` with which opening this file or directory fails, or nil to open it.
    var openFailure: (@Sendable (_ path: [UInt8]) -> Int32?)?

    /// No hook.
    static let none = ArchiverHooks()
}
