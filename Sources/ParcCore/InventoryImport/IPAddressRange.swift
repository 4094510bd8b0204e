/// A block of IP addresses: a CIDR block (`10.0.0.0/8`, `2001:db8::/32`), a single address (`192.168.1.10`), or a
/// span between two addresses of one family (`10.0.0.1-10.0.0.99`, spaces around `-` allowed).
///
/// IPv4 and IPv6 share one line: an IPv4-mapped IPv6 address (`::ffff:10.1.2.3`, what a dual-stack socket reports
/// for an IPv4 client) is in `10.0.0.0/8`, and an IPv4 address is in an IPv6 block that covers its mapped form
/// (`::ffff:0:0/96`, `::/0`).
///
/// A CIDR block must be written as its network: `10.1.2.3/8` is refused (``IPAddressError/hostBitsSet(_:network:)``)
/// rather than silently widened, because it is more often a typo for `/24` or `/32` than a wish for the whole `/8`.
public struct IPAddressRange: Hashable, Sendable, CustomStringConvertible {
    /// How the range was written, which is how it prints.
    public enum Form: Hashable, Sendable {
        /// One address.
        case single
        /// A CIDR block with its prefix length.
        case prefix(Int)
        /// From one address to another.
        case span
    }

    /// The longest text read as one range, in bytes.
    public static let maximumTextLength = 2 * IPAddress.maximumTextLength + 8
    /// The most ranges ``list(parsing:)`` reads.
    public static let maximumListCount = 1_000

    /// The lowest address of the range.
    public let first: IPAddress
    /// The highest address of the range.
    public let last: IPAddress
    /// How it was written.
    public let form: Form

    /// The range holding `address` alone.
    public init(_ address: IPAddress) {
        first = address
        last = address
        form = .single
    }

    /// The CIDR block `network/prefixLength`; throws when the length is out of range for the family or `network` has
    /// bits set after the prefix.
    public init(network: IPAddress, prefixLength: Int) throws(IPAddressError) {
        let text = network.description + "/" + String(prefixLength)
        let bits = network.family.bitCount
        guard (0...bits).contains(prefixLength) else { throw .invalidPrefixLength(text, maximum: bits) }
        let hostMask = Self.hostMask(prefixLength: 128 - bits + prefixLength)
        let firstHigh = network.high & ~hostMask.high
        let firstLow = network.low & ~hostMask.low
        guard firstHigh == network.high, firstLow == network.low else {
            let base = IPAddress(family: network.family, high: firstHigh, low: firstLow)
            throw .hostBitsSet(text, network: base.description + "/" + String(prefixLength))
        }
        first = network
        last = IPAddress(family: network.family, high: network.high | hostMask.high, low: network.low | hostMask.low)
        form = .prefix(prefixLength)
    }

    /// The span from `first` to `last`, both included; throws when they are of different families or `last` comes
    /// before `first`.
    public init(first: IPAddress, last: IPAddress) throws(IPAddressError) {
        let text = first.description + "-" + last.description
        guard first.family == last.family else { throw .mixedFamilies(text) }
        guard first <= last else { throw .reversedRange(text) }
        self.first = first
        self.last = last
        form = .span
    }

    /// Reads a CIDR block, a single address or a span; throws an ``IPAddressError`` saying what is wrong.
    public init(parsing text: String) throws(IPAddressError) {
        let bytes = try IPAddressText.trimmedBytes(text, limit: Self.maximumTextLength)
        if let slash = bytes.firstIndex(of: UInt8(ascii: "/")) {
            let network = try IPAddressText.address(Self.trimmed(bytes[..<slash]), allowZone: false)
            let digits = Self.trimmed(bytes[(slash + 1)...])
            let bits = network.family.bitCount
            guard (1...3).contains(digits.count), digits.allSatisfy(IPAddressText.isDigit),
                let length = Int(String(decoding: digits, as: UTF8.self)), length <= bits
            else {
                throw .invalidPrefixLength(String(decoding: bytes, as: UTF8.self), maximum: bits)
            }
            try self.init(network: network, prefixLength: length)
        } else if let dash = bytes.firstIndex(of: UInt8(ascii: "-")) {
            let start = try IPAddressText.address(Self.trimmed(bytes[..<dash]), allowZone: false)
            let end = try IPAddressText.address(Self.trimmed(bytes[(dash + 1)...]), allowZone: false)
            try self.init(first: start, last: end)
        } else {
            self.init(try IPAddressText.address(bytes, allowZone: false))
        }
    }

    /// Reads ranges separated by commas, semicolons, spaces or new lines (a settings field); an empty text gives no
    /// ranges. Throws the first entry's error, which quotes the entry, or when there are more than
    /// ``maximumListCount``.
    public static func list(parsing text: String) throws(IPAddressError) -> [IPAddressRange] {
        let separators: Set<Character> = [",", ";", " ", "\t", "\n", "\r"]
        let entries = text.split(whereSeparator: { separators.contains($0) })
        guard entries.count <= maximumListCount else {
            throw .tooManyRanges(count: entries.count, limit: maximumListCount)
        }
        var ranges: [IPAddressRange] = []
        for entry in entries {
            ranges.append(try IPAddressRange(parsing: String(entry)))
        }
        return ranges
    }

    static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var bytes = bytes
        while let first = bytes.first, IPAddressText.isSpace(first) { bytes = bytes.dropFirst() }
        while let last = bytes.last, IPAddressText.isSpace(last) { bytes = bytes.dropLast() }
        return bytes
    }

    /// The bits after a prefix of `prefixLength` bits of 128.
    static func hostMask(prefixLength: Int) -> (high: UInt64, low: UInt64) {
        if prefixLength >= 128 { return (0, 0) }
        if prefixLength >= 64 { return (0, UInt64.max >> (prefixLength - 64)) }
        return (prefixLength == 0 ? UInt64.max : UInt64.max >> prefixLength, UInt64.max)
    }

    /// The prefix length: the one written for a CIDR block, 32 or 128 for a single address, nil for a span.
    public var prefixLength: Int? {
        switch form {
        case .single: first.family.bitCount
        case .prefix(let length): length
        case .span: nil
        }
    }

    /// Whether `address` is in the range, an IPv4-mapped IPv6 address counting as its IPv4 address.
    public func contains(_ address: IPAddress) -> Bool {
        (first.high, first.low) <= (address.high, address.low) && (address.high, address.low) <= (last.high, last.low)
    }

    /// Whether `address` is an address (see ``IPAddress/init(parsing:)``) in the range; false for any other text.
    public func contains(_ address: String) -> Bool {
        guard let address = IPAddress(address) else { return false }
        return contains(address)
    }

    /// `10.0.0.0/8`, `192.168.1.10`, `10.0.0.1-10.0.0.99`.
    public var description: String {
        switch form {
        case .single: first.description
        case .prefix(let length): first.description + "/" + String(length)
        case .span: first.description + "-" + last.description
        }
    }

    /// Loopback, private and link-local addresses: 127.0.0.0/8, ::1/128, 10.0.0.0/8, 172.16.0.0/12,
    /// 192.168.0.0/16, fc00::/7, fe80::/10, 169.254.0.0/16. The GLPI, FusionInventory and OCS agent paths accept
    /// agents without credentials from these by default, so that existing agents on a LAN work at once.
    public static let privateAndLoopback: [IPAddressRange] = [
        "127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7", "fe80::/10",
        "169.254.0.0/16",
    ].map { try! IPAddressRange(parsing: $0) }
}

extension Sequence where Element == IPAddressRange {
    /// Whether any of the ranges holds `address`.
    public func contains(address: IPAddress) -> Bool {
        contains { $0.contains(address) }
    }

    /// Whether `address` is an address that any of the ranges holds; false for any other text.
    public func contains(address: String) -> Bool {
        guard let address = IPAddress(address) else { return false }
        return contains(address: address)
    }
}

extension IPAddressRange: Codable {
    public init(from decoder: any Decoder) throws {
        self = try TextCoding.decode(from: decoder) { try IPAddressRange(parsing: $0) }
    }

    public func encode(to encoder: any Encoder) throws {
        try TextCoding.encode(description, to: encoder)
    }
}
