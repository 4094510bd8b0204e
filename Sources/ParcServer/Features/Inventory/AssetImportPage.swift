import Foundation
import ParcCore
import Vapor

/// `/assets/import`: upload a CSV file, see the dry run — what each row would do, and each problem by row and column
/// — then confirm; the confirmation sends the checked text back and imports it through the same checks, in one
/// transaction.
struct AssetImportPage {
    /// Uploads carry the file (at most 5 MiB) in a multipart form, or the checked text on confirmation.
    static let bodyLimit = 16 << 20

    func register(_ routes: any RoutesBuilder) {
        routes.get("assets", "import", use: form)
        routes.on(.POST, "assets", "import", body: .collect(maxSize: ByteCount(value: Self.bodyLimit)), use: upload)
            .collectedBodyLimit = Self.bodyLimit
    }

    struct ProblemRow: Encodable {
        let row: Int
        let column: String
        let message: String
    }

    struct ItemRow: Encodable {
        let row: Int
        let action: String
        let tone: String
        let name: String
        let href: String?
        let changes: String
    }

    struct Page: Encodable {
        let checked: Bool
        let fileError: String?
        let valid: Bool
        let summary: String
        let format: String
        let ignored: String?
        let problems: [ProblemRow]
        let items: [ItemRow]
        let csv: String
        let columns: String
        let confirmLabel: String
        let refusedLabel: String
    }

    struct Upload: Content {
        var file: File?
        var csv: String?
        var confirm: String?
    }

    private func render(_ req: Request, _ page: Page, status: HTTPResponseStatus = .ok) async throws -> Response {
        try await req.renderPage("assets/import", title: req.t("assets.import.title"), active: "assets", page: page,
                                 status: status)
    }

    private static func empty(_ req: Request, fileError: String? = nil) -> Page {
        Page(checked: false, fileError: fileError, valid: false, summary: "", format: "", ignored: nil, problems: [],
             items: [], csv: "", columns: AssetCSVColumn.allCases.filter { !$0.isReadOnly }.map(\.rawValue)
                .joined(separator: ", "), confirmLabel: "", refusedLabel: "")
    }

    @Sendable func form(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.assetsManage)
        return try await render(req, Self.empty(req))
    }

    @Sendable func upload(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.assetsManage)
        let upload = try req.content.decode(Upload.self)
        let confirm = upload.confirm == "1" && upload.csv != nil
        let bytes = upload.csv.map { Array($0.utf8) } ?? upload.file.map { Array($0.data.readableBytesView) } ?? []
        let table: CSVTable
        do {
            table = try AssetImporting.table(bytes)
        } catch let error as ParcError {
            return try await render(req, Self.empty(req, fileError: req.t("assets.import.unreadable", error.message)),
                                    status: error.status)
        }
        let report = try await AssetImporting().run(req, table: table, dryRun: !confirm)
        let language = req.language
        let counts = [report.created, report.updated, report.unchanged].map { ParcFormat.number($0, language: language) }
        if report.imported {
            req.flash("success", req.t("assets.import.done", counts[0], counts[1], counts[2]))
            return req.redirect(to: "/assets")
        }
        let page = Page(
            checked: true, fileError: nil, valid: report.valid,
            summary: req.t("assets.import.summary", ParcFormat.number(report.rows, language: language), counts[0],
                           counts[1], counts[2]),
            format: req.t("assets.import.format", report.delimiter == "\t" ? "tab" : report.delimiter, report.encoding),
            ignored: report.ignored_columns.isEmpty ? nil
                : req.t("assets.import.ignored", report.ignored_columns.joined(separator: ", ")),
            problems: report.errors.map {
                ProblemRow(row: $0.row ?? 0, column: $0.column ?? "—", message: req.localized($0.message))
            },
            items: report.items.map { item in
                ItemRow(row: item.row, action: req.t("assets.import.action.\(item.action)"),
                        tone: item.action == "create" ? "blue" : (item.action == "update" ? "amber" : "grey"),
                        name: item.name, href: item.action == "create" ? nil : "/assets/\(item.id)",
                        changes: item.changes.map { "\($0.field): \($0.before ?? "—") → \($0.after ?? "—")" }
                            .joined(separator: " · "))
            },
            csv: report.valid ? (CSVTextEncoding.decode(ArraySlice(bytes))?.0 ?? "") : "",
            columns: Self.empty(req).columns,
            confirmLabel: req.t("assets.import.confirm", ParcFormat.number(report.rows, language: language)),
            refusedLabel: req.t("assets.import.refused",
                                ParcFormat.number(Set(report.errors.map(\.row)).count, language: language)))
        return try await render(req, page, status: report.valid ? .ok : .unprocessableEntity)
    }
}
