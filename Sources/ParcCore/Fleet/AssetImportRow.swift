import Foundation

/// One row of an asset CSV import, its cells read and checked one by one (``AssetImportSheet``); what the row does to
/// the fleet — which asset, which entity, which status move — is decided against the stored assets by the server.
public struct AssetImportRow: Hashable, Sendable {
    /// The row number a spreadsheet shows (the header is row 1).
    public let number: Int
    /// The asset the row updates; nil when it creates one.
    public var id: UUID?
    /// The text fields given, by API field name (`name`, `location`, `purchase_date`…): an empty text clears the field.
    /// Dates are written `YYYY-MM-DD`.
    public var texts: [String: String] = [:]
    /// The type given, lower-cased; nil when the column is absent or the cell empty.
    public var type: String?
    /// The status given, lower-cased; nil when the column is absent or the cell empty (kept, or `in_stock` for a new
    /// asset).
    public var status: String?
    /// The entity given by id.
    public var entityID: UUID?
    /// The entity given by its path (`Root › Alpha`), as the export writes it.
    public var entityPath: String?
    /// Whether the file has the purchase cost column.
    public var hasPurchaseCost = false
    /// The purchase cost; nil with ``hasPurchaseCost`` clears it.
    public var purchaseCost: Double?

    /// An empty row.
    public init(number: Int) {
        self.number = number
    }
}
