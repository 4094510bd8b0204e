import ArgumentParser
import Foundation
import ParcCore
import ParcInventory

/// `--format json|xml`.
extension InventoryFormat: ExpressibleByArgument {}

extension InventoryFormat {
    /// The report in this format, as the agent writes and sends it.
    public func document(for report: InventoryReport, prettyPrinted: Bool) throws(AgentError) -> Data {
        do {
            switch self {
            case .glpiJSON: return try GLPIInventoryJSON.write(report, prettyPrinted: prettyPrinted)
            case .xml: return try InventoryXML.write(report, prettyPrinted: prettyPrinted)
            }
        } catch {
            throw AgentError("cannot write the inventory: \(error.message)")
        }
    }
}
