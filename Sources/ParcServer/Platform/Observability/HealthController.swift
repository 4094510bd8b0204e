import FluentKit
import Prometheus
import SQLKit
import Fluent
import Vapor

/// `/healthz` (the database answers) and `/metrics` (Prometheus text, loopback or token only).
struct HealthController {
    func register(_ routes: any RoutesBuilder) {
        routes.get("healthz", use: health)
        routes.get("livez", use: live)
        routes.get("metrics", use: metrics)
    }

    /// Liveness: the process answers HTTP, without touching the database (for orchestrators'
    /// liveness probes; `/healthz` is the readiness check).
    @Sendable func live(_ request: Request) -> Response {
        let response = Response(status: .ok, body: .init(staticString: "{\"status\":\"ok\"}"))
        response.headers.contentType = .json
        return response
    }

    @Sendable func health(_ request: Request) async throws -> Response {
        let ok: Bool
        do {
            _ = try await (request.db as! any SQLDatabase).raw("SELECT 1").all()
            ok = true
        } catch {
            request.logger.warning("health check: database unreachable", metadata: ["error": "\(error)"])
            ok = false
        }
        let response = Response(status: ok ? .ok : .serviceUnavailable)
        try response.content.encode(["status": ok ? "ok" : "database_unreachable"])
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    @Sendable func metrics(_ request: Request) async throws -> Response {
        if !request.isFromLoopback {
            guard let expected = request.parc.configuration.metricsToken,
                  let sent = request.headers.bearerAuthorization?.token,
                  Secrets.constantTimeEquals(sent, expected)
            else {
                throw ParcError(.forbidden, code: "forbidden",
                    "Metrics are served to loopback only, or with 'Authorization: Bearer <metrics token>' "
                        + "when the server was started with --metrics-token.")
            }
        }
        var buffer: [UInt8] = []
        request.parc.metrics.emit(into: &buffer)
        let response = Response(status: .ok, body: .init(data: Data(buffer)))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "plain",
                                                     parameters: ["version": "0.0.4", "charset": "utf-8"])
        return response
    }
}
