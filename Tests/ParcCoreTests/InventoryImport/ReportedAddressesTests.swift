import Foundation
import Testing

@testable import ParcCore

@Suite("The IP addresses an inventory reports, and their sort keys (decision 0083)")
struct ReportedAddressesTests {
    @Test("cards' and a device's addresses, each once, without loopback, junk, zones or prefix lengths")
    func addresses() {
        var report = InventoryReport()
        var lo = InventoryReport.NetworkInterface(name: "lo")
        lo.ipv4 = [.init(address: "127.0.0.1")]
        lo.ipv6 = [.init(address: "::1")]
        var eth = InventoryReport.NetworkInterface(name: "eth0")
        eth.ipv4 = [.init(address: "10.1.2.3", mask: "255.255.255.0"), .init(address: "not an address"),
                    .init(address: "0.0.0.0")]
        eth.ipv6 = [.init(address: "fe80::1%eth0"), .init(address: "2001:db8::5/64"), .init(address: "::ffff:10.1.2.3")]
        var wifi = InventoryReport.NetworkInterface(name: "wlan0")
        wifi.ipv4 = [.init(address: "10.1.2.3"), .init(address: " 192.168.0.9 ")]
        report.networkInterfaces = [lo, eth, wifi]
        #expect(report.ipAddresses(in: .networkInterfaces).map(\.description)
                == ["10.1.2.3", "fe80::1", "2001:db8::5", "192.168.0.9"])
        #expect(report.ipAddresses(in: .networkDevice).isEmpty)
        #expect(report.ipAddresses(in: .software).isEmpty)

        var device = InventoryReport.NetworkDevice()
        device.ipAddresses = ["10.0.0.254", "10.0.0.254", "127.0.0.2", ""]
        report.networkDevice = device
        #expect(report.ipAddresses(in: .networkDevice).map(\.description) == ["10.0.0.254"])
    }

    @Test("sort keys order addresses as numbers, so a network is one range of keys")
    func sortKeys() throws {
        let texts = ["0.0.0.1", "9.255.255.255", "10.0.0.0", "10.0.0.9", "10.0.0.10", "10.255.255.255", "11.0.0.0",
                     "255.255.255.255", "2001:db8::", "2001:db8::ffff", "fe80::1"]
        let addresses = try texts.map { try IPAddress(parsing: $0) }
        let keys = addresses.map(\.sortKey)
        #expect(keys == keys.sorted())
        #expect(keys.allSatisfy { $0.count == 32 && $0.allSatisfy(\.isHexDigit) })
        let network = try IPAddressRange(parsing: "10.0.0.0/8")
        let inside = addresses.filter { network.first.sortKey <= $0.sortKey && $0.sortKey <= network.last.sortKey }
        #expect(inside.map(\.description) == ["10.0.0.0", "10.0.0.9", "10.0.0.10", "10.255.255.255"])
        #expect(inside == addresses.filter(network.contains))
        // An IPv4 address and its IPv4-mapped IPv6 form share a key, as they share a place in ranges.
        #expect(try IPAddress(parsing: "::ffff:10.0.0.9").sortKey == (try IPAddress(parsing: "10.0.0.9")).sortKey)
    }
}
