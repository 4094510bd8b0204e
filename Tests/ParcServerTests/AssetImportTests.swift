import Fluent
import Foundation
import ParcCore
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import ParcServer

@Suite("CSV import of assets: round trip with the export, dry run, all or nothing, bad files")
struct AssetImportTests {
    static func post(_ app: Application, _ token: String, _ csv: String, dryRun: String? = "true",
                     contentType: String = "text/csv; charset=utf-8") async throws -> TestingHTTPResponse {
        let query = dryRun.map { "?dry_run=\($0)" } ?? ""
        return try await sendData(app, .POST, "/api/v1/assets/import\(query)",
                                  headers: ["Authorization": "Bearer \(token)", "Content-Type": contentType],
                                  body: Data(csv.utf8))
    }

    /// A row as French Excel writes it: `;` between cells, quotes where needed.
    static func semicolons(_ cells: [String]) -> String {
        cells.map { cell in
            cell.contains(where: { ";\"\n\r".contains($0) }) ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
        }.joined(separator: ";") + "\r\n"
    }

    static func counts(_ app: Application) async throws -> (assets: Int, history: Int) {
        (try await AssetModel.query(on: app.db).count(), try await AuditEntryModel.query(on: app.db).count())
    }

    @Test("export, edit in a French spreadsheet, re-import: ids update, rows without id create, each with its history line",
          arguments: TestDatabase.all)
    func roundTrip(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            // setup: two assets, one whose name starts with a formula character
            let t = try await Tenancy.make(app)
            let screen = try await AssetBulkEditTests.asset(app, t.alphaToken, entity: t.alpha.id!, name: "ECR-01")
            let odd = try await AssetBulkEditTests.asset(app, t.alphaToken, entity: t.alpha.id!, name: "-PC-03")
            let web = WebClient(app)
            try await web.signIn("alice")
            let export = try await web.get("/assets?format=csv").body.string
            #expect(export.hasPrefix("name,type,subtype,status,entity,serial,uuid,inventory_number,manufacturer,model,os,"
                                     + "os_version,memory_bytes,cpu,last_inventory_at,id,entity_id,location,"))
            #expect(export.contains("'-PC-03"), "the export neutralises a cell that starts with -")

            // MUT: edit as a spreadsheet would — change a location and status, add a row — and save with ;
            var table = try CSVReader().read(Array(export.utf8)).records.map(\.fields)
            let header = table[0]
            func column(_ name: String) throws -> Int { try #require(header.firstIndex(of: name)) }
            let idColumn = try column("id")
            let row = try #require(table.firstIndex { $0[idColumn] == screen.uuidString })
            table[row][try column("location")] = "Salle 3"
            table[row][try column("status")] = "deployed"
            table[row][try column("purchase_cost")] = "189,90"
            var added = [String](repeating: "", count: header.count)
            added[try column("name")] = "ECR-NEUF"
            added[try column("type")] = "Monitor"
            added[try column("entity")] = "Root > Alpha"
            added[try column("warranty_end")] = "31/12/2027"
            added[try column("comment")] = "Livré le 2 décembre;\nsous carton"
            table.append(added)
            let edited = table.map(Self.semicolons).joined()
            let before = try await Self.counts(app)

            // validate: the dry run says what each row would do, and changes nothing
            let dryRun = try await Self.post(app, t.alphaToken, edited)
            #expect(dryRun.status == .ok, "\(dryRun.body.string)")
            let report = try decode(AssetImporting.Report.self, dryRun)
            #expect(report.valid && !report.imported && report.dry_run)
            #expect(report.created == 1 && report.updated == 1 && report.unchanged == 1 && report.rows == 3)
            #expect(report.delimiter == ";" && report.encoding == "utf-8")
            #expect(report.ignored_columns == ["os", "os_version", "memory_bytes", "cpu", "last_inventory_at"])
            #expect(report.items.first { $0.id == odd }?.action == "unchanged")
            let change = try #require(report.items.first { $0.id == screen })
            #expect(Set(change.changes.map(\.field)) == ["location", "status", "purchase_cost"])
            #expect(try await Self.counts(app) == before)

            // MUT: import
            let imported = try await Self.post(app, t.alphaToken, edited, dryRun: "false")
            #expect(imported.status == .ok, "\(imported.body.string)")
            #expect(try decode(AssetImporting.Report.self, imported).imported)

            // validate
            let updated = try #require(try await AssetModel.find(screen, on: app.db))
            #expect(updated.location == "Salle 3" && updated.status == "deployed" && updated.purchaseCost == 189.9)
            let created = try #require(try await AssetModel.query(on: app.db).filter(\.$name == "ECR-NEUF").first())
            #expect(created.type == "monitor" && created.entityID == t.alpha.id && created.status == "in_stock")
            #expect(created.warrantyEnd == "2027-12-31" && created.comment == "Livré le 2 décembre;\nsous carton")
            #expect(try await AssetModel.find(odd, on: app.db)?.name == "-PC-03")
            let history = try await AuditEntryModel.query(on: app.db).filter(\.$objectType == "asset").all()
            #expect(history.filter { $0.objectID == screen.uuidString && $0.action == "asset.updated" }.count == 1)
            #expect(history.contains { $0.objectID == created.id!.uuidString && $0.action == "asset.created"
                                       && $0.changes.contains("2027-12-31") })
            #expect(!history.contains { $0.objectID == odd.uuidString && $0.action == "asset.updated" })
            // A second import of the new export changes nothing.
            let again = try await web.get("/assets?format=csv").body.string
            let second = try decode(AssetImporting.Report.self, try await Self.post(app, t.alphaToken, again, dryRun: "false"))
            #expect(second.imported && second.updated == 0 && second.created == 0 && second.unchanged == 3)
        }
    }

    @Test("a file with one bad row imports nothing, and every problem names its row and column",
          arguments: TestDatabase.all)
    func allOrNothing(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            // setup
            let t = try await Tenancy.make(app)
            let mine = try await AssetBulkEditTests.asset(app, t.alphaToken, entity: t.alpha.id!, name: "PC-01")
            let gone = try await AssetBulkEditTests.asset(app, t.alphaToken, entity: t.alpha.id!, name: "PC-02", status: "retired")
            _ = try await send(app, .PATCH, "/api/v1/assets/\(gone)", headers: .json(t.alphaToken), body: #"{"status":"disposed"}"#)
            let theirs = try await AssetBulkEditTests.asset(app, t.betaToken, entity: t.beta.id!, name: "BET-01")
            let csv = """
                id,name,type,status,entity_id,location,purchase_date
                \(mine),PC-01,,deployed,,Hall,
                ,NEW-01,monitor,,\(t.alpha.id!),,2024-01-15
                \(gone),,,deployed,,,
                \(theirs),BET-01,,,,Hall,
                ,new-01,monitor,,\(t.alpha.id!),,
                ,PC-01,printer,,\(t.alpha.id!),,
                ,X,monitor,,\(t.beta.id!),,
                ,Y,toaster,,\(t.alpha.id!),,2024-02-30
                \(mine),PC-01,,,,,
                ,Z,,,\(t.alpha.id!),,
                """
            let before = try await Self.counts(app)

            // MUT: dry run
            let report = try decode(AssetImporting.Report.self, try await Self.post(app, t.alphaToken, csv))

            // validate: each problem by row and column; valid rows still say what they would do
            #expect(!report.valid)
            let problems = Set(report.errors.map { "\($0.row ?? 0):\($0.column ?? "-")" })
            #expect(problems == ["4:name", "4:status", "5:id", "6:name", "7:name", "8:entity_id", "9:type", "9:purchase_date",
                                 "10:id", "11:type"], "\(report.errors)")
            #expect(report.errors.first { $0.row == 5 }?.message == "No such asset, or you have no access to it.")
            #expect(report.items.contains { $0.row == 2 && $0.action == "update" })

            // MUT: import
            let refused = try await Self.post(app, t.alphaToken, csv, dryRun: "false")

            // validate: nothing written
            #expect(refused.status == .unprocessableEntity)
            let error = try decode(BulkErrorBody.self, refused).error
            #expect(error.code == "import_rejected" && error.problems.count == report.errors.count)
            #expect(try await Self.counts(app) == before)
            #expect(try await AssetModel.find(mine, on: app.db)?.location == nil)
        }
    }

    @Test("malformed, truncated, oversized and hostile files get a clear answer and change nothing",
          arguments: TestDatabase.all)
    func badFiles(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let t = try await Tenancy.make(app)
            let ok = "name,type,entity_id\nPC-9,computer,\(t.alpha.id!)\n"
            let before = try await Self.counts(app)
            let cases: [(HTTPResponseStatus, String, TestingHTTPResponse)] = [
                (.badRequest, "invalid_query", try await Self.post(app, t.alphaToken, ok, dryRun: nil)),
                (.badRequest, "invalid_query", try await Self.post(app, t.alphaToken, ok, dryRun: "maybe")),
                (.badRequest, "invalid_query", try await sendData(app, .POST, "/api/v1/assets/import?dry_run=true&force=1",
                                                                  headers: ["Authorization": "Bearer \(t.alphaToken)",
                                                                            "Content-Type": "text/csv"], body: Data(ok.utf8))),
                (.unsupportedMediaType, "unsupported_media_type",
                 try await Self.post(app, t.alphaToken, ok, contentType: "application/json")),
                (.badRequest, "csv_unterminated_quote", try await Self.post(app, t.alphaToken, "name,comment\nPC,\"cut short")),
                (.badRequest, "csv_stray_quote", try await Self.post(app, t.alphaToken, "name,model\nPC,24\" screen\n")),
                (.badRequest, "csv_empty", try await Self.post(app, t.alphaToken, "")),
                (.badRequest, "csv_binary", try await sendData(app, .POST, "/api/v1/assets/import?dry_run=true",
                                                               headers: ["Authorization": "Bearer \(t.alphaToken)",
                                                                         "Content-Type": "text/csv"],
                                                               body: Data([0x50, 0x4B, 0x03, 0x04, 0x00, 0x00, 0x08]))),
                (.badRequest, "csv_field_too_long",
                 try await Self.post(app, t.alphaToken, "name,comment\nPC," + String(repeating: "x", count: 70_000))),
                (.badRequest, "csv_too_many_rows", try await Self.post(app, t.alphaToken,
                                                                       "name,type\n" + String(repeating: "a,monitor\n", count: 10_001))),
                (.payloadTooLarge, "payload_too_large",
                 try await Self.post(app, t.alphaToken, "name\n" + String(repeating: "x,\n", count: 2_000_000))),
                (.unauthorized, "unauthorized", try await sendData(app, .POST, "/api/v1/assets/import?dry_run=true",
                                                                   headers: ["Content-Type": "text/csv"], body: Data(ok.utf8))),
                (.forbidden, "forbidden", try await Self.post(app, try await SavedViewsTests.alphaObserver(app, t), ok)),
            ]
            for (status, code, response) in cases {
                #expect(response.status == status, "\(code): \(response.body.string.prefix(300))")
                #expect(try decode(TestErrorBody.self, response).error.code == code, "\(response.body.string.prefix(300))")
            }
            // A bad header is reported as row 1, with nothing else.
            let header = try decode(AssetImporting.Report.self,
                                    try await Self.post(app, t.alphaToken, "name,colour\nPC,red\n"))
            #expect(!header.valid && header.errors.map(\.row) == [1] && header.errors[0].column == "colour")
            // Formulas are imported as text, and exported neutralised.
            let formula = try await Self.post(app, t.alphaToken, "name,type,entity_id\n\"=HYPERLINK(\"\"http://e.example\"\")\",monitor,\(t.alpha.id!)\n",
                                              dryRun: "false")
            #expect(formula.status == .ok, "\(formula.body.string)")
            let web = WebClient(app)
            try await web.signIn("alice")
            #expect(try await web.get("/assets?format=csv").body.string.contains("\"'=HYPERLINK(\"\"http://e.example\"\")\""))
            #expect(try await AssetModel.query(on: app.db).count() == before.assets + 1)
        }
    }

    @Test("the import page uploads, shows the dry run with each problem, and imports on confirmation",
          arguments: TestDatabase.all)
    func page(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            // setup
            let t = try await Tenancy.make(app)
            let web = WebClient(app)
            try await web.signIn("alice")
            #expect(try await web.get("/assets").body.string.contains("href=\"/assets/import\""))
            #expect(try await web.get("/assets/import").status == .ok)

            // MUT: a file with a problem
            let bad = "name;type;entity\nECR-1;monitor;Root › Alpha\nECR-2;toaster;Root › Alpha\n"
            let refused = try await web.postMultipart("/assets/import", fields: [],
                                                      file: ("file", "parc.csv", Data(bad.utf8)))
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("id=\"import-problems\"") && !refused.body.string.contains("import-confirm"))
            #expect(refused.body.string.contains("<td class=\"num\">3</td><td class=\"mono\">type</td>"))

            // MUT: a good file in Windows-1252, as French Excel saves it, then the confirmation
            // "›" is 0x9B and "â" 0xE2 in Windows-1252.
            var good = Data("name;type;entity;location\nECR-1;monitor;Root ".utf8)
            good.append(0x9B)
            good.append(Data(" Alpha;B".utf8))
            good.append(0xE2)
            good.append(Data("timent A\n".utf8))
            let preview = try await web.postMultipart("/assets/import", fields: [], file: ("file", "parc.csv", good))
            #expect(preview.status == .ok, "\(preview.body.string.prefix(2000))")
            let html = preview.body.string
            #expect(html.contains("windows-1252") && html.contains("id=\"import-confirm\""))
            #expect(try await AssetModel.query(on: app.db).count() == 0)
            let csv = try #require(Self.hiddenValue("csv", in: html))
            #expect(csv.contains("Bâtiment A") && csv.contains("Root › Alpha"))
            let done = try await web.postMultipart("/assets/import", fields: [("confirm", "1"), ("csv", csv)])

            // validate
            #expect(done.status == .seeOther && done.headers.first(name: .location) == "/assets")
            let asset = try #require(try await AssetModel.query(on: app.db).first())
            #expect(asset.name == "ECR-1" && asset.location == "Bâtiment A" && asset.entityID == t.alpha.id)
            #expect(try await web.get("/assets").body.string.contains("1 created, 0 changed, 0 unchanged"))
            #expect(try await web.postMultipart("/assets/import", fields: [("confirm", "1"), ("csv", csv)],
                                                includeCSRF: false).status == .forbidden)
        }
    }

    /// The value of a hidden input, HTML entities undone.
    static func hiddenValue(_ name: String, in html: String) -> String? {
        guard let start = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        let rest = html[start.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end]).replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}

@Suite("Messages of bulk edits, imports and saved views in French")
struct ListMessagesTests {
    @Test("every fixed message of bulk edits, imports and saved views has its French text")
    func catalogued() throws {
        let catalog = try Catalog.loadBundled()
        let messages = [
            AssetFieldRules.tooLongMessage, AssetFieldRules.commentTooLongMessage, AssetFieldRules.controlCharactersMessage,
            AssetFieldRules.dateMessage, AssetFieldRules.importedDateMessage, AssetFieldRules.costMessage,
            AssetNameClaims.takenMessage, AssetNameClaims.repeatedMessage, AssetImportSheet.noRowsMessage,
            AssetImportSheet.noColumnsMessage, AssetImportSheet.needsNameMessage, AssetImportSheet.repeatedColumnMessage,
            AssetImportSheet.unnamedColumnMessage, AssetImportSheet.idMessage, AssetImportSheet.entityIDMessage,
            SavedViewRules.nameProblem("") ?? "", SavedViewRules.nameProblem(String(repeating: "a", count: 81)) ?? "",
            ParcError.notFound("asset").message, ParcError.notFound("entity").message,
            ParcError.forbidden(Permission.assetsManage.name).message, AssetImporting.entityRequiredMessage,
            AssetImporting.entityPathMessage, AssetImporting.entityMismatchMessage,
        ]
        for message in messages {
            #expect(catalog.translateMessage(message, to: .fr) != message, "no French text for: \(message)")
        }
    }
}
