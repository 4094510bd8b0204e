import Foundation

/// The daemon's inventory step, at each look at the plans: a new inventory when one is due
/// (``InventorySchedule``), else the one waiting in the spool, if any. Never throws: the backups that follow
/// must run whatever happens here.
struct InventoryRound: Sendable {
    let submission: InventorySubmission
    let schedule: InventorySchedule
    let deviceID: String

    func runIfDue(state: inout AgentState, log: (String) -> Void) async {
        let now = Date()
        guard schedule.isDue(now: now, last: state.lastInventory) else {
            if let outcome = await submission.flushPending() { report(outcome, log: log) }
            return
        }
        let result = LocalInventory.forThisMachine().collect(deviceID: deviceID)
        for note in result.notes { log("inventory note: \(note.description)") }
        // Made is what counts: a queued inventory goes with the next attempts, a refused one would be refused again.
        state.lastInventory = now
        do {
            report(try await submission.submit(result.report), log: log)
        } catch {
            log("warning: \(error.description)")
        }
    }

    func report(_ outcome: InventorySubmission.Outcome, log: (String) -> Void) {
        switch outcome {
        case .sent(let answer):
            log("inventory sent" + (answer.map { ": asset \($0.assetID) \($0.created ? "created" : "updated")" } ?? ""))
        case .queued(let problem):
            log("warning: inventory kept for later: \(problem)")
        case .rejected(let problem):
            log("warning: inventory refused, set aside in spool/rejected: \(problem)")
        }
    }
}
