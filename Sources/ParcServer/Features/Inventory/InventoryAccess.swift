import FluentKit
import Foundation
import ParcCore
import SQLKit

/// Whether a source address may use the agent paths: in the entity's allowed ranges, or in loopback and
/// private ranges when the entity set none. A stored range that no longer parses allows nothing.
enum InventoryAccess {
    static func allows(ip: String, ranges: [String]?) -> Bool {
        guard let ranges else { return IPAddressRange.privateAndLoopback.contains(address: ip) }
        return ranges.contains { (try? IPAddressRange(parsing: $0))?.contains(ip) == true }
    }
}
