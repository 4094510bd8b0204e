import Foundation
import Testing

@testable import ParcCore

@Suite("Asset list filters")
struct AssetFilterTests {
    static let parser = AssetFilterParser(fields: [
        "name": .text, "serial": .text, "software": .text, "memory_bytes": .size, "disk_free_bytes": .size,
        "cpu_cores": .integer, "software_version": .version, "last_inventory_at": .date, "warranty_end": .date,
        "is_virtual": .boolean,
        "status": .choice(["ordered", "in_stock", "deployed", "in_repair", "loaned", "retired"]),
    ])

    static func filter(_ name: String, _ value: String) throws(AssetFilterError) -> AssetFilter {
        try parser.parse(name: name, value: value)
    }

    @Test("the examples of the issue read into typed filters")
    func examples() throws {
        #expect(
            try Self.filter("memory_bytes[lt]", "8GB")
                == AssetFilter(field: "memory_bytes", op: .lt, values: [.bytes(8_000_000_000)]))
        #expect(
            try Self.filter("software", "Firefox")
                == AssetFilter(field: "software", op: .eq, values: [.text("Firefox")]))
        #expect(
            try Self.filter("software_version[lt]", "120")
                == AssetFilter(
                    field: "software_version", op: .lt, values: [.version(try SoftwareVersion(parsing: "120"))]))
        #expect(
            try Self.filter("last_inventory_at[before]", "30d")
                == AssetFilter(field: "last_inventory_at", op: .before, values: [.age(seconds: 2_592_000)]))
        #expect(
            try Self.filter("name[like]", "PC-*") == AssetFilter(field: "name", op: .like, values: [.pattern("PC-*")]))
        #expect(
            try Self.filter("status", "deployed,in_stock")
                == AssetFilter(field: "status", op: .in, values: [.text("deployed"), .text("in_stock")]))
    }

    @Test(
        "sizes count KB, MB, GB, TB in powers of 1000 and KiB, MiB, GiB, TiB in powers of 1024",
        arguments: [
            ("512", 512), ("512B", 512), ("1KB", 1_000), ("1kb", 1_000), ("8GB", 8_000_000_000),
            ("8 GB", 8_000_000_000),
            ("1.5TB", 1_500_000_000_000), ("2MiB", 2_097_152), ("1.5TiB", 1_649_267_441_664), ("8gib", 8_589_934_592),
            ("0.5KB", 500), (".5KB", 500), ("1PB", 1_000_000_000_000_000), ("1.000000001KB", 1_000),
        ])
    func sizes(text: String, bytes: Int) throws {
        #expect(try Self.filter("memory_bytes[ge]", text).values == [.bytes(bytes)])
    }

    @Test("a machine sold with 8 GB that reports 7.7 GiB usable is not under 8GB")
    func memoryIntuition() throws {
        let reported = 7_936 * 1_048_576  // 7936 MiB, what such a machine shows
        guard case .bytes(let limit) = try Self.filter("memory_bytes[lt]", "8GB").values[0] else {
            Issue.record("not a size")
            return
        }
        #expect(reported > limit)
    }

    @Test(
        "dates read as ages or as instants, UTC unless an offset says otherwise",
        arguments: [
            ("12h", AssetFilterValue.age(seconds: 43_200)), ("30D", .age(seconds: 2_592_000)),
            ("2w", .age(seconds: 1_209_600)),
            ("0d", .age(seconds: 0)), ("2024-01-31", .instant(Date(timeIntervalSince1970: 1_706_659_200))),
            ("2024-01-31T08:00:00Z", .instant(Date(timeIntervalSince1970: 1_706_688_000))),
            ("2024-01-31T08:00", .instant(Date(timeIntervalSince1970: 1_706_688_000))),
            ("2024-01-31 10:00:00+02:00", .instant(Date(timeIntervalSince1970: 1_706_688_000))),
            ("2024-01-31T03:00:00-0500", .instant(Date(timeIntervalSince1970: 1_706_688_000))),
        ])
    func dates(text: String, value: AssetFilterValue) throws {
        #expect(try Self.filter("last_inventory_at[after]", text).values == [value])
    }

    @Test("an age stays relative until the caller says when now is")
    func relative() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let value = try Self.filter("last_inventory_at[before]", "30d").values[0]
        #expect(value.instant(relativeTo: now) == Date(timeIntervalSince1970: 1_800_000_000 - 2_592_000))
        #expect(AssetFilterValue.instant(now).instant(relativeTo: .distantPast) == now)
        #expect(AssetFilterValue.integer(3).instant(relativeTo: now) == nil)
    }

    @Test("lists, escapes, negations, null checks and booleans")
    func forms() throws {
        #expect(try Self.filter("serial", #"A\,B,C\\D"#).values == [.text("A,B"), .text(#"C\D"#)])
        #expect(try Self.filter("serial", "A, B ").values == [.text("A"), .text("B")])
        #expect(try Self.filter("status[ne]", "Retired,LOANED").values == [.text("retired"), .text("loaned")])
        #expect(try Self.filter("status[in]", "deployed").op == .in)
        #expect(
            try Self.filter("serial[null]", "true")
                == AssetFilter(field: "serial", op: .isNull, values: [.boolean(true)]))
        #expect(try Self.filter("warranty_end[null]", "no").values == [.boolean(false)])
        #expect(try Self.filter("is_virtual", "yes").values == [.boolean(true)])
        #expect(
            try Self.filter("cpu_cores[GE]", "4") == AssetFilter(field: "cpu_cores", op: .ge, values: [.integer(4)]))
        #expect(try Self.filter("cpu_cores[in]", "2,4,-1").values == [.integer(2), .integer(4), .integer(-1)])
        #expect(try Self.filter("name[like]", "PC-*,LT-??").values == [.pattern("PC-*"), .pattern("LT-??")])
    }

    @Test("a request's parameters give its filters, list parameters skipped")
    func request() throws {
        let filters = try Self.parser.parse([
            ("page", "2"), ("memory_bytes[lt]", "8GB"), ("sort", "-name"), ("status", "deployed"), ("q", "lyon"),
        ])
        #expect(filters.map(\.field) == ["memory_bytes", "status"])
        #expect(try Self.parser.parse([]).isEmpty)
        #expect(try Self.parser.parse([("memory_bytes[gt]", "4GB"), ("memory_bytes[lt]", "16GB")]).count == 2)
    }

    @Test("every filter writes back as the parameter it came from")
    func roundTrip() throws {
        for (name, value) in [
            ("memory_bytes[lt]", "8GB"), ("status", "deployed,in_stock"), ("serial", #"A\,B,C\\D"#),
            ("last_inventory_at[before]", "30d"), ("last_inventory_at[after]", "2024-01-31T08:00:00+02:00"),
            ("warranty_end[before]", "2w"), ("warranty_end[after]", "36h"), ("software_version[ge]", "1:2.6-3"),
            ("name[like]", "PC-*"), ("serial[null]", "false"), ("cpu_cores[ne]", "1,2"), ("is_virtual", "true"),
            ("status[in]", "deployed"),
        ] {
            let filter = try Self.filter(name, value)
            let parameter = filter.parameter
            #expect(try Self.filter(parameter.name, parameter.value) == filter, "\(name)=\(value)")
        }
        #expect(try Self.filter("memory_bytes[lt]", "8GB").parameter == ("memory_bytes[lt]", "8000000000"))
        #expect(try Self.filter("status", "deployed,in_stock").parameter == ("status", "deployed,in_stock"))
    }

    @Test("wildcards become a LIKE pattern whose own % and _ match themselves")
    func sqlLike() {
        #expect(AssetFilter.sqlLikePattern("PC-*") == "PC-%")
        #expect(AssetFilter.sqlLikePattern("PC-??") == "PC-__")
        #expect(AssetFilter.sqlLikePattern(#"50%_off\*"#) == #"50\%\_off\\%"#)
    }

    @Test(
        "bad parameters are refused, naming the parameter and what it accepts",
        arguments: [
            ("colour", "red", "asset_filter_unknown_field"),
            ("memory_bytes[lt", "8GB", "asset_filter_malformed_parameter"),
            ("memory_bytes]", "8GB", "asset_filter_malformed_parameter"),
            ("[lt]", "8GB", "asset_filter_malformed_parameter"),
            ("memory_bytes[]", "8GB", "asset_filter_malformed_parameter"),
            ("memory_bytes[lt][gt]", "8GB", "asset_filter_malformed_parameter"),
            ("memory_bytes[lt]x", "8GB", "asset_filter_malformed_parameter"),
            ("", "x", "asset_filter_malformed_parameter"),
            ("memory_bytes[below]", "8GB", "asset_filter_unsupported_operator"),
            ("memory_bytes[like]", "8*", "asset_filter_unsupported_operator"),
            ("last_inventory_at", "30d", "asset_filter_unsupported_operator"),
            ("last_inventory_at[lt]", "30d", "asset_filter_unsupported_operator"),
            ("name[lt]", "x", "asset_filter_unsupported_operator"),
            ("memory_bytes[lt]", "", "asset_filter_empty_value"),
            ("status", "deployed,,retired", "asset_filter_empty_value"), ("serial", "  ", "asset_filter_empty_value"),
            ("memory_bytes[lt]", "8XB", "asset_filter_invalid_value"),
            ("memory_bytes[lt]", "8G", "asset_filter_invalid_value"),
            ("memory_bytes[lt]", "-8GB", "asset_filter_invalid_value"),
            ("memory_bytes[lt]", "8.GB", "asset_filter_invalid_value"),
            ("memory_bytes[lt]", "1e9", "asset_filter_invalid_value"),
            ("memory_bytes[lt]", "99999999999999999TB", "asset_filter_invalid_value"),
            ("memory_bytes[lt]", "9999999999PB", "asset_filter_invalid_value"),
            ("memory_bytes[lt]", "8GB,16GB", "asset_filter_too_many_values"),
            ("cpu_cores", "four", "asset_filter_invalid_value"),
            ("cpu_cores", "9999999999999999999", "asset_filter_invalid_value"),
            ("software_version[lt]", "1.0é", "asset_filter_invalid_value"),
            ("last_inventory_at[before]", "30", "asset_filter_invalid_value"),
            ("last_inventory_at[before]", "30y", "asset_filter_invalid_value"),
            ("last_inventory_at[before]", "100000w", "asset_filter_invalid_value"),
            ("last_inventory_at[before]", "2024-02-30", "asset_filter_invalid_value"),
            ("last_inventory_at[before]", "2024-01-31T25:00", "asset_filter_invalid_value"),
            ("last_inventory_at[before]", "2024-01-31T08:00+2", "asset_filter_invalid_value"),
            ("last_inventory_at[before]", "2024-01-31T08:00Zjunk", "asset_filter_invalid_value"),
            ("last_inventory_at[before]", "1850-01-01", "asset_filter_invalid_value"),
            ("last_inventory_at[before]", "30d,60d", "asset_filter_too_many_values"),
            ("is_virtual", "maybe", "asset_filter_invalid_value"), ("serial[null]", "x", "asset_filter_invalid_value"),
            ("status", "stolen", "asset_filter_invalid_value"),
        ])
    func refused(name: String, value: String, code: String) {
        do {
            let filter = try Self.filter(name, value)
            Issue.record("\(name)=\(value) gave \(filter)")
        } catch {
            #expect(error.code == code, "\(name)=\(value): \(error.message)")
        }
    }

    @Test("error messages say what is wrong and what is accepted")
    func messages() {
        #expect(throws: AssetFilterError.self) { try Self.filter("memory_bytes[lt]", "8XB") }
        do {
            _ = try Self.filter("memory_bytes[lt]", "8XB")
        } catch {
            #expect(
                error.message
                    == "Parameter 'memory_bytes[lt]': '8XB' is not a size such as 8GB, 512MB or 1.5TiB (KB, MB, GB, TB, "
                    + "PB count in powers of 1000, KiB, MiB, GiB, TiB, PiB in powers of 1024; a bare number is bytes).")
        }
        do {
            _ = try Self.filter("last_inventory_at", "30d")
        } catch {
            #expect(
                error.message
                    == "Parameter 'last_inventory_at': the operator 'eq' is not available here; use one of before, "
                    + "after, null.")
        }
        do {
            _ = try Self.filter("colour", "red")
        } catch {
            #expect(error.message.hasPrefix("Cannot filter on 'colour'. Filter on one of: cpu_cores, disk_free_bytes,"))
        }
    }

    @Test("oversized, repeated and too numerous parameters are refused before any work")
    func limits() {
        #expect(throws: AssetFilterError.valueTooLong(parameter: "serial", limit: 500)) {
            try Self.filter("serial", String(repeating: "x", count: 501))
        }
        #expect(throws: AssetFilterError.valueTooLong(parameter: "serial", limit: 500)) {
            try Self.filter("serial", String(repeating: "é", count: 1_000_000))
        }
        #expect(throws: AssetFilterError.tooManyValues(parameter: "cpu_cores[in]", limit: 100)) {
            try Self.filter("cpu_cores[in]", Array(repeating: "1", count: 101).joined(separator: ","))
        }
        #expect(throws: AssetFilterError.malformedParameter(String(repeating: "a", count: 101))) {
            try Self.filter(String(repeating: "a", count: 101), "x")
        }
        #expect(throws: AssetFilterError.repeatedParameter("status")) {
            try Self.parser.parse([("status", "deployed"), ("status", "retired")])
        }
        let fields = Dictionary(uniqueKeysWithValues: (0..<60).map { ("f\($0)", AssetFilterFieldKind.text) })
        let wide = AssetFilterParser(fields: fields)
        #expect(throws: AssetFilterError.tooManyFilters(limit: 50)) {
            try wide.parse((0..<51).map { ("f\($0)", "x") })
        }
        #expect(throws: Never.self) { try wide.parse((0..<50).map { ("f\($0)", "x") }) }
    }
}
