import Foundation
import ParcCore
import ParcInventory

/// Sends an inventory as FusionInventory agents do (PROTOCOL.md, decision 0034): one `INVENTORY` message in
/// FusionInventory XML, compressed with zlib (`application/x-compress-zlib`), posted to the server's URL as given, with
/// no credential; the server files it by its own rules. No PROLOG first: a run by hand is a forced run. The answer
/// must be a `<REPLY>`; a 4xx shows the server's `<REPLY><ERROR>`.
public struct InventoryXMLSubmission: Sendable {
    public static let contentType = "application/x-compress-zlib"

    public let client: ServerClient

    public init(client: ServerClient) {
        self.client = client
    }

    /// Sends `report`; the server's reply.
    public func submit(_ report: InventoryReport) async throws(AgentError) -> ServerXMLReply {
        let xml = try InventoryFormat.xml.document(for: report, prettyPrinted: false)
        let answer = try await client.raw(
            "POST", "", body: InventoryCompression.zlib.compress(xml), contentType: Self.contentType)
        guard let reply = ServerXMLReply.read(answer) else {
            throw AgentError(
                "the server at \(client.server.absoluteString) did not answer with a FusionInventory <REPLY>; give "
                    + "the URL agents post to (Parc's own address; GLPI's plugin or OCS's /ocsinventory address)")
        }
        if let problem = reply.error { throw AgentError("the server refused the inventory: \(problem)") }
        return reply
    }
}
