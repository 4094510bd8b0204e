import Foundation
import ParcCore
import Vapor

/// `/tickets/reports` (choose a report and a period: chart, table, CSV and SVG) and `/tickets/sla` (the SLA
/// dashboard). Both read through the same permission check and scope as the API.
struct TicketReportPagesController {
    func register(_ routes: any RoutesBuilder) {
        routes.get("tickets", "reports", use: reportsPage)
        routes.get("tickets", "sla", use: slaPage)
    }

    struct SectionView: Encodable {
        let id: String
        let title: String
        let svg: String
        let headers: [String]
        let rows: [[Cell]]
    }

    struct Cell: Encodable {
        let text: String
        /// Numbers are right-aligned with tabular figures.
        let numeric: Bool
    }

    struct ReportsPage: Encodable {
        let reports: [SelectOption]
        let intervals: [SelectOption]
        let entities: [SelectOption]
        let from: String
        let to: String
        let subEntities: Bool
        let timeZone: String
        let error: String?
        let sections: [SectionView]
        let csv: String?
        let svg: String?
        let empty: Bool
    }

    @Sendable func reportsPage(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.ticketsRead)
        let name = (try? req.query.get(String.self, at: "report")) ?? TicketReportKind.backlog.rawValue
        let kind = TicketReportKind(rawValue: name)
        var report: TicketReport?
        var error: String?
        do {
            guard let kind else { throw TicketReportInputError.unknownReport(name) }
            let format = try TicketReportsAPIController.format(req)
            let parameters = try await TicketReportParameters.parse(req, kind: kind)
            let built = try await TicketReportBuilder(request: req, parameters: parameters).build(kind)
            if format == "csv" {
                return req.csvResponse(built.csvRows, filename: TicketReportsAPIController.filename(built, "csv"))
            }
            if format == "svg" { return TicketReportsAPIController.svgResponse(built, req: req) }
            report = built
        } catch let failure as TicketReportInputError {
            error = failure.localized(req)
        }
        let chosenInterval = (try? req.query.get(String.self, at: "interval")) ?? ""
        let chosenEntity = (try? req.query.get(String.self, at: "entity_id")).flatMap(UUID.init(uuidString:))
        let page = ReportsPage(
            reports: TicketReportKind.allCases.map {
                SelectOption(value: $0.rawValue, label: req.t("reports.\($0.rawValue)"), selected: $0 == (kind ?? .backlog))
            },
            intervals: [SelectOption(value: "", label: req.t("reports.interval.default"), selected: chosenInterval.isEmpty)]
                + ReportInterval.allCases.map {
                    SelectOption(value: $0.rawValue, label: req.t("reports.interval.\($0.rawValue)"),
                                 selected: chosenInterval == $0.rawValue)
                },
            entities: [SelectOption(value: "", label: req.t("reports.all_entities"), selected: chosenEntity == nil)]
                + (try await req.entityOptions(for: .ticketsRead, selected: chosenEntity)),
            from: report?.parameters.period.fromText ?? ((try? req.query.get(String.self, at: "from")) ?? ""),
            to: report?.parameters.period.toText ?? ((try? req.query.get(String.self, at: "to")) ?? ""),
            subEntities: report?.parameters.subEntities ?? true,
            timeZone: report?.parameters.period.timeZone.identifier ?? req.timeZone.identifier,
            error: error,
            sections: report.map { sections($0, req: req) } ?? [],
            csv: report.map { "/tickets/reports?" + $0.parameters.query($0.kind, format: "csv") },
            svg: report.map { "/tickets/reports?" + $0.parameters.query($0.kind, format: "svg") },
            empty: report?.parameters.entities.isEmpty ?? false)
        return try await req.renderPage("tickets/reports", title: req.t("reports.title"), active: "tickets-reports",
                                        page: page, status: error == nil ? .ok : .badRequest)
    }

    private func sections(_ report: TicketReport, req: Request) -> [SectionView] {
        report.sections.enumerated().map { index, section in
            let id = "report-\(report.kind.rawValue)-\(index)"
            return SectionView(
                id: id, title: section.chart.title, svg: ReportChartSVG.render(section.chart, id: id),
                headers: section.columns.map { req.t("reports.column.\($0)") },
                rows: section.rows.map { row in
                    zip(section.columns, row).map { column, value in
                        if case .text = value { return Cell(text: Self.text(column, value, req), numeric: false) }
                        return Cell(text: Self.text(column, value, req), numeric: true)
                    }
                })
        }
    }

    /// A cell as the reader reads it: instants in their time zone, numbers in their language, priorities by name.
    static func text(_ column: String, _ value: TicketReport.Value, _ req: Request) -> String {
        switch value {
        case let .text(text):
            if column == "start" || column == "end", let date = ISO8601DateFormatter().date(from: text) {
                return req.formatDateTime(date)
            }
            return text
        case let .integer(number):
            return column == "priority" ? req.t("tickets.priority.\(number)")
                : ParcFormat.number(number, language: req.language)
        case let .number(number):
            guard let number else { return "—" }
            let shown = TicketReport.rounded(number)
            let local = req.language == .fr ? shown.replacingOccurrences(of: ".", with: ",") : shown
            return column.hasSuffix("_rate") ? local + "\u{00A0}%" : local
        }
    }

    @Sendable func slaPage(_ req: Request) async throws -> Response {
        let dashboard = try await SLADashboard.load(req)
        return try await req.renderPage("tickets/sla", title: req.t("sla.title"), active: "tickets-sla", page: dashboard)
    }
}
