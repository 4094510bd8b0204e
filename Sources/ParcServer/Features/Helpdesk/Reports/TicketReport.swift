import Foundation
import ParcCore
import Vapor

/// A computed report: one or more tables of numbers, each with the chart that draws it. The JSON answer, the CSV
/// export, the SVG and the page all come from this one value, so they show the same numbers.
struct TicketReport: Sendable {
    enum Value: Sendable, Equatable {
        case text(String)
        case integer(Int)
        /// Hours, percentages: rounded to two decimals when shown; nil when there is nothing to compute from.
        case number(Double?)
    }

    struct Section: Sendable {
        let key: String
        /// Column keys: the JSON fields, the CSV header.
        let columns: [String]
        let rows: [[Value]]
        let chart: ReportChart
    }

    let kind: TicketReportKind
    let parameters: TicketReportParameters
    let sections: [Section]

    /// The CSV export: the column keys as header, numbers with a dot and two decimals at most; a `section` column
    /// first when the report has several tables.
    var csvRows: [[String]] {
        let several = sections.count > 1
        var rows: [[String]] = []
        for (index, section) in sections.enumerated() {
            if index == 0 || several && section.columns != sections[0].columns {
                rows.append((several ? ["section"] : []) + section.columns)
            }
            rows += section.rows.map { (several ? [section.key] : []) + $0.map(Self.csvText) }
        }
        return rows
    }

    static func csvText(_ value: Value) -> String {
        switch value {
        case let .text(text): text
        case let .integer(number): String(number)
        case let .number(number): number.map(rounded) ?? ""
        }
    }

    /// Two decimals at most, no trailing zeros, a dot: `66.67`, `12.5`, `3`.
    static func rounded(_ value: Double) -> String {
        let hundredths = (value * 100).rounded()
        if hundredths.truncatingRemainder(dividingBy: 100) == 0 { return String(Int(hundredths / 100)) }
        var text = String(format: "%.2f", hundredths / 100)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }
}

/// The JSON answer of `GET /api/v1/ticket-reports/{report}`.
struct TicketReportDTO: Content {
    struct Section: Content {
        let key: String
        let columns: [String]
        let rows: [[String: JSONValue]]
    }

    /// A JSON scalar.
    enum JSONValue: Codable, Sendable {
        case string(String)
        case int(Int)
        case double(Double)
        case null

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case let .string(text): try container.encode(text)
            case let .int(number): try container.encode(number)
            case let .double(number): try container.encode(number)
            case .null: try container.encodeNil()
            }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() { self = .null }
            else if let number = try? container.decode(Int.self) { self = .int(number) }
            else if let number = try? container.decode(Double.self) { self = .double(number) }
            else { self = .string(try container.decode(String.self)) }
        }
    }

    let report: String
    let from: String
    let to: String
    let time_zone: String
    let interval: String?
    let entity_id: UUID?
    let sub_entities: Bool
    let sections: [Section]

    init(_ report: TicketReport) {
        self.report = report.kind.rawValue
        from = report.parameters.period.fromText
        to = report.parameters.period.toText
        time_zone = report.parameters.period.timeZone.identifier
        interval = report.parameters.interval?.rawValue
        entity_id = report.parameters.entityID
        sub_entities = report.parameters.subEntities
        sections = report.sections.map { section in
            Section(key: section.key, columns: section.columns, rows: section.rows.map { row in
                Dictionary(uniqueKeysWithValues: zip(section.columns, row).map { column, value -> (String, JSONValue) in
                    switch value {
                    case let .text(text): return (column, JSONValue.string(text))
                    case let .integer(number): return (column, JSONValue.int(number))
                    case let .number(number):
                        return (column, number.map { JSONValue.double(($0 * 100).rounded() / 100) } ?? JSONValue.null)
                    }
                })
            })
        }
    }

    static let schema = OpenAPISchema.object([
        "report": .string(enumValues: TicketReportKind.allCases.map(\.rawValue)),
        "from": .string(format: "date"), "to": .string(format: "date"), "time_zone": .string(),
        "interval": .nullable(.string(enumValues: ReportInterval.allCases.map(\.rawValue))),
        "entity_id": .nullable(.string(format: "uuid")), "sub_entities": .boolean,
        "sections": .array(.object([
            "key": .string(), "columns": .array(.string()),
            "rows": .array(.map(.scalar(description: "The value of the column of this name: a label, a count, "
                + "hours or a percentage (null when there is nothing to compute from)."))),
        ], required: ["key", "columns", "rows"])),
    ], required: ["report", "from", "to", "time_zone", "interval", "entity_id", "sub_entities", "sections"])
}
