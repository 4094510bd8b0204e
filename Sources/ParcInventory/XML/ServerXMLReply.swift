import Foundation

/// A server's `<REPLY>` to an agent's XML request, as FusionInventory agents read it (PROTOCOL.md): the body is
/// inflated when its first bytes are zlib or gzip (agents go by the bytes, not the Content-Type), then parsed; the
/// root must be `REPLY`. What an agent that sends an inventory needs of it is kept: `RESPONSE`
/// (`no_account_update`, `SEND`…) and `ERROR`, the message Parc and GLPI put in their error replies.
public struct ServerXMLReply: Hashable, Sendable {
    /// The text of `REPLY/RESPONSE`.
    public var response: String?
    /// The text of `REPLY/ERROR`.
    public var error: String?

    /// A reply with these parts.
    public init(response: String? = nil, error: String? = nil) {
        self.response = response
        self.error = error
    }

    /// Replies are a few hundred bytes; this bounds what a hostile server can make the agent inflate.
    public static let maxBytes = 1 << 20

    /// The reply in `body`; nil when it is not an XML document whose root is `REPLY` (an HTML error page, JSON,
    /// broken compression, a document type declaration).
    public static func read(_ body: Data) -> ServerXMLReply? {
        guard let compression = InventoryCompression.sniff(body.prefix(64)),
            let data = try? compression.decompress(body, limit: maxBytes),
            (try? XMLSectionParser.precheck(data)) != nil
        else { return nil }
        let reader: ReplyReader
        do {
            reader = try (XMLEncoding.utf8(data, limit: maxBytes) ?? data).withScannableBytes { (raw) throws(InventoryFormatError) in
                var scanner = XMLScanner(raw, handler: ReplyReader())
                try scanner.scan()
                return scanner.handler
            }
        } catch {
            return nil
        }
        guard reader.isReply else { return nil }
        return ServerXMLReply(
            response: InventoryValues.trimmed(reader.texts["RESPONSE"]),
            error: InventoryValues.trimmed(reader.texts["ERROR"]))
    }
}

/// Collects the text of `REPLY`'s child elements; deeper than 16 levels, the reply is refused.
private struct ReplyReader: XMLScanHandler {
    private(set) var isReply = false
    private(set) var texts: [String: String] = [:]
    private var path: [String] = []

    mutating func startElement(_ name: UnsafeRawBufferPointer) throws(InventoryFormatError) {
        let name = String(decoding: name, as: UTF8.self)
        if path.isEmpty { isReply = name == "REPLY" }
        path.append(name)
        if path.count > 16 { throw .tooDeep(path: currentPath(), limit: 16) }
    }

    mutating func endElement() throws(InventoryFormatError) {
        path.removeLast()
    }

    mutating func characters(_ text: UnsafeRawBufferPointer) throws(InventoryFormatError) {
        guard path.count == 2, let name = path.last else { return }
        texts[name, default: ""] += String(decoding: text, as: UTF8.self)
    }

    func currentPath() -> String {
        path.isEmpty ? "the document" : path.joined(separator: "/")
    }
}
