/// How an agent compressed a body, from its Content-Type and its first bytes, as PROTOCOL.md and glpi-agent's
/// client describe them. Pure: decompressing is the server's job (with ``InventoryLimits/maxInputBytes`` as the
/// ceiling on what it inflates).
///
/// | Content-Type | sent by | compression |
/// |---|---|---|
/// | `application/x-compress-zlib`, `application/x-zlib` | FusionInventory, glpi-agent | zlib (RFC 1950, `78 9c`) |
/// | `application/x-compress-gzip`, `application/x-gzip`, `application/gzip` | same, when only `gzip` exists | gzip (RFC 1952, `1f 8b 08`) |
/// | `application/x-compress-deflate`, `application/x-deflate` | other clients | raw deflate (RFC 1951) |
/// | `application/x-compress` | the OCS agent | zlib, or gzip in its fallback: told by the magic bytes |
/// | `application/xml`, `text/xml`, `application/json`, `text/plain` | `--no-compression` | none |
///
/// Parameters (`; charset=utf-8`) and case are ignored. A missing or unknown type is decided by the magic bytes,
/// as the agents themselves decode replies: zlib header, gzip magic, else `<` or `{` for plain text.
public enum InventoryCompression: String, CaseIterable, Hashable, Sendable {
    /// Not compressed.
    case none = "none"
    /// zlib stream, RFC 1950.
    case zlib = "zlib"
    /// gzip file, RFC 1952.
    case gzip = "gzip"
    /// Raw deflate, RFC 1951.
    case deflate = "deflate"

    /// The compression of a request body from its `Content-Type` header value and its first bytes (a few are
    /// enough); nil when neither says (an unknown type on bytes that are no known format).
    public static func of(contentType: String?, firstBytes: some Collection<UInt8>) -> InventoryCompression? {
        let magic = sniff(firstBytes)
        let type = contentType.map(mediaType) ?? ""
        switch type {
        case "application/x-compress-zlib", "application/x-zlib":
            return .zlib
        case "application/x-compress-gzip", "application/x-gzip", "application/gzip":
            return .gzip
        case "application/x-compress-deflate", "application/x-deflate":
            return .deflate
        case "application/x-compress":
            return magic == .gzip ? .gzip : .zlib
        case "application/xml", "text/xml", "application/json", "text/json", "text/plain":
            // A client that says plain but sends compressed bytes is believed by its bytes.
            return magic ?? InventoryCompression.none
        default:
            return magic
        }
    }

    /// How to compress the reply to a request that came with `request` compression: the same, so the agent can
    /// read it (raw deflate, which no agent reads back, is answered with zlib).
    public static func reply(to request: InventoryCompression) -> InventoryCompression {
        request == .deflate ? .zlib : request
    }

    /// The Content-Type of a reply body compressed this way; `plain` is the type of an uncompressed body
    /// (`application/xml` for the XML protocol, `application/json` for GLPI's).
    public func contentType(plain: String) -> String {
        switch self {
        case .none: plain
        case .zlib: "application/x-compress-zlib"
        case .gzip: "application/x-compress-gzip"
        case .deflate: "application/x-compress-deflate"
        }
    }

    /// The compression the first bytes show: a zlib header (CM 8, window ≤ 32 KiB, check bits), gzip's magic,
    /// or `<`, `{` or a byte-order mark for plain text; nil otherwise.
    static func sniff(_ bytes: some Collection<UInt8>) -> InventoryCompression? {
        var iterator = bytes.makeIterator()
        guard let first = iterator.next() else { return nil }
        let second = iterator.next()
        if first == 0x1F, second == 0x8B { return .gzip }
        if let second, first & 0x0F == 8, first >> 4 <= 7, (UInt16(first) << 8 | UInt16(second)) % 31 == 0 {
            return .zlib
        }
        var rest = [first]
        if let second { rest.append(second) }
        while let byte = iterator.next(), rest.count < 64 { rest.append(byte) }
        if rest.starts(with: [0xEF, 0xBB, 0xBF]) { return InventoryCompression.none }
        guard let significant = rest.first(where: { !InventoryValues.isBlank($0) }) else { return nil }
        return significant == UInt8(ascii: "<") || significant == UInt8(ascii: "{") ? InventoryCompression.none : nil
    }

    /// `Application/X-Compress-Zlib; charset=x` → `application/x-compress-zlib`.
    static func mediaType(_ header: String) -> String {
        let type = header.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
        return String(type.filter { !$0.isWhitespace }).lowercased()
    }
}
