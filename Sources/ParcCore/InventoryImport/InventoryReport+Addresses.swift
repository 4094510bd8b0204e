/// The IP addresses an inventory reports, for the asset list's `ip` filter (decision 0083).
extension InventoryReport {
    /// The sections that carry IP addresses.
    public static let addressSections: [InventorySection] = [.networkInterfaces, .networkDevice]

    /// The addresses `section` reports, each once, in the order reported: the network cards' IPv4 and IPv6
    /// addresses, or a network device's management addresses. IPv4-mapped IPv6 addresses count as their IPv4
    /// address; loopback addresses (`127.0.0.0/8`, `::1`), the unspecified address and text that is not an address
    /// are left out.
    public func ipAddresses(in section: InventorySection) -> [IPAddress] {
        var texts: [String] = []
        switch section {
        case .networkInterfaces:
            for card in networkInterfaces {
                texts += card.ipv4.map(\.address)
                texts += card.ipv6.map(\.address)
            }
        case .networkDevice:
            texts = networkDevice?.ipAddresses ?? []
        default:
            return []
        }
        var seen = Set<IPAddress>()
        var addresses: [IPAddress] = []
        for text in texts {
            // Agents write an address with its prefix length at times; `IPAddress` reads (and drops) a zone itself.
            let bare = text.split(separator: "/", maxSplits: 1).first.map(String.init) ?? text
            guard let address = IPAddress(bare)?.unmapped,
                  !address.isLoopbackOrUnspecified, seen.insert(address).inserted
            else { continue }
            addresses.append(address)
        }
        return addresses
    }
}

extension IPAddress {
    /// 32 hexadecimal digits of the address on the 128-bit line where IPv4 addresses sit at their mapped place:
    /// texts that sort as the addresses do, so a network or a span is one `BETWEEN` on an index.
    public var sortKey: String {
        Hex.string(high) + Hex.string(low)
    }

    /// `127.0.0.0/8`, `::1`, `0.0.0.0` and `::`.
    public var isLoopbackOrUnspecified: Bool {
        switch family {
        case .ipv4:
            let value = UInt32(truncatingIfNeeded: low)
            return value >> 24 == 127 || value == 0
        case .ipv6:
            return high == 0 && (low == 1 || low == 0)
        }
    }
}
