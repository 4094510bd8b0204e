/// A program's version, ordered the way dpkg orders Debian versions, which also fits RPM, Windows and most upstream
/// numbering: `119.0.1` < `120.0` < `120.0.1`, `5.36.0-7` < `5.36.0-7+deb12u1`, `1:2.6-3` > `3.0` (the epoch, before
/// `:`, counts first), `2.0~rc1` < `2.0` (a tilde sorts before anything, even the end).
///
/// The text splits into an optional epoch (digits before the first `:`), the upstream version, and an optional
/// revision (after the last `-`); absent ones count as 0. Each part compares as alternating runs of non-digits (by
/// character: `~` first, then the end of the run, then letters, then other characters) and digits (by numeric
/// value, so `1.10` > `1.9` and `1.01` = `1.1`). Two consequences worth knowing: `120` < `120.0`, and `1.0rc1` >
/// `1.0` (write `1.0~rc1` for a pre-release).
///
/// Equality follows the order (`1.01` == `1.1`, `1.0-0` == `1.0`), and so does hashing. ``sortKey`` gives a text
/// whose byte order is the version order, for a database index.
///
/// Accepted: 1 to ``maximumLength`` printable ASCII characters (agents write `10.0.19045 Build 3570`), digit runs of
/// at most ``maximumDigits`` significant digits. A reported version outside this (non-ASCII, control characters) has
/// no ``SoftwareVersion``: it is stored, but takes no part in version comparisons.
public struct SoftwareVersion: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The longest version, in characters.
    public static let maximumLength = 128
    /// The most significant digits of one run of digits.
    public static let maximumDigits = 40

    /// The version as written, trimmed.
    public let text: String
    /// The epoch (0 when absent), as digits without leading zeros.
    public let epoch: String
    /// The upstream version.
    public let upstream: String
    /// The revision, nil when absent.
    public let revision: String?
    /// The comparison key: byte order is version order.
    let key: [UInt8]

    /// Reads `text`; nil when it is not a version (``init(parsing:)`` says why).
    public init?(_ text: String) {
        guard let version = try? SoftwareVersion(parsing: text) else { return nil }
        self = version
    }

    /// Reads `text`, or throws a ``SoftwareVersionError`` saying what is wrong.
    public init(parsing text: String) throws(SoftwareVersionError) {
        let trimmed = text.trimmingASCIISpaces()
        guard !trimmed.isEmpty else { throw .empty }
        let count = trimmed.unicodeScalars.count
        guard count <= Self.maximumLength else { throw .tooLong(length: count) }
        if let bad = trimmed.unicodeScalars.first(where: { $0.value < 0x20 || $0.value > 0x7E }) {
            throw .invalidCharacter(Character(bad))
        }
        let bytes = Array(trimmed.utf8)
        var upstreamStart = 0
        var epochDigits: ArraySlice<UInt8> = []
        if let colon = bytes.firstIndex(of: UInt8(ascii: ":")), colon > 0, colon + 1 < bytes.count,
            bytes[..<colon].allSatisfy(Self.isDigit)
        {
            epochDigits = bytes[..<colon]
            upstreamStart = colon + 1
        }
        var upstreamEnd = bytes.count
        var revisionBytes: ArraySlice<UInt8>? = nil
        if let hyphen = bytes.lastIndex(of: UInt8(ascii: "-")), hyphen > upstreamStart, hyphen + 1 < bytes.count {
            revisionBytes = bytes[(hyphen + 1)...]
            upstreamEnd = hyphen
        }
        let upstreamBytes = bytes[upstreamStart..<upstreamEnd]

        var key: [UInt8] = []
        key.reserveCapacity(bytes.count * 2 + 8)
        try Self.appendDigits(epochDigits, to: &key)
        try Self.appendPart(upstreamBytes, to: &key)
        // An absent revision compares as "0" does (dpkg treats both as empty).
        try Self.appendPart(revisionBytes ?? [UInt8(ascii: "0")], to: &key)

        self.text = trimmed
        let significant = epochDigits.drop { $0 == UInt8(ascii: "0") }
        epoch = significant.isEmpty ? "0" : String(decoding: significant, as: UTF8.self)
        upstream = String(decoding: upstreamBytes, as: UTF8.self)
        revision = revisionBytes.map { String(decoding: $0, as: UTF8.self) }
        self.key = key
    }

    // Key bytes: within a run of non-digits `~` < end of run < letters (ASCII order) < other characters (ASCII
    // order); a run of digits is its count of significant digits, then those digits. Every part ends with an
    // end-of-run byte where a next run of non-digits would start: a part that continues compares with it as dpkg
    // compares a character with the end of the text.
    static let tildeByte: UInt8 = 0x01
    static let endByte: UInt8 = 0x02

    static func code(_ byte: UInt8) -> UInt8 {
        switch byte {
        case UInt8(ascii: "~"): tildeByte
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): 0x03 + byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): 0x1D + byte - UInt8(ascii: "a")
        default: 0x40 + byte
        }
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    static func appendDigits(_ digits: ArraySlice<UInt8>, to key: inout [UInt8]) throws(SoftwareVersionError) {
        let significant = digits.drop { $0 == UInt8(ascii: "0") }
        guard significant.count <= maximumDigits else { throw .numberTooLong(digits: significant.count) }
        key.append(UInt8(significant.count))
        key.append(contentsOf: significant)
    }

    static func appendPart(_ part: ArraySlice<UInt8>, to key: inout [UInt8]) throws(SoftwareVersionError) {
        var index = part.startIndex
        while index < part.endIndex {
            while index < part.endIndex, !isDigit(part[index]) {
                key.append(code(part[index]))
                index += 1
            }
            key.append(endByte)
            let start = index
            while index < part.endIndex, isDigit(part[index]) { index += 1 }
            try appendDigits(part[start..<index], to: &key)
        }
        key.append(endByte)
    }

    /// The version as written.
    public var description: String { text }

    /// Lower-case hexadecimal of the comparison key: comparing two keys as bytes (`COLLATE "C"` in PostgreSQL,
    /// SQLite's default) orders them as the versions. The server stores it next to each installation's version so
    /// that "older than 120" is an indexed range query.
    public var sortKey: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(key.count * 2)
        for byte in key {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    public static func == (lhs: SoftwareVersion, rhs: SoftwareVersion) -> Bool { lhs.key == rhs.key }

    public func hash(into hasher: inout Hasher) { hasher.combine(key) }

    public static func < (lhs: SoftwareVersion, rhs: SoftwareVersion) -> Bool {
        lhs.key.lexicographicallyPrecedes(rhs.key)
    }
}

extension SoftwareVersion: Codable {
    public init(from decoder: any Decoder) throws {
        self = try TextCoding.decode(from: decoder) { try SoftwareVersion(parsing: $0) }
    }

    public func encode(to encoder: any Encoder) throws {
        try TextCoding.encode(text, to: encoder)
    }
}

extension String {
    /// The text without ASCII spaces, tabs and line breaks at either end.
    func trimmingASCIISpaces() -> String {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        var bytes = utf8[...]
        while let first = bytes.first, isSpace(first) { bytes = bytes.dropFirst() }
        while let last = bytes.last, isSpace(last) { bytes = bytes.dropLast() }
        return String(Substring(bytes))
    }
}
