/// Reads the kernel's IPv4 routing table, `/proc/net/route`: a header, then one route per line with addresses in
/// hexadecimal, in the machine's byte order (little-endian on every machine Parc's agent is built for).
public enum RouteTableParser {
    /// A default route.
    public struct DefaultRoute: Sendable, Equatable {
        /// The interface it leaves by.
        public var interface: String
        /// The gateway, dotted quad.
        public var gateway: String
        /// Its metric; the lowest wins.
        public var metric: Int
    }

    /// The default routes through a gateway, lowest metric first.
    public static func defaultRoutes(_ text: String) -> [DefaultRoute] {
        var routes: [DefaultRoute] = []
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 8, fields[1] == "00000000", fields[7] == "00000000",
                let flags = Int(fields[3], radix: 16), flags & 0x3 == 0x3,  // RTF_UP | RTF_GATEWAY
                let gateway = address(fields[2]), let metric = InventoryText.integer(fields[6])
            else { continue }
            routes.append(DefaultRoute(interface: String(fields[0]), gateway: gateway, metric: metric))
        }
        return routes.enumerated().sorted { ($0.element.metric, $0.offset) < ($1.element.metric, $1.offset) }
            .map(\.element)
    }

    /// `0102A8C0` → `192.168.2.1` (the bytes as they lie in memory on a little-endian machine).
    static func address(_ hex: Substring) -> String? {
        guard hex.count == 8, let value = UInt32(hex, radix: 16), value != 0 else { return nil }
        return (0..<4).map { String((value >> (8 * UInt32($0))) & 0xFF) }.joined(separator: ".")
    }
}
