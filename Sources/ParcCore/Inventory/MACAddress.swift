/// A hardware address, normalised to lower-case hexadecimal pairs separated by colons (`00:e0:4c:68:01:db`).
///
/// Agents write MACs in every style: `00:E0:4C:68:01:DB`, `00-e0-4c-68-01-db`, Cisco's `00e0.4c68.01db`, bare
/// `00E04C6801DB`. All of them give the same value, so two agents reporting the same card agree. Ethernet (6 bytes),
/// EUI-64 (8 bytes) and IP-over-InfiniBand (20 bytes) addresses are accepted; anything else is not a MAC.
public struct MACAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The address bytes.
    public let bytes: [UInt8]

    /// Parses `text`; nil when it is not a MAC in one of the styles above.
    public init?(_ text: String) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(6)
        var nibbles: [UInt8] = []
        nibbles.reserveCapacity(4)
        var separator: UInt8? = nil
        var groupLength: Int? = nil

        func flush() -> Bool {
            // A group is one or two hex digits between ':' or '-', or four between '.', or the whole bare string.
            switch separator {
            case UInt8(ascii: "."):
                guard nibbles.count == 4 else { return false }
            case nil:
                guard nibbles.count.isMultiple(of: 2), !nibbles.isEmpty else { return false }
            default:
                guard (1...2).contains(nibbles.count) else { return false }
                if nibbles.count == 1 { nibbles.insert(0, at: 0) }
            }
            if let length = groupLength, separator == UInt8(ascii: "."), length != nibbles.count { return false }
            groupLength = nibbles.count
            var index = 0
            while index < nibbles.count {
                bytes.append(nibbles[index] << 4 | nibbles[index + 1])
                index += 2
            }
            nibbles.removeAll(keepingCapacity: true)
            return true
        }

        var utf8 = Substring(text).utf8[...]
        while let first = utf8.first, Self.isSpace(first) { utf8 = utf8.dropFirst() }
        while let last = utf8.last, Self.isSpace(last) { utf8 = utf8.dropLast() }
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibbles.append(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibbles.append(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibbles.append(byte - UInt8(ascii: "A") + 10)
            case UInt8(ascii: ":"), UInt8(ascii: "-"), UInt8(ascii: "."):
                if let current = separator, current != byte { return nil }
                separator = byte
                guard flush() else { return nil }
            default:
                return nil
            }
            if bytes.count > 20 || nibbles.count > 40 { return nil }
        }
        guard flush(), [6, 8, 20].contains(bytes.count) else { return nil }
        self.bytes = bytes
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }

    /// The address from its bytes; nil unless there are 6, 8 or 20 of them.
    public init?(bytes: [UInt8]) {
        guard [6, 8, 20].contains(bytes.count) else { return nil }
        self.bytes = bytes
    }

    /// `aa:bb:cc:dd:ee:ff`.
    public var description: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 3)
        for (index, byte) in bytes.enumerated() {
            if index > 0 { text.append(UInt8(ascii: ":")) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Every byte zero (`00:00:00:00:00:00`, what loopback and unconfigured interfaces report).
    public var isZero: Bool { bytes.allSatisfy { $0 == 0 } }

    /// `ff:ff:ff:ff:ff:ff`.
    public var isBroadcast: Bool { bytes.allSatisfy { $0 == 0xFF } }

    /// The group bit is set: a multicast address, never a card's own.
    public var isMulticast: Bool { bytes[0] & 0x01 != 0 }

    /// The locally-administered bit is set: chosen by software (virtual machines, containers, randomised Wi-Fi)
    /// rather than burnt in by the maker.
    public var isLocallyAdministered: Bool { bytes[0] & 0x02 != 0 }

    /// A unicast address a card can own: not zero, not broadcast, not multicast.
    public var isUnicast: Bool { !isZero && !isBroadcast && !isMulticast }

    public static func < (lhs: MACAddress, rhs: MACAddress) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }
}

extension MACAddress: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = MACAddress(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(text) is not a MAC address")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
