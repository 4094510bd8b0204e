import Foundation
import Metrics
import Fluent
import Vapor

/// Gives each request an id (echoed as `X-Request-ID` and in every log line of the request),
/// logs one line per request and records request metrics.
struct RequestLoggingMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let incoming = request.headers.first(name: "X-Request-ID"),
           incoming.count <= 64, incoming.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
            request.storage[RequestIDKey.self] = incoming
        }
        let id = request.requestID
        request.logger[metadataKey: "request_id"] = .string(id)
        let start = DispatchTime.now().uptimeNanoseconds
        let response = try await next.respond(to: request)
        let elapsed = DispatchTime.now().uptimeNanoseconds - start
        response.headers.replaceOrAdd(name: "X-Request-ID", value: id)
        let route = request.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "unmatched"
        request.logger.info("request", metadata: [
            "method": .string(request.method.rawValue), "path": .string(request.url.path),
            "route": .string(route), "status": .stringConvertible(response.status.code),
            "duration_ms": .stringConvertible(Double(elapsed) / 1_000_000),
        ])
        let dimensions = [("method", request.method.rawValue), ("route", route),
                          ("status", String(response.status.code))]
        Counter(label: "parc_http_requests_total", dimensions: dimensions).increment()
        Timer(label: "parc_http_request_duration_seconds", dimensions: [("route", route)])
            .recordNanoseconds(Int64(elapsed))
        return response
    }
}
