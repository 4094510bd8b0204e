/// An IPv4 or IPv6 address, read from its text without the system resolver (`getaddrinfo` would accept `10.1`,
/// `0x0a.0.0.1` or a host name, and may block on DNS).
///
/// Accepted forms: IPv4 dotted quads with four decimal parts from 0 to 255 and no leading zero (`010.0.0.1` is
/// refused: `inet_aton` reads it as octal 8.0.0.1); IPv6 in any RFC 4291 form, upper or lower case, with at most one
/// `::`, an embedded IPv4 tail (`::ffff:10.1.2.3`) and a zone (`fe80::1%eth0`), which is dropped. Leading and
/// trailing white space is ignored.
///
/// An IPv4-mapped IPv6 address (`::ffff:10.1.2.3`, what a dual-stack socket reports for an IPv4 peer) stays an IPv6
/// value, printed as such, but ranges treat it as the IPv4 address it carries (see ``IPAddressRange``),
/// and ``unmappedIPv4`` gives that address.
public struct IPAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// IPv4 or IPv6.
    public enum Family: String, Hashable, Sendable, Codable {
        case ipv4 = "ipv4"
        case ipv6 = "ipv6"

        /// 32 or 128.
        public var bitCount: Int { self == .ipv4 ? 32 : 128 }
    }

    /// The longest text read as an address, in bytes: a full IPv6 address with an IPv4 tail is 45, and a zone adds
    /// a few more.
    public static let maximumTextLength = 64

    /// IPv4 or IPv6.
    public let family: Family
    /// The address as 128 bits, high half first. An IPv4 address sits where its IPv4-mapped form would
    /// (`::ffff:a.b.c.d`), so that ranges compare both families on one line.
    let high: UInt64
    let low: UInt64

    init(family: Family, high: UInt64, low: UInt64) {
        self.family = family
        self.high = high
        self.low = low
    }

    /// The IPv4 address with this 32-bit value (`0x0A010203` is 10.1.2.3).
    public init(ipv4 value: UInt32) {
        self.init(family: .ipv4, high: 0, low: Self.mappedPrefix | UInt64(value))
    }

    /// The address made of these bytes: 4 for IPv4, 16 for IPv6; nil for any other count.
    public init?(bytes: [UInt8]) {
        switch bytes.count {
        case 4:
            self.init(ipv4: bytes.reduce(0) { $0 << 8 | UInt32($1) })
        case 16:
            let high = bytes[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let low = bytes[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            self.init(family: .ipv6, high: high, low: low)
        default:
            return nil
        }
    }

    /// Reads `text`; nil when it is not an address (``init(parsing:)`` says why).
    public init?(_ text: String) {
        guard let address = try? IPAddress(parsing: text) else { return nil }
        self = address
    }

    /// Reads `text`, or throws an ``IPAddressError`` saying what is wrong with it.
    public init(parsing text: String) throws(IPAddressError) {
        let bytes = try IPAddressText.trimmedBytes(text, limit: Self.maximumTextLength)
        self = try IPAddressText.address(bytes)
    }

    /// `::ffff:0:0/96` in the low half: where IPv4 addresses live in the 128-bit space.
    static let mappedPrefix: UInt64 = 0xFFFF_0000_0000

    /// The 4 or 16 bytes of the address, network order.
    public var bytes: [UInt8] {
        switch family {
        case .ipv4:
            return (0..<4).map { UInt8(truncatingIfNeeded: low >> (24 - 8 * $0)) }
        case .ipv6:
            return (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * $0)) }
                + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * $0)) }
        }
    }

    /// For an IPv6 address in `::ffff:0:0/96`, the IPv4 address it carries; nil otherwise.
    public var unmappedIPv4: IPAddress? {
        guard family == .ipv6, high == 0, low >> 32 == 0xFFFF else { return nil }
        return IPAddress(ipv4: UInt32(truncatingIfNeeded: low))
    }

    /// The IPv4 address itself, or the one an IPv4-mapped IPv6 address carries, else the address unchanged.
    public var unmapped: IPAddress { unmappedIPv4 ?? self }

    /// `10.1.2.3`; IPv6 in the RFC 5952 form (`2001:db8::1`, `::ffff:10.1.2.3`).
    public var description: String {
        if family == .ipv4 { return Self.dottedQuad(UInt32(truncatingIfNeeded: low)) }
        if let ipv4 = unmappedIPv4 { return "::ffff:" + ipv4.description }
        let groups =
            (0..<4).map { UInt16(truncatingIfNeeded: high >> (48 - 16 * $0)) }
            + (0..<4).map { UInt16(truncatingIfNeeded: low >> (48 - 16 * $0)) }
        // The longest run of two or more zero groups (the first of equal runs) becomes "::".
        var bestStart = -1
        var bestLength = 1
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else {
                index += 1
                continue
            }
            var end = index
            while end < 8, groups[end] == 0 { end += 1 }
            if end - index > bestLength {
                bestStart = index
                bestLength = end - index
            }
            index = end
        }
        func hex(_ range: Range<Int>) -> String {
            groups[range].map { String($0, radix: 16) }.joined(separator: ":")
        }
        guard bestStart >= 0 else { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }

    static func dottedQuad(_ value: UInt32) -> String {
        (0..<4).map { String((value >> (24 - 8 * UInt32($0))) & 0xFF) }.joined(separator: ".")
    }

    /// IPv4 before IPv6, then by value.
    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        if lhs.family != rhs.family { return lhs.family == .ipv4 }
        return (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}

extension IPAddress: Codable {
    public init(from decoder: any Decoder) throws {
        self = try TextCoding.decode(from: decoder) { try IPAddress(parsing: $0) }
    }

    public func encode(to encoder: any Encoder) throws {
        try TextCoding.encode(description, to: encoder)
    }
}
