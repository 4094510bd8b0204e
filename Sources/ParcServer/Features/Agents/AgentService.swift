import FluentKit
import Foundation
import ParcCore
import Fluent
import SQLKit
import Vapor

/// Enrollment tokens, enrollment and revocation of agents.
struct AgentService {
    let request: Request

    var db: any Database { request.db }
    var now: Date { request.now }

    // MARK: enrollment tokens

    static let tokenPrefix = "parce_"
    static let credentialPrefix = "parca_"

    /// A new enrollment token for an entity; the secret is returned once, only its hash is stored.
    func createToken(entityID: UUID, name: String, expiresAt: Date?, maxUses: Int?) async throws
        -> (AgentEnrollmentTokenModel, String) {
        try await request.require(.agentsManage, in: entityID)
        var errors: [String: String] = [:]
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        if !BackupPlanRules.isCleanText(trimmed, max: 100) { errors["name"] = "Give the token a name of 1–100 characters." }
        if let expiresAt, expiresAt <= now { errors["expires_at"] = "The expiry date must be in the future." }
        if let maxUses, !(1...100_000).contains(maxUses) {
            errors["max_uses"] = "Leave empty for no limit, or give a whole number from 1 to 100000."
        }
        guard errors.isEmpty else { throw ParcError.validation(errors) }
        let secret = Secrets.token(prefix: Self.tokenPrefix)
        let token = AgentEnrollmentTokenModel()
        token.entityID = entityID
        token.name = trimmed
        token.tokenHash = Secrets.fingerprint(secret)
        token.prefix = String(secret.prefix(12))
        token.expiresAt = expiresAt
        token.maxUses = maxUses
        token.uses = 0
        token.createdBy = request.currentUser?.id
        token.createdAt = now
        let audit = AuditLog(request: request)
        try await db.transaction { db in
            try await token.create(on: db)
            try await audit.record("create", objectType: "agent_enrollment_token", objectID: token.id!,
                                   label: token.name, entityID: entityID, changes: [
                                       FieldChange(field: "name", before: nil, after: token.name),
                                       FieldChange(field: "token", before: nil, after: token.prefix + "…"),
                                       FieldChange(field: "expires_at", before: nil,
                                                   after: expiresAt.map { ISO8601DateFormatter().string(from: $0) }),
                                       FieldChange(field: "max_uses", before: nil, after: maxUses.map(String.init)),
                                   ].filter { $0.after != nil }, on: db)
        }
        return (token, secret)
    }

    /// The token if the user may see agents of its entity; 404 otherwise.
    func findToken(_ id: UUID?) async throws -> AgentEnrollmentTokenModel {
        guard let id, let token = try await AgentEnrollmentTokenModel.query(on: db).filter(\.$id == id)
            .scoped(to: request.entities(for: .agentsRead), \.$entityID).first()
        else { throw ParcError.notFound("enrollment token") }
        return token
    }

    func revokeToken(_ token: AgentEnrollmentTokenModel) async throws {
        try await request.require(.agentsManage, in: token.entityID)
        guard token.revokedAt == nil else { return }
        token.revokedAt = now
        let audit = AuditLog(request: request)
        try await db.transaction { db in
            try await token.update(on: db)
            try await audit.record("revoke", objectType: "agent_enrollment_token", objectID: token.id!, label: token.name,
                                   entityID: token.entityID, changes: [FieldChange(
                                       field: "revoked_at", before: nil,
                                       after: ISO8601DateFormatter().string(from: now))], on: db)
        }
    }

    // MARK: agents

    /// The agent if the user may see agents of its entity; 404 otherwise.
    func findAgent(_ id: UUID?) async throws -> AgentModel {
        guard let id, let agent = try await AgentModel.query(on: db).filter(\.$id == id)
            .scoped(to: request.entities(for: .agentsRead), \.$entityID).first()
        else { throw ParcError.notFound("agent") }
        return agent
    }

    /// Revokes an agent: its credential stops working at once. Enrolling again gives it a new one.
    func revoke(_ agent: AgentModel) async throws {
        try await request.require(.agentsManage, in: agent.entityID)
        guard agent.revokedAt == nil else { return }
        let before = agent.auditSnapshot
        agent.revokedAt = now
        let audit = AuditLog(request: request)
        try await db.transaction { db in
            try await agent.update(on: db)
            try await audit.record("revoke", objectType: "agent", objectID: agent.id!, label: agent.hostname,
                                   entityID: agent.entityID, changes: FieldChange.between(before, agent.auditSnapshot),
                                   on: db)
        }
    }

    // MARK: enrollment (agent side, no user)

    struct Enrollment {
        let token: String
        let hostname: String
        let machineID: String
        let os: String
        let agentVersion: String
    }

    /// Throttle key in `login_attempts`: a colon never appears in a login, so it cannot collide.
    static let throttleKey = "agent:enroll"

    static let invalidToken = ParcError(.unauthorized, code: "invalid_enrollment_token",
        "The enrollment token is unknown, expired, revoked or used up. Ask an administrator for a new one.")

    static func validate(_ enrollment: Enrollment) -> [String: String] {
        var errors: [String: String] = [:]
        if !BackupPlanRules.isCleanText(enrollment.hostname, max: 255) {
            errors["hostname"] = "Give a host name of 1–255 characters without control characters."
        }
        if !BackupPlanRules.isCleanText(enrollment.machineID, max: 200) {
            errors["machine_id"] = "Give a machine id of 1–200 characters without control characters."
        }
        if enrollment.os.count > 200 || !BackupPlanRules.isCleanText(enrollment.os.isEmpty ? "-" : enrollment.os, max: 200) {
            errors["os"] = "Give an operating system name of at most 200 characters without control characters."
        }
        if enrollment.agentVersion.count > 100
            || !BackupPlanRules.isCleanText(enrollment.agentVersion.isEmpty ? "-" : enrollment.agentVersion, max: 100) {
            errors["agent_version"] = "Give a version of at most 100 characters without control characters."
        }
        return errors
    }

    /// Enrolls a machine with an enrollment token: a new agent, or — same machine id in the same
    /// entity — the existing agent with a new credential (the old one stops working). Failures are
    /// throttled per address like sign-ins.
    func enroll(_ enrollment: Enrollment) async throws -> (AgentModel, String) {
        let ip = request.clientIP
        var policy = request.parc.loginThrottle
        policy.freeAttempts *= 4
        let recent = try await LoginAttemptModel.query(on: db).filter(\.$login == Self.throttleKey)
            .filter(\.$ip == ip).filter(\.$attemptedAt >= now.addingTimeInterval(-policy.window))
            .sort(\.$attemptedAt, .descending).limit(200).all()
        if let until = policy.lockedUntil(failures: recent.prefix { !$0.succeeded }.map(\.attemptedAt), now: now) {
            let seconds = max(1, Int(until.timeIntervalSince(now).rounded(.up)))
            throw ParcError(.tooManyRequests, code: "too_many_attempts",
                            "Too many failed enrollments from this address; try again in \(seconds) s.")
        }
        let errors = Self.validate(enrollment)
        guard errors.isEmpty else { throw ParcError.validation(errors) }

        let fingerprint = Secrets.fingerprint(enrollment.token)
        guard enrollment.token.count <= 200,
              let token = try await AgentEnrollmentTokenModel.query(on: db).filter(\.$tokenHash == fingerprint).first(),
              token.unusableReason(now: now) == nil
        else {
            try await LoginAttemptModel(login: Self.throttleKey, ip: ip, succeeded: false, at: now).create(on: db)
            throw Self.invalidToken
        }
        let secret = Secrets.token(prefix: Self.credentialPrefix)
        let hostname = enrollment.hostname.trimmingCharacters(in: .whitespaces)
        let machineID = enrollment.machineID.trimmingCharacters(in: .whitespaces)
        let audit = AuditLog(request: request, actorName: "parc-agent \(hostname) (enrollment token \(token.name))")
        let now = self.now
        let agent = try await db.transaction { db -> AgentModel? in
            // Compare-and-set: two machines racing for the last use of a token cannot both get it.
            let claimed = try await (db as! any SQLDatabase).raw("""
                UPDATE agent_enrollment_tokens SET uses = uses + 1
                WHERE id = \(bind: token.id!) AND revoked_at IS NULL AND (max_uses IS NULL OR uses < max_uses)
                  AND (expires_at IS NULL OR expires_at > \(bind: now))
                RETURNING id
                """).all()
            guard !claimed.isEmpty else { return nil }
            let existing = try await AgentModel.query(on: db).filter(\.$entityID == token.entityID)
                .filter(\.$machineID == machineID).first()
            let agent = existing ?? AgentModel()
            let before = existing?.auditSnapshot ?? [:]
            agent.entityID = token.entityID
            agent.machineID = machineID
            agent.hostname = hostname
            agent.os = enrollment.os
            agent.agentVersion = enrollment.agentVersion
            agent.credentialHash = Secrets.fingerprint(secret)
            agent.credentialPrefix = String(secret.prefix(12))
            agent.enrollmentTokenID = token.id
            agent.enrolledAt = now
            agent.lastSeenAt = now
            agent.revokedAt = nil
            try await agent.save(on: db)
            try await audit.record(existing == nil ? "enroll" : "reenroll", objectType: "agent", objectID: agent.id!,
                                   label: agent.hostname, entityID: agent.entityID,
                                   changes: FieldChange.between(before, agent.auditSnapshot), on: db)
            return agent
        }
        guard let agent else {
            try await LoginAttemptModel(login: Self.throttleKey, ip: ip, succeeded: false, at: now).create(on: db)
            throw Self.invalidToken
        }
        try await LoginAttemptModel(login: Self.throttleKey, ip: ip, succeeded: true, at: now).create(on: db)
        return (agent, secret)
    }
}
