#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Address arithmetic for interface addresses: the network an address and its mask belong to.
public enum IPNetwork {
    /// The network address of `address` under `mask` (`192.168.1.20` / `255.255.255.0` → `192.168.1.0`;
    /// `fd00::2` / `ffff:ffff:ffff:ffff::` → `fd00::`); nil when either is not an address of the family.
    public static func subnet(address: String, mask: String, ipv6: Bool) -> String? {
        guard var address = bytes(address, ipv6: ipv6), let mask = bytes(mask, ipv6: ipv6) else { return nil }
        for index in address.indices { address[index] &= mask[index] }
        return text(address, ipv6: ipv6)
    }

    /// The address's bytes (`inet_pton`).
    static func bytes(_ text: String, ipv6: Bool) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: ipv6 ? 16 : 4)
        guard inet_pton(ipv6 ? AF_INET6 : AF_INET, text, &buffer) == 1 else { return nil }
        return buffer
    }

    /// Bytes as address text (`inet_ntop`), IPv6 compressed and lower-case.
    static func text(_ bytes: [UInt8], ipv6: Bool) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        guard inet_ntop(ipv6 ? AF_INET6 : AF_INET, bytes, &buffer, socklen_t(buffer.count)) != nil else { return nil }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
