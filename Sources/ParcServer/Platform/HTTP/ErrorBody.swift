import Fluent
import Vapor

/// The API's error format: `{"error": {"code": "...", "message": "...", "fields": {...}}}`, and `problems` — one per
/// item — when a batch (bulk edit, import) was refused.
struct ErrorBody: Content {
    struct Detail: Codable {
        let code: String
        let message: String
        let fields: [String: String]?
        var problems: [ParcError.Problem]? = nil
    }

    let error: Detail
}
