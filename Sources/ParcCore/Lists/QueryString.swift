/// URL query strings as lists read and write them: `name=value` pairs joined by `&`, in order, repeats kept, `+` read
/// as a space (HTML forms send spaces so) and `%XX` escapes decoded as UTF-8.
public enum QueryString {
    /// The pairs of `query` (without its `?`). A malformed escape is an error, never a silently dropped filter.
    public static func pairs(_ query: some StringProtocol) throws(QueryStringError) -> [(String, String)] {
        var pairs: [(String, String)] = []
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            pairs.append((try decode(pieces[0]), pieces.count > 1 ? try decode(pieces[1]) : ""))
        }
        return pairs
    }

    /// The pairs of a query string as Foundation's `URL(string:)` hands it on. A request line that holds a character
    /// a URL may not hold raw — `[` and `]` above all, as in `memory_bytes[lt]=8GB` typed in an address bar or sent
    /// by `curl -g` — makes Foundation percent-encode the whole query again, `%` included (`Dell%20Inc.` arrives as
    /// `Dell%2520Inc.`). Such a query is recognised by its escaped brackets and by holding no escape that a client
    /// writes but that re-encoding never makes (`%3F`, `%26`, `%3D`, `%2B`, `%2C`…: characters a query may hold
    /// raw); it is decoded once first. When that reading fails (a client that escaped a `%` itself), the query is
    /// read as it came.
    public static func requestPairs(_ query: some StringProtocol) throws(QueryStringError) -> [(String, String)] {
        if looksReencoded(query), let original = try? decode(query), let pairs = try? pairs(original) {
            return pairs
        }
        return try pairs(query)
    }

    /// Whether `query` reads as Foundation's second encoding of a raw query (see ``requestPairs(_:)``).
    static func looksReencoded(_ query: some StringProtocol) -> Bool {
        let bytes = Array(query.utf8)
        var brackets = false
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "%") else {
                index += 1
                continue
            }
            guard index + 2 < bytes.count, let high = ASCIIHex.value(bytes[index + 1]),
                let low = ASCIIHex.value(bytes[index + 2])
            else { return false }
            let byte = high << 4 | low
            if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]") { brackets = true }
            // A character a query may hold raw: re-encoding leaves it alone, so its escape comes from a client.
            if byte < 0x80, byte != UInt8(ascii: "%"), queryAllowed(byte) { return false }
            index += 3
        }
        return brackets
    }

    /// The characters RFC 3986 lets a query hold raw (unreserved, sub-delimiters, `:`, `@`, `/`, `?`).
    static func queryAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("-._~!$&'()*+,;=:@/?".utf8).contains(byte)
        }
    }

    /// `pairs` as a query string, each name and value percent-encoded except the characters RFC 3986 leaves
    /// unreserved (a space becomes `%20`).
    public static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { escape($0.0) + "=" + escape($0.1) }.joined(separator: "&")
    }

    static func decode(_ text: some StringProtocol) throws(QueryStringError) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard iterator.count >= 2, let high = ASCIIHex.value(iterator.removeFirst()),
                    let low = ASCIIHex.value(iterator.removeFirst())
                else { throw QueryStringError(near: String(text.prefix(40))) }
                bytes.append(high << 4 | low)
            default:
                bytes.append(byte)
            }
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw QueryStringError(near: String(text.prefix(40)))
        }
        return decoded
    }

    static func escape(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                bytes.append(byte)
            default:
                bytes.append(contentsOf: [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A query string with a malformed `%` escape, or escapes that do not decode to UTF-8.
public struct QueryStringError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The start of the name or value at fault.
    public let near: String

    /// What was wrong.
    public var description: String { "The query string has a malformed %-escape near '\(near)'." }
}
