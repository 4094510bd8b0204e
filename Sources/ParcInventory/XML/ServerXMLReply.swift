import Foundation
import FoundationXML

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
        let reader = ReplyReader()
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        parser.externalEntityResolvingPolicy = .never
        parser.delegate = reader
        guard parser.parse(), reader.isReply, reader.rootClosed else { return nil }
        return ServerXMLReply(
            response: InventoryValues.trimmed(reader.texts["RESPONSE"]),
            error: InventoryValues.trimmed(reader.texts["ERROR"]))
    }
}

/// Collects the text of `REPLY`'s child elements.
private final class ReplyReader: NSObject, XMLParserDelegate {
    private(set) var isReply = false
    /// libxml2 may end a cut-short document without an error: only a closed root is a whole reply.
    private(set) var rootClosed = false
    private(set) var texts: [String: String] = [:]
    private var path: [String] = []

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
        attributes attributeDict: [String: String] = [:]
    ) {
        if path.isEmpty { isReply = elementName == "REPLY" }
        path.append(elementName)
        if path.count > 16 { parser.abortParsing() }
    }

    func parser(
        _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?
    ) {
        path.removeLast()
        if path.isEmpty { rootClosed = true }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard path.count == 2, let name = path.last else { return }
        texts[name, default: ""] += string
    }
}
