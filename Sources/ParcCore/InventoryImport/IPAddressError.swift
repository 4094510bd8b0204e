/// Why a text is not an IP address or range. Messages quote the text (cut to 64 characters), say what was wrong and
/// show a form that works.
public enum IPAddressError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Nothing but white space.
    case empty
    /// Longer than any address or range can be.
    case tooLong(length: Int, limit: Int)
    /// Not an address; ``Problem`` says where it goes wrong.
    case invalidAddress(String, problem: Problem)
    /// The part after `/` is not a number from 0 to 32 (IPv4) or 128 (IPv6).
    case invalidPrefixLength(String, maximum: Int)
    /// A CIDR block whose address has bits set after the prefix (`10.1.2.3/8`): a typo more often than not.
    case hostBitsSet(String, network: String)
    /// A range from an IPv4 address to an IPv6 one, or the other way.
    case mixedFamilies(String)
    /// A range whose end comes before its start.
    case reversedRange(String)
    /// A list holds more ranges than allowed.
    case tooManyRanges(count: Int, limit: Int)

    /// Where the text of an address goes wrong.
    public enum Problem: Error, Hashable, Sendable {
        /// Nothing before or after the `-` or `/` of a range.
        case missingAddress
        /// A character that no address holds.
        case unexpectedCharacter(Character)
        /// An IPv4 address without exactly four parts.
        case ipv4PartCount(Int)
        /// Two dots in a row, or a dot at either end.
        case ipv4EmptyPart
        /// A part that is not a number from 0 to 255.
        case ipv4PartOutOfRange(String)
        /// A part with a leading zero (`010`), which some tools read as octal.
        case ipv4LeadingZero(String)
        /// An IPv6 group of more than four hexadecimal digits.
        case ipv6GroupTooLong(String)
        /// Not eight groups, or eight or more with a `::`.
        case ipv6GroupCount(Int)
        /// `::` more than once.
        case ipv6MultipleDoubleColons
        /// A lone `:` at either end, or `:::`.
        case ipv6EmptyGroup
        /// A dotted IPv4 part anywhere but at the end.
        case ipv6MisplacedIPv4
        /// The zone after `%` is empty, too long or holds other characters than letters, digits, `.`, `_`, `-`.
        case invalidZone
        /// A zone (`%eth0`) in a range, where it means nothing.
        case zoneInRange

        var explanation: String {
            switch self {
            case .missingAddress:
                "an address is missing before or after the - or /"
            case .unexpectedCharacter(let character):
                "'\(character)' cannot appear in an IP address"
            case .ipv4PartCount(let count):
                "an IPv4 address has 4 numbers separated by dots, and this one has \(count)"
            case .ipv4EmptyPart:
                "a dot starts or ends it, or two dots follow each other"
            case .ipv4PartOutOfRange(let part):
                "\(part.prefix(12)) is not a number from 0 to 255"
            case .ipv4LeadingZero(let part):
                "\(part) starts with 0, which some tools read as an octal number; write it without the leading zero"
            case .ipv6GroupTooLong(let group):
                "the group \(group.prefix(12)) has more than 4 hexadecimal digits"
            case .ipv6GroupCount(let count):
                "an IPv6 address has 8 groups, or fewer with one ::, and this one has \(count)"
            case .ipv6MultipleDoubleColons:
                ":: appears more than once"
            case .ipv6EmptyGroup:
                "a single : starts or ends it, or ::: appears"
            case .ipv6MisplacedIPv4:
                "an IPv4 part can only end an IPv6 address, as in ::ffff:10.1.2.3"
            case .invalidZone:
                "the zone after % must be 1 to 32 letters, digits, '.', '_' or '-'"
            case .zoneInRange:
                "a range cannot carry a zone (%…)"
            }
        }
    }

    /// A stable code for API replies and logs.
    public var code: String {
        switch self {
        case .empty: "ip_address_empty"
        case .tooLong: "ip_address_too_long"
        case .invalidAddress: "ip_address_invalid"
        case .invalidPrefixLength: "ip_range_invalid_prefix_length"
        case .hostBitsSet: "ip_range_host_bits_set"
        case .mixedFamilies: "ip_range_mixed_families"
        case .reversedRange: "ip_range_reversed"
        case .tooManyRanges: "ip_range_list_too_long"
        }
    }

    /// What was wrong and what to write instead.
    public var message: String {
        switch self {
        case .empty:
            return "No IP address or range given; write one such as 192.168.1.10, 10.0.0.0/8 or 2001:db8::/32."
        case .tooLong(let length, let limit):
            return "\(length) characters is longer than any IP address or range (at most \(limit)); write one such "
                + "as 10.0.0.0/8."
        case .invalidAddress(let text, let problem):
            return "'\(Self.quote(text))' is not an IP address: \(problem.explanation). Write an address such as "
                + "192.168.1.10 or 2001:db8::1."
        case .invalidPrefixLength(let text, let maximum):
            return "'\(Self.quote(text))': the prefix length after / must be a number from 0 to \(maximum), as in "
                + (maximum == 32 ? "10.0.0.0/8." : "2001:db8::/32.")
        case .hostBitsSet(let text, let network):
            return "'\(Self.quote(text))' has bits set after its prefix; write the network, \(network), or drop the "
                + "/ for the one address."
        case .mixedFamilies(let text):
            return "'\(Self.quote(text))' goes from one address family to the other; a range is IPv4 to IPv4 "
                + "(10.0.0.1-10.0.0.99) or IPv6 to IPv6 (2001:db8::1-2001:db8::ff)."
        case .reversedRange(let text):
            return "'\(Self.quote(text))' ends before it starts; write the lower address first, as in "
                + "10.0.0.1-10.0.0.99."
        case .tooManyRanges(let count, let limit):
            return "\(count) ranges are more than the \(limit) a list may hold; merge them into wider CIDR blocks."
        }
    }

    /// The ``message``.
    public var description: String { message }

    static func quote(_ text: String) -> String {
        text.count > 64 ? text.prefix(64) + "…" : text
    }
}
