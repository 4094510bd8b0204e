import Foundation
import Fluent
import Vapor

/// Where features register the agent API (`/api/agent/v1`): `open` for enrollment, `authenticated`
/// behind the agent credential. Every route collects at most `bodyLimit` bytes of body.
struct AgentAPIRoutes {
    /// 256 KiB: a run report with 50 error messages fits many times over.
    static let bodyLimit: ByteCount = "256kb"

    let open: any RoutesBuilder
    let authenticated: any RoutesBuilder

    func on<Response: AsyncResponseEncodable>(
        _ method: HTTPMethod, _ path: PathComponent..., authenticated: Bool = true,
        use handler: @escaping @Sendable (Request) async throws -> Response
    ) {
        let builder = authenticated ? self.authenticated : open
        if method == .GET || method == .HEAD {
            builder.on(method, path, use: handler)
        } else {
            builder.on(method, path, body: .collect(maxSize: Self.bodyLimit), use: handler)
        }
    }
}

extension JSONDecoder {
    /// The agent API's decoder: RFC 3339 date-times, with or without fractional seconds, any offset.
    static var agent: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = RFC3339.date(from: text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription:
                    "expected an RFC 3339 date-time such as 2026-11-29T14:05:00Z")
            }
            return date
        }
        return decoder
    }
}

/// RFC 3339 date-times (`2026-11-29T14:05:00Z`, `2026-11-29T15:05:00.123+01:00`).
enum RFC3339 {
    static func date(from text: String) -> Date? {
        guard text.count <= 64 else { return nil }
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }
}
