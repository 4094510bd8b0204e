import Foundation

/// The two readings every list's filters need, with the API's error wording: a UUID, and a comma-separated choice
/// among allowed values. A list query type conforms and calls `Self.uuid(…)` and `Self.values(…)`.
protocol ListFilterParsing {}

extension ListFilterParsing {
    static func uuid(_ text: String, _ parameter: String) throws -> UUID {
        guard let id = UUID(uuidString: text) else {
            throw ParcError.badRequest("invalid_query", "Parameter '\(parameter)' must be a UUID.")
        }
        return id
    }

    static func values(_ text: String, _ parameter: String, allowed: [String]) throws -> [String] {
        let values = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !values.isEmpty, values.allSatisfy(allowed.contains) else {
            throw ParcError.badRequest("invalid_query",
                                       "Parameter '\(parameter)' takes \(allowed.joined(separator: ", ")) (commas: any of).")
        }
        return values
    }
}
