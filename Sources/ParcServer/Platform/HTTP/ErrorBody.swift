import Fluent
import Vapor

/// The API's error format: `{"error": {"code": "...", "message": "...", "fields": {...}}}`.
struct ErrorBody: Content {
    struct Detail: Codable {
        let code: String
        let message: String
        let fields: [String: String]?
    }

    let error: Detail
}
