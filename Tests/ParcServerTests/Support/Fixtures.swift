import Fluent
import Foundation
import ParcCore
import Vapor
@testable import ParcServer

/// A small tenancy: root › Alpha, root › Beta, with accounts on each.
struct Tenancy {
    let root: EntityModel
    let alpha: EntityModel
    let beta: EntityModel
    let superAdmin: UserModel
    let alphaTech: UserModel
    let betaAdmin: UserModel
    let betaUser: UserModel
    let superToken: String
    let alphaToken: String
    let betaToken: String

    static let password = "correct horse battery"

    static func make(_ app: Application) async throws -> Tenancy {
        let audit = AuditLog(system: "test", now: app.parc.clock.now())
        let root = EntityModel(parentID: nil, name: "Root")
        try await root.create(on: app.db)
        let alpha = EntityModel(parentID: root.id, name: "Alpha", code: "ALP")
        try await alpha.create(on: app.db)
        let beta = EntityModel(parentID: root.id, name: "Beta", code: "BET")
        try await beta.create(on: app.db)
        let service = AccountService(application: app)
        func user(_ login: String, _ entity: EntityModel, _ role: Role) async throws -> UserModel {
            try await service.create(.init(login: login, displayName: login.capitalized, email: "\(login)@example.org",
                                           password: password, entityID: entity.id!, role: role, recursive: true),
                                     audit: audit)
        }
        let superAdmin = try await user("root", root, .superAdmin)
        let alphaTech = try await user("alice", alpha, .technician)
        let betaAdmin = try await user("bob", beta, .admin)
        let betaUser = try await user("carol", beta, .requester)
        func token(_ user: UserModel) async throws -> String {
            try await service.createToken(for: user, name: "test", expiresAt: nil, audit: audit).1
        }
        return Tenancy(root: root, alpha: alpha, beta: beta, superAdmin: superAdmin, alphaTech: alphaTech,
                       betaAdmin: betaAdmin, betaUser: betaUser, superToken: try await token(superAdmin),
                       alphaToken: try await token(alphaTech), betaToken: try await token(betaAdmin))
    }
}

extension HTTPHeaders {
    static func bearer(_ token: String) -> HTTPHeaders { ["Authorization": "Bearer \(token)"] }

    static func json(_ token: String) -> HTTPHeaders {
        ["Authorization": "Bearer \(token)", "Content-Type": "application/json"]
    }
}

/// The body of a JSON error answer.
struct TestErrorBody: Decodable {
    struct Detail: Decodable {
        let code: String
        let message: String
        let fields: [String: String]?
    }

    let error: Detail
}
