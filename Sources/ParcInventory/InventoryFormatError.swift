/// Why a body is not an inventory Parc can read, or a report cannot be written.
///
/// Every case names the place: a JSON path (`content.softwares[3].name`, indices from 0) or an XML path
/// (`REQUEST/CONTENT/SOFTWARES[4]/NAME`, positions from 1, as XPath counts). ``code`` is stable for API replies and
/// logs; ``message`` says what is wrong and what to do.
public enum InventoryFormatError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The body is empty or white space only.
    case empty
    /// The body is larger than ``InventoryLimits/maxInputBytes``.
    case tooLarge(bytes: Int, limit: Int)
    /// Objects, arrays or elements nest deeper than ``InventoryLimits/maxDepth`` at `path`.
    case tooDeep(path: String, limit: Int)
    /// A list or section at `path` holds more than ``InventoryLimits/maxEntriesPerSection`` entries.
    case tooManyEntries(path: String, limit: Int)
    /// The body holds more than ``InventoryLimits/maxNodes`` values or elements.
    case tooManyNodes(limit: Int)
    /// The value at `path` is longer than ``InventoryLimits/maxStringBytes``.
    case stringTooLong(path: String, limit: Int)
    /// The body is neither JSON nor XML (it starts with `start`).
    case unknownFormat(start: String)
    /// The JSON ends before its last value does, inside `path`.
    case truncatedJSON(path: String)
    /// The JSON is not well-formed at `path`.
    case malformedJSON(path: String, detail: String)
    /// The value at `path` has the wrong JSON type.
    case wrongType(path: String, expected: String)
    /// A field the format requires is missing or null at `path`.
    case missingField(path: String)
    /// The XML is not well-formed at `line`:`column`, inside `path`.
    case malformedXML(line: Int, column: Int, path: String, detail: String)
    /// The XML carries a document type declaration (`<!DOCTYPE`, `<!ENTITY`), which inventories never need and XXE
    /// and entity-expansion attacks always do.
    case documentTypeDeclaration
    /// The XML root element is `found` instead of `<REQUEST>`.
    case unexpectedRoot(found: String)
    /// The `<REQUEST>` has no `<QUERY>`.
    case missingQuery
    /// The `<QUERY>` is one Parc does not answer.
    case unsupportedQuery(String)
    /// An entry of a list section at `path` has no field at all.
    case emptyEntry(path: String)
    /// The body is an agent request that carries no inventory (a PROLOG) where an inventory was expected.
    case notAnInventory(query: String)
    /// The report lacks `field`, which the format requires, so it cannot be written.
    case cannotWrite(field: String)
    /// The body says it is compressed (`compression`) but does not inflate: truncated or not that format.
    case corruptCompression(compression: String, detail: String)

    /// A stable code for API replies and logs.
    public var code: String {
        switch self {
        case .empty: "inventory_empty"
        case .tooLarge: "inventory_too_large"
        case .tooDeep: "inventory_too_deep"
        case .tooManyEntries: "inventory_too_many_entries"
        case .tooManyNodes: "inventory_too_many_nodes"
        case .stringTooLong: "inventory_string_too_long"
        case .unknownFormat: "inventory_unknown_format"
        case .truncatedJSON: "inventory_truncated"
        case .malformedJSON: "inventory_malformed_json"
        case .wrongType: "inventory_wrong_type"
        case .missingField: "inventory_missing_field"
        case .malformedXML: "inventory_malformed_xml"
        case .documentTypeDeclaration: "inventory_dtd_forbidden"
        case .unexpectedRoot: "inventory_unexpected_root"
        case .missingQuery: "inventory_missing_query"
        case .unsupportedQuery: "inventory_unsupported_query"
        case .emptyEntry: "inventory_empty_entry"
        case .notAnInventory: "inventory_not_an_inventory"
        case .cannotWrite: "inventory_cannot_write"
        case .corruptCompression: "inventory_corrupt_compression"
        }
    }

    /// What was wrong and what to do instead.
    public var message: String {
        switch self {
        case .empty:
            return "The body is empty; send the inventory document (JSON or XML) as the request body."
        case .tooLarge(let bytes, let limit):
            return "The inventory is \(bytes) bytes, over the limit of \(limit) bytes; exclude categories the "
                + "agent need not send (processes, environment) or raise the server's inventory size limit."
        case .tooDeep(let path, let limit):
            return "The document nests more than \(limit) levels deep at \(path); no inventory does that, so it "
                + "was refused."
        case .tooManyEntries(let path, let limit):
            return "\(path) holds more than \(limit) entries; split the inventory or raise the server's limit."
        case .tooManyNodes(let limit):
            return "The document holds more than \(limit) values; it was refused before it could exhaust memory."
        case .stringTooLong(let path, let limit):
            return "The value of \(path) is longer than \(limit) bytes; shorten it or raise the server's limit."
        case .unknownFormat(let start):
            return "The body is neither JSON nor XML (it starts with \(start)); send a GLPI inventory (JSON) or a "
                + "FusionInventory/OCS request (XML), decompressed."
        case .truncatedJSON(let path):
            return "The JSON ends inside \(path); the body was cut short. Send the whole inventory again."
        case .malformedJSON(let path, let detail):
            return "The JSON is not well-formed at \(path): \(detail)."
        case .wrongType(let path, let expected):
            return "\(path) must be \(expected), as the GLPI inventory schema says; fix the agent or file that sent "
                + "it."
        case .missingField(let path):
            return "\(path) is missing; the inventory format requires it."
        case .malformedXML(let line, let column, let path, let detail):
            return "The XML is not well-formed at line \(line), column \(column), inside \(path): \(detail)."
        case .documentTypeDeclaration:
            return "The XML carries a document type declaration (<!DOCTYPE or <!ENTITY); inventories never need "
                + "one, so it was refused. Remove it."
        case .unexpectedRoot(let found):
            return "The XML root element is <\(found)>; an agent request starts with <REQUEST>."
        case .missingQuery:
            return "REQUEST/QUERY is missing; an agent request says what it is (PROLOG, INVENTORY, SNMPQUERY, "
                + "NETDISCOVERY)."
        case .unsupportedQuery(let query):
            return "REQUEST/QUERY is \(query); Parc answers PROLOG, INVENTORY, SNMPQUERY, SNMP and NETDISCOVERY."
        case .emptyEntry(let path):
            return "\(path) is an entry with no field at all; remove the empty element or send its fields."
        case .notAnInventory(let query):
            return "The request is a \(query), not an inventory; read it with readRequest."
        case .cannotWrite(let field):
            return "The report has no \(field), which the format being written requires; set it before writing."
        case .corruptCompression(let compression, let detail):
            return "The body is not valid \(compression) data (\(detail)); send it whole, or fix the Content-Type "
                + "(application/x-compress-zlib, application/x-compress-gzip, or application/json / application/xml "
                + "for an uncompressed body)."
        }
    }

    /// The ``message``.
    public var description: String { message }
}
