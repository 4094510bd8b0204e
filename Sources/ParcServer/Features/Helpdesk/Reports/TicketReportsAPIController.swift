import Foundation
import ParcCore
import Vapor

/// `GET /api/v1/ticket-reports/{report}`: a helpdesk report as JSON, CSV or SVG (docs/helpdesk-reports.md).
struct TicketReportsAPIController {
    static let formats = ["json", "csv", "svg"]

    func register(_ api: APIRoutes) {
        api.schema("TicketReport", TicketReportDTO.schema)
        api.on(.GET, "ticket-reports/:report",
               summary: "A helpdesk report (\(TicketReportKind.names)) over a period, as JSON, CSV or SVG",
               tag: "Helpdesk", query: Self.queryParameters, response: .ref("TicketReport"), use: report)
    }

    static let queryParameters: [APIRoutes.QueryParameter] = [
        .init(name: "from", schema: .string(format: "date"),
              description: "First day (YYYY-MM-DD, in the time zone); default: 12 weeks (sla-compliance: 6 months) before 'to'."),
        .init(name: "to", schema: .string(format: "date"), description: "Last day, included; default: today."),
        .init(name: "entity_id", schema: .uuid, description: "Only this entity (default: every entity you read tickets of)."),
        .init(name: "sub_entities", schema: .boolean, description: "With entity_id: include its sub-entities (default true)."),
        .init(name: "interval", schema: .string(enumValues: ReportInterval.allCases.map(\.rawValue)),
              description: "Buckets of backlog, created-solved (default week) and sla-compliance (default month); "
                + "day only for periods up to 366 days. Ignored by the other reports."),
        .init(name: "tz", schema: .string(), description: "IANA time zone of days, weeks and months (default: yours)."),
        .init(name: "format", schema: .string(enumValues: formats), description: "json (default), csv or svg."),
    ]

    @Sendable func report(_ req: Request) async throws -> Response {
        let report: TicketReport
        let format: String
        do {
            let name = req.parameters.get("report") ?? ""
            guard let kind = TicketReportKind(rawValue: name) else { throw TicketReportInputError.unknownReport(name) }
            format = try Self.format(req)
            let parameters = try await TicketReportParameters.parse(req, kind: kind)
            report = try await TicketReportBuilder(request: req, parameters: parameters).build(kind)
        } catch let error as TicketReportInputError {
            throw error.parcError
        }
        switch format {
        case "csv":
            return req.csvResponse(report.csvRows, filename: Self.filename(report, "csv"))
        case "svg":
            return Self.svgResponse(report, req: req)
        default:
            return try await TicketReportDTO(report).encodeResponse(for: req)
        }
    }

    static func format(_ req: Request) throws -> String {
        let format = (try? req.query.get(String.self, at: "format")) ?? "json"
        guard formats.contains(format) else {
            throw TicketReportInputError.parameter("Parameter 'format' takes json, csv or svg.")
        }
        return format
    }

    /// `ticket-report-backlog-2026-09-01-2026-11-30.csv`
    static func filename(_ report: TicketReport, _ ext: String) -> String {
        "ticket-report-\(report.kind.rawValue)-\(report.parameters.period.fromText)-\(report.parameters.period.toText).\(ext)"
    }

    /// The charts as one SVG file: the first section's chart, or the sections' charts one under the other.
    static func svgResponse(_ report: TicketReport, req: Request) -> Response {
        let charts = report.sections.enumerated().map { index, section in
            ReportChartSVG.render(section.chart, id: "\(report.kind.rawValue)-\(index)")
        }
        let body: String
        if charts.count == 1 {
            body = charts[0]
        } else {
            body = #"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 720 \#(300 * charts.count)">"#
                + charts.enumerated().map { index, chart in
                    chart.replacingOccurrences(of: "<svg xmlns=\"http://www.w3.org/2000/svg\" ",
                                               with: "<svg y=\"\(300 * index)\" width=\"720\" height=\"300\" ")
                }.joined() + "</svg>"
        }
        let response = Response(status: .ok, body: .init(string: #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n" + body))
        response.headers.contentType = HTTPMediaType(type: "image", subType: "svg+xml", parameters: ["charset": "utf-8"])
        response.headers.contentDisposition = .init(.attachment, filename: filename(report, "svg"))
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        // A picture served from the site's origin must not run anything, whatever it holds.
        response.headers.replaceOrAdd(name: "Content-Security-Policy", value: "default-src 'none'; style-src 'unsafe-inline'")
        return response
    }
}
