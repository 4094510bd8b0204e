import Fluent
import Foundation
import NIOConcurrencyHelpers
import ParcCore
import SQLKit
import Vapor

/// A short-lived, per-instance memory of the entity tree, each user's profiles and recently used
/// API tokens with their owners, so that an authenticated request does not read them from the
/// database every time.
///
/// Any change this instance makes to entities, profiles, accounts or tokens clears it at once (through Fluent model
/// middleware, whoever makes the change). A change made by another instance is seen within
/// `lifetime` — the price of serving most requests with one query (decision 0011).
final class AccessCache: Sendable {
    static let lifetime: TimeInterval = 2

    private struct State {
        var tree: (EntityTree, Date)?
        var profiles: [UUID: ([Profile], Date)] = [:]
        var tokens: [String: (any SQLRow, Date)] = [:]
    }

    private let state = NIOLockedValueBox(State())

    func tree(now: Date) -> EntityTree? {
        state.withLockedValue { state in
            guard let (tree, at) = state.tree, now.timeIntervalSince(at) < Self.lifetime, at <= now else { return nil }
            return tree
        }
    }

    func store(_ tree: EntityTree, now: Date) { state.withLockedValue { $0.tree = (tree, now) } }

    func profiles(of user: UUID, now: Date) -> [Profile]? {
        state.withLockedValue { state in
            guard let (profiles, at) = state.profiles[user], now.timeIntervalSince(at) < Self.lifetime, at <= now
            else { return nil }
            return profiles
        }
    }

    func store(_ profiles: [Profile], of user: UUID, now: Date) {
        state.withLockedValue { state in
            // Bounded: a burst of many users never grows it without end.
            if state.profiles.count > 10_000 { state.profiles.removeAll(keepingCapacity: true) }
            state.profiles[user] = (profiles, now)
        }
    }

    /// The token-and-owner row last read for a token fingerprint.
    func tokenRow(_ fingerprint: String, now: Date) -> (any SQLRow)? {
        state.withLockedValue { state in
            guard let (row, at) = state.tokens[fingerprint], now.timeIntervalSince(at) < Self.lifetime, at <= now
            else { return nil }
            return row
        }
    }

    func store(tokenRow row: any SQLRow, for fingerprint: String, now: Date) {
        state.withLockedValue { state in
            if state.tokens.count > 10_000 { state.tokens.removeAll(keepingCapacity: true) }
            state.tokens[fingerprint] = (row, now)
        }
    }

    func forgetToken(_ fingerprint: String) { state.withLockedValue { _ = $0.tokens.removeValue(forKey: fingerprint) } }

    func clear() { state.withLockedValue { $0 = State() } }
}

/// Clears the access cache whenever this instance writes an entity or a profile.
struct AccessCacheInvalidation<M: Model>: AsyncModelMiddleware {
    let cache: AccessCache

    func create(model: M, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        try await next.create(model, on: db)
        cache.clear()
    }

    func update(model: M, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        try await next.update(model, on: db)
        cache.clear()
    }

    func delete(model: M, force: Bool, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        try await next.delete(model, force: force, on: db)
        cache.clear()
    }
}
