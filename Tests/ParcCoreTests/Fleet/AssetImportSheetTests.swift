import Foundation
import Testing

@testable import ParcCore

@Suite("Asset CSV import: the header, cells and rows")
struct AssetImportSheetTests {
    let types = ["computer", "monitor", "printer", "network_device", "phone", "peripheral"]

    func sheet(_ text: String) throws -> AssetImportSheet {
        AssetImportSheet.read(try CSVReader().read(Array(text.utf8)), types: types)
    }

    @Test("an exported file reads back: ids, entity, dates, amounts, neutralised cells; read-only columns ignored")
    func roundTrip() throws {
        let id = UUID()
        let entity = UUID()
        let header = AssetCSVColumn.allCases.map(\.rawValue)
        let values = ["-PC-01", "computer", "laptop", "deployed", "Root › Alpha", "SN1", "", "INV-1", "Dell", "Latitude",
                      "Debian", "12", "8000000000", "i5", "2026-11-01T10:00:00Z", id.uuidString, entity.uuidString,
                      "Salle 12", "Compta", "Bechtle", "PO-7", "2024-03-01", "849.9", "2027-03-01", "multi\nline"]
        let read = try sheet(CSV.row(header) + CSV.row(values) + "\r\n,,,,,,,,,,,,,,,,,,,,,,,,\r\n")
        #expect(read.problems.isEmpty, "\(read.problems)")
        #expect(read.ignoredColumns == [.os, .osVersion, .memoryBytes, .cpu, .lastInventoryAt])
        let row = try #require(read.rows.first)
        #expect(read.rows.count == 1 && row.number == 2)
        #expect(row.id == id && row.entityID == entity && row.entityPath == "Root › Alpha")
        #expect(row.type == "computer" && row.status == "deployed")
        #expect(row.texts["name"] == "-PC-01" && row.texts["comment"] == "multi\nline" && row.texts["uuid"] == "")
        #expect(row.texts["purchase_date"] == "2024-03-01" && row.hasPurchaseCost && row.purchaseCost == 849.9)
        #expect(row.texts["os"] == nil && row.texts["memory_bytes"] == nil)
    }

    @Test("French Excel: semicolons, a decimal comma, day-first dates, upper-case words, a partial set of columns")
    func frenchSpreadsheet() throws {
        let read = try sheet("id;Location;Purchase_Cost;Warranty_End;Status\n\(UUID());Bâtiment B;1 234,50 €;31/12/2027;DEPLOYED\n")
        #expect(read.problems.isEmpty, "\(read.problems)")
        let row = try #require(read.rows.first)
        #expect(row.texts == ["location": "Bâtiment B", "warranty_end": "2027-12-31"])
        #expect(row.purchaseCost == 1234.5 && row.status == "deployed" && row.type == nil)
    }

    @Test("header problems are reported alone: unknown, repeated and unnamed columns, nothing to import, no name")
    func header() throws {
        let unknown = try sheet("name,colour,name\nx,y,z\n")
        #expect(unknown.problems.map(\.column) == ["colour", "name"] && unknown.rows.isEmpty)
        #expect(unknown.problems[0].message.contains("name, type, subtype"))
        #expect(try sheet("os,cpu\na,b\n").problems.map(\.message) == [AssetImportSheet.noColumnsMessage])
        #expect(try sheet("location\nx\n").problems.map(\.message) == [AssetImportSheet.needsNameMessage])
        #expect(try sheet("name,type\n").problems.map(\.message) == [AssetImportSheet.noRowsMessage])
        #expect(try sheet("name,type\n,,\n").problems.map(\.message) == [AssetImportSheet.noRowsMessage])
        #expect(try sheet("name,,type\nx,1,monitor\n").problems.map(\.message) == [AssetImportSheet.unnamedColumnMessage])
        #expect(try sheet("name,type,\nx,monitor,\n").problems.isEmpty)
    }

    @Test("each bad cell is reported with its row and column; good rows of the same file still read")
    func cells() throws {
        let read = try sheet("""
            id,name,type,status,purchase_date,purchase_cost,entity_id,location
            not-a-uuid,A,toaster,lost,2024-02-30,-3,nope,\("x".padding(toLength: 256, withPad: "x", startingAt: 0))
            ,B,monitor,in_stock,01/02/2024,12,,ok
            ,C,monitor
            ,D,monitor,,,,,"bell\u{7}"
            """)
        #expect(read.rows.map(\.number) == [3])
        #expect(read.problems.filter { $0.row == 2 }.compactMap(\.column)
            == ["id", "type", "status", "purchase_date", "purchase_cost", "entity_id", "location"])
        #expect(read.problems.contains { $0.row == 4 && $0.column == nil && $0.message.contains("3 cells") })
        #expect(read.problems.contains { $0.row == 5 && $0.column == "location" })
        #expect(read.rows[0].texts["purchase_date"] == "2024-02-01")
    }

    @Test("entity paths as people type them")
    func paths() {
        #expect(AssetImportSheet.normalizedPath("Root > Alpha>  Lyon ") == "root › alpha › lyon")
        #expect(AssetImportSheet.normalizedPath("Root › Alpha") == AssetImportSheet.normalizedPath("root>alpha"))
    }
}
