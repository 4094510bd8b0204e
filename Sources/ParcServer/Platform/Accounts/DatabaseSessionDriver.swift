import FluentKit
import Foundation
import Fluent
import Vapor

/// Sessions stored in the database, so that any instance behind a load balancer serves any user.
///
/// The cookie carries a random key; the table holds its SHA-256, the session data as JSON, who it
/// belongs to and when it expires. Unchanged sessions are written at most every few minutes.
struct DatabaseSessionDriver: SessionDriver {
    /// A session unused this long expires.
    static let idleLifetime: TimeInterval = 12 * 3600
    static let touchInterval: TimeInterval = 5 * 60
    static let userIDKey = "uid"

    func createSession(_ data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
        request.eventLoop.makeFutureWithTask {
            let key = Secrets.token(prefix: "")
            // An empty session (an unknown cookie, say) is not worth a row: the key goes back to the
            // browser unstored and is simply not found next time.
            if data.snapshot.isEmpty { return SessionID(string: key) }
            let now = request.now
            let model = SessionModel()
            model.keyHash = Secrets.fingerprint(key)
            model.data = Self.encode(data)
            model.userID = data[Self.userIDKey].flatMap(UUID.init(uuidString:))
            model.ip = request.clientIP
            model.userAgent = request.headers.first(name: .userAgent).map { String($0.prefix(300)) }
            model.createdAt = now
            model.lastSeenAt = now
            model.expiresAt = now.addingTimeInterval(Self.idleLifetime)
            try await model.create(on: request.db)
            return SessionID(string: key)
        }
    }

    func readSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<SessionData?> {
        request.eventLoop.makeFutureWithTask {
            guard sessionID.string.count <= 100,
                  let model = try await Self.find(sessionID, on: request.db), model.expiresAt > request.now
            else { return nil }
            request.storage[LoadedSessionKey.self] = LoadedSession(data: model.data, lastSeenAt: model.lastSeenAt)
            return Self.decode(model.data)
        }
    }

    func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
        request.eventLoop.makeFutureWithTask {
            let encoded = Self.encode(data)
            let now = request.now
            if let loaded = request.storage[LoadedSessionKey.self], loaded.data == encoded,
               now.timeIntervalSince(loaded.lastSeenAt) < Self.touchInterval {
                return sessionID
            }
            guard let model = try await Self.find(sessionID, on: request.db) else {
                // Deleted meanwhile (sign-out, password change): never bring the sign-in back.
                var fresh = data
                fresh[Self.userIDKey] = nil
                return try await createSession(fresh, for: request).get()
            }
            model.data = encoded
            model.userID = data[Self.userIDKey].flatMap(UUID.init(uuidString:))
            model.lastSeenAt = now
            model.expiresAt = now.addingTimeInterval(Self.idleLifetime)
            try await model.update(on: request.db)
            return sessionID
        }
    }

    func deleteSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<Void> {
        request.eventLoop.makeFutureWithTask {
            try await SessionModel.query(on: request.db)
                .filter(\.$keyHash == Secrets.fingerprint(sessionID.string)).delete()
        }
    }

    private static func find(_ id: SessionID, on db: any Database) async throws -> SessionModel? {
        try await SessionModel.query(on: db).filter(\.$keyHash == Secrets.fingerprint(id.string)).first()
    }

    private static func encode(_ data: SessionData) -> String {
        let dictionary = data.snapshot
        let json = (try? JSONEncoder.parc.encode(dictionary)) ?? Data("{}".utf8)
        return String(decoding: json, as: UTF8.self)
    }

    private static func decode(_ text: String) -> SessionData {
        let dictionary = (try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))) ?? [:]
        return SessionData(initialData: dictionary)
    }

    private struct LoadedSession: Sendable {
        let data: String
        let lastSeenAt: Date
    }

    private struct LoadedSessionKey: StorageKey { typealias Value = LoadedSession }
}

extension Request {
    /// The client's address. Behind a reverse proxy listed with `--trusted-proxy`, the right-most
    /// `X-Forwarded-For` hop that is not a trusted proxy; otherwise the peer's address.
    var clientIP: String {
        let peer = remoteAddress?.ipAddress ?? "unknown"
        let trusted = parc.configuration.trustedProxies
        guard trusted.contains(peer) else { return peer }
        let hops = headers[.xForwardedFor].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return hops.last(where: { !trusted.contains($0) }).map { String($0.prefix(64)) } ?? peer
    }

    /// Whether the request comes from this machine itself: a loopback peer that is not relaying
    /// someone else's request (a proxy on the same host adds forwarding headers).
    var isFromLoopback: Bool {
        guard let ip = remoteAddress?.ipAddress, ip == "::1" || ip.hasPrefix("127.") || ip == "::ffff:127.0.0.1"
        else { return false }
        let forwarded: [HTTPHeaders.Name] = [.xForwardedFor, .forwarded, "X-Real-IP", "X-Forwarded-Host"]
        return !forwarded.contains { headers.contains(name: $0) }
    }
}
