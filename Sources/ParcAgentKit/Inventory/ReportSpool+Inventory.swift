import Foundation

extension ReportSpool {
    /// The inventory waiting for the server, compressed. One at most: a newer inventory replaces an older one,
    /// which it says everything of.
    var pendingInventoryPath: String { directory + "/inventory.json.zlib" }

    /// Keeps a compressed inventory until the server takes it, replacing the one waiting.
    func keepInventory(_ compressed: Data) throws(AgentError) {
        try AgentFiles.writePrivate(compressed, to: pendingInventoryPath)
    }

    /// The waiting inventory, if any.
    var pendingInventory: Data? { FileManager.default.contents(atPath: pendingInventoryPath) }

    /// Forgets the waiting inventory (sent, or superseded).
    func dropPendingInventory() {
        try? FileManager.default.removeItem(atPath: pendingInventoryPath)
    }

    /// Sets a refused inventory aside in `rejected/`, for a person to read, and forgets it.
    func rejectInventory(_ compressed: Data) {
        let rejected = directory + "/rejected"
        try? FileManager.default.createDirectory(atPath: rejected, withIntermediateDirectories: true)
        let name = String(format: "%.6f", Date().timeIntervalSince1970) + "-inventory.json.zlib"
        try? AgentFiles.writePrivate(compressed, to: rejected + "/" + name)
        dropPendingInventory()
    }
}
