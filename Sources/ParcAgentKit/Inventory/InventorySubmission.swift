import Foundation
import ParcCore
import ParcInventory

/// Sends inventories to the server (`POST api/agent/v1/inventory`, GLPI-native JSON compressed with zlib), with
/// ``ServerClient``'s retries and back-off. What cannot reach the server waits in the spool (one inventory, the
/// newest) and goes with the next attempt; what the server refuses for good (a 4xx other than 401 and 429) is set
/// aside in `spool/rejected/`.
public struct InventorySubmission: Sendable {
    /// How a submission ended.
    public enum Outcome: Sendable {
        /// The server recorded it; its answer when it decoded.
        case sent(AgentAPI.InventoryResponse?)
        /// The server could not be reached, or failed: the inventory waits in the spool.
        case queued(problem: String)
        /// The server refused it for good: set aside in `rejected/`.
        case rejected(problem: String)
    }

    public static let path = "api/agent/v1/inventory"
    public static let contentType = "application/x-compress-zlib"

    public let client: ServerClient
    public let spool: ReportSpool

    public init(client: ServerClient, spool: ReportSpool) {
        self.client = client
        self.spool = spool
    }

    /// The report as the JSON the agent writes and sends.
    public static func json(_ report: InventoryReport, prettyPrinted: Bool = false) throws(AgentError) -> Data {
        try InventoryFormat.glpiJSON.document(for: report, prettyPrinted: prettyPrinted)
    }

    /// Sends a new inventory; it replaces any inventory still waiting.
    public func submit(_ report: InventoryReport) async throws(AgentError) -> Outcome {
        await send(InventoryCompression.zlib.compress(try Self.json(report)))
    }

    /// Sends the inventory waiting in the spool, if any.
    public func flushPending() async -> Outcome? {
        guard let pending = spool.pendingInventory else { return nil }
        return await send(pending)
    }

    func send(_ compressed: Data) async -> Outcome {
        do {
            let answer = try await client.raw("POST", Self.path, body: compressed, contentType: Self.contentType)
            spool.dropPendingInventory()
            return .sent(try? JSONDecoder.agent.decode(AgentAPI.InventoryResponse.self, from: answer))
        } catch {
            if let status = error.status, (400..<500).contains(status), status != 401, status != 429 {
                spool.rejectInventory(compressed)
                return .rejected(problem: error.description)
            }
            do {
                try spool.keepInventory(compressed)
                return .queued(problem: error.description)
            } catch let keepError {
                return .queued(problem: "\(error.description); and it could not be kept: \(keepError.description)")
            }
        }
    }
}
