import Foundation

/// An asset CSV file read into rows: the header checked against the export's columns, then each cell on its own —
/// ids, types and statuses, dates (ISO or day first), amounts (decimal comma allowed), text lengths. Cells the export
/// neutralised with an apostrophe (`'-5`) read back as they were. Blank rows are skipped; a row with another number of
/// cells than the header is refused whole, since its cells no longer line up with the columns.
public struct AssetImportSheet: Hashable, Sendable {
    /// The rows whose cells all read, in file order.
    public let rows: [AssetImportRow]
    /// What is wrong, by row: the header's problems alone when it has any.
    public let problems: [ImportProblem]
    /// The columns present, in file order.
    public let columns: [AssetCSVColumn]
    /// Read-only columns present (left alone by the import).
    public var ignoredColumns: [AssetCSVColumn] { columns.filter(\.isReadOnly) }

    public static let noRowsMessage = "The file has a header but no row to import."
    public static let noColumnsMessage = "The file has no column to import: start from the CSV export of the asset list."
    public static let needsNameMessage = "The file needs the column name (to create assets) or id (to update them)."
    public static let repeatedColumnMessage = "This column appears twice."
    public static let unnamedColumnMessage = "A column has no name in the header but holds values."
    public static let idMessage = "Give the asset's id as exported, or leave the cell empty to create an asset."
    public static let entityIDMessage = "Give the entity's id as exported, or leave the cell empty."

    /// Reads `table`; `types` are the asset types, in the order messages list them.
    public static func read(_ table: CSVTable, types: [String]) -> AssetImportSheet {
        guard let header = table.records.first else {
            return AssetImportSheet(rows: [], problems: [ImportProblem(row: 1, column: nil, message: noRowsMessage)],
                                    columns: [])
        }
        var problems: [ImportProblem] = []
        var columns: [AssetCSVColumn?] = []
        var seen = Set<AssetCSVColumn>()
        let data = table.records.dropFirst().filter { !$0.isBlank }
        for (index, cell) in header.fields.enumerated() {
            let name = cell.trimmingCharacters(in: .whitespaces).lowercased()
            if name.isEmpty {
                columns.append(nil)
                if data.contains(where: { index < $0.fields.count && !$0.fields[index].isEmpty }) {
                    problems.append(ImportProblem(row: header.number, column: nil, message: unnamedColumnMessage))
                }
                continue
            }
            guard let column = AssetCSVColumn(rawValue: name) else {
                problems.append(ImportProblem(
                    row: header.number, column: String(cell.prefix(60)),
                    message: "Unknown column. The columns are those of the CSV export: "
                        + AssetCSVColumn.allCases.map(\.rawValue).joined(separator: ", ") + "."))
                columns.append(nil)
                continue
            }
            if !seen.insert(column).inserted {
                problems.append(ImportProblem(row: header.number, column: name, message: repeatedColumnMessage))
            }
            columns.append(column)
        }
        let present = columns.compactMap { $0 }
        if problems.isEmpty {
            if !present.contains(where: { !$0.isReadOnly && $0 != .id && $0 != .entity }) {
                problems.append(ImportProblem(row: header.number, column: nil, message: noColumnsMessage))
            } else if !seen.contains(.id), !seen.contains(.name) {
                problems.append(ImportProblem(row: header.number, column: "name", message: needsNameMessage))
            } else if data.isEmpty {
                problems.append(ImportProblem(row: header.number, column: nil, message: noRowsMessage))
            }
        }
        guard problems.isEmpty else { return AssetImportSheet(rows: [], problems: problems, columns: present) }
        var rows: [AssetImportRow] = []
        for record in data {
            guard record.fields.count == columns.count else {
                problems.append(ImportProblem(
                    row: record.number, column: nil,
                    message: "This row has \(record.fields.count) cells where the header has \(columns.count); "
                        + "check its delimiters and quotes."))
                continue
            }
            var row = AssetImportRow(number: record.number)
            var rowProblems: [ImportProblem] = []
            for (column, cell) in zip(columns, record.fields) {
                guard let column, !column.isReadOnly else { continue }
                if let problem = read(CSV.importedValue(cell).trimmingCharacters(in: .whitespacesAndNewlines),
                                      column: column, into: &row, types: types) {
                    rowProblems.append(ImportProblem(row: record.number, column: column.rawValue, message: problem))
                }
            }
            if rowProblems.isEmpty { rows.append(row) } else { problems += rowProblems }
        }
        return AssetImportSheet(rows: rows, problems: problems, columns: present)
    }

    /// Reads one cell into `row`; returns why it cannot be read.
    static func read(_ value: String, column: AssetCSVColumn, into row: inout AssetImportRow, types: [String])
        -> String?
    {
        switch column {
        case .id:
            guard !value.isEmpty else { return nil }
            guard let id = UUID(uuidString: value) else { return idMessage }
            row.id = id
        case .entityID:
            guard !value.isEmpty else { return nil }
            guard let id = UUID(uuidString: value) else { return entityIDMessage }
            row.entityID = id
        case .entity:
            row.entityPath = value.isEmpty ? nil : value
        case .type:
            guard !value.isEmpty else { return nil }
            guard types.contains(value.lowercased()) else { return "Use one of \(types.joined(separator: ", "))." }
            row.type = value.lowercased()
        case .status:
            guard !value.isEmpty else { return nil }
            guard AssetStatus(rawValue: value.lowercased()) != nil else {
                return "Use one of \(AssetStatus.allCases.map(\.rawValue).joined(separator: ", "))."
            }
            row.status = value.lowercased()
        case .purchaseCost:
            row.hasPurchaseCost = true
            guard !value.isEmpty else { return nil }
            guard let cost = AssetFieldRules.importedCost(value) else { return AssetFieldRules.costMessage }
            row.purchaseCost = cost
        case _ where column.isDate:
            guard !value.isEmpty else {
                row.texts[column.rawValue] = ""
                return nil
            }
            guard let day = AssetFieldRules.importedDate(value) else { return AssetFieldRules.importedDateMessage }
            row.texts[column.rawValue] = day.description
        case _ where column.isText:
            if let problem = AssetFieldRules.textProblem(field: column.rawValue, value: value) { return problem }
            row.texts[column.rawValue] = value
        default:
            break
        }
        return nil
    }

    /// The entity path as the export writes it, from one a person typed: parts separated by `›` or `>`, spaces
    /// around them trimmed; compared without case.
    public static func normalizedPath(_ path: String) -> String {
        path.split(whereSeparator: { $0 == "›" || $0 == ">" })
            .map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " › ").lowercased()
    }
}
