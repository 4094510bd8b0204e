import Foundation
import Testing

@testable import ParcCore

@Suite("Saved views: names, kept queries, sharing")
struct SavedViewRulesTests {
    let spec = ListQuerySpec(sortable: ["name", "status"], filterable: ["type", "status", "software"],
                             defaultSort: [.init("name")], passthrough: ["format"])

    @Test("a query is kept one way: filters by name, then q, then non-default sort and page size; never page or format")
    func canonical() throws {
        #expect(try SavedViewRules.canonicalQuery("?status=deployed&type=computer&page=3&format=csv", spec: spec)
            == "status=deployed&type=computer")
        #expect(try SavedViewRules.canonicalQuery("sort=-status&q=pc+lyon&software=Mozilla%20Firefox&per_page=20", spec: spec)
            == "software=Mozilla%20Firefox&q=pc%20lyon&sort=-status&per_page=20")
        #expect(try SavedViewRules.canonicalQuery("sort=name&per_page=50&type=", spec: spec) == "")
        #expect(try SavedViewRules.canonicalQuery("", spec: spec) == "")
        // The same search written two ways is one kept query.
        #expect(try SavedViewRules.canonicalQuery("type=monitor&status=in_stock", spec: spec)
            == SavedViewRules.canonicalQuery("status=in_stock&type=monitor&page=1", spec: spec))
    }

    @Test("unknown filters, repeated or malformed parameters and oversized queries are refused with the reason")
    func refused() {
        #expect(throws: SavedViewQueryError.self) { try SavedViewRules.canonicalQuery("colour=red", spec: spec) }
        do {
            _ = try SavedViewRules.canonicalQuery("colour=red", spec: spec)
        } catch {
            #expect(error.description.contains("colour") && error.description.contains("software"))
        }
        #expect(throws: SavedViewQueryError.self) { try SavedViewRules.canonicalQuery("type=a&type=b", spec: spec) }
        #expect(throws: SavedViewQueryError.self) { try SavedViewRules.canonicalQuery("sort=password", spec: spec) }
        #expect(throws: SavedViewQueryError.self) { try SavedViewRules.canonicalQuery("type=%zz", spec: spec) }
        #expect(throws: SavedViewQueryError.self) { try SavedViewRules.canonicalQuery("type=%C3", spec: spec) }
        #expect(throws: SavedViewQueryError.tooLong(limit: 2_000)) {
            try SavedViewRules.canonicalQuery("q=" + String(repeating: "a", count: 1_999), spec: spec)
        }
    }

    @Test("names are trimmed, non-empty, at most 80 characters, without control characters")
    func names() {
        #expect(SavedViewRules.nameProblem("  Postes de Lyon ") == nil)
        #expect(SavedViewRules.nameProblem(String(repeating: "é", count: 80)) == nil)
        #expect(SavedViewRules.nameProblem(" \n ") != nil)
        #expect(SavedViewRules.nameProblem(String(repeating: "a", count: 81)) != nil)
        #expect(SavedViewRules.nameProblem("tab\there") != nil)
        #expect(SavedViewRules.nameProblem("bell\u{7}") != nil)
    }

    @Test("query strings decode + and escapes, keep order and repeats, and encode back")
    func queryStrings() throws {
        let pairs = try QueryString.pairs("a=1&b=x+y&c=%C3%A9t%C3%A9&&d&e=")
        #expect(pairs.map(\.0) == ["a", "b", "c", "d", "e"] && pairs.map(\.1) == ["1", "x y", "été", "", ""])
        #expect(QueryString.encode([("q", "a b&c=d"), ("é", "+")]) == "q=a%20b%26c%3Dd&%C3%A9=%2B")
        let round = [("name", "PC-01,PC-02"), ("q", "100% sûr")]
        let decoded = try QueryString.pairs(QueryString.encode(round))
        #expect(decoded.map(\.0) == round.map(\.0) && decoded.map(\.1) == round.map(\.1))
        #expect(throws: QueryStringError.self) { try QueryString.pairs("a=%4") }
        #expect(throws: QueryStringError.self) { try QueryString.pairs("a=%FF") }
    }

    @Test("a shared view is seen where its list is readable in its entity, and changed by its owner or the entity's admins")
    func sharing() {
        let root = UUID(), alpha = UUID(), beta = UUID()
        let tree = EntityTree([.init(id: root, parentID: nil, name: "Root"), .init(id: alpha, parentID: root, name: "A"),
                               .init(id: beta, parentID: root, name: "B")])
        let owner = UUID(), colleague = UUID(), admin = UUID(), outsider = UUID(), rootAdmin = UUID()
        let technician = AccessScope(profiles: [.init(entityID: alpha, role: .technician, recursive: true)], tree: tree)
        let alphaAdmin = AccessScope(profiles: [.init(entityID: alpha, role: .admin, recursive: false)], tree: tree)
        let betaAdmin = AccessScope(profiles: [.init(entityID: beta, role: .admin, recursive: true)], tree: tree)
        let superAdmin = AccessScope(profiles: [.init(entityID: root, role: .superAdmin, recursive: true)], tree: tree)
        let requester = AccessScope(profiles: [.init(entityID: alpha, role: .requester, recursive: true)], tree: tree)
        let read = Permission("assets.read", grantedTo: [.superAdmin, .admin, .technician, .observer])

        let shared = SavedViewSharing(ownerID: owner, entityID: alpha, shared: true)
        #expect(shared.isVisible(to: owner, scope: .none, listPermission: read))
        #expect(shared.isVisible(to: colleague, scope: technician, listPermission: read))
        #expect(!shared.isChangeable(by: colleague, scope: technician, listPermission: read))
        #expect(shared.isChangeable(by: admin, scope: alphaAdmin, listPermission: read))
        #expect(shared.isChangeable(by: rootAdmin, scope: superAdmin, listPermission: read))
        #expect(!shared.isVisible(to: outsider, scope: betaAdmin, listPermission: read))
        #expect(!shared.isChangeable(by: outsider, scope: betaAdmin, listPermission: read))
        #expect(!shared.isVisible(to: outsider, scope: requester, listPermission: read))

        let personal = SavedViewSharing(ownerID: owner, entityID: alpha, shared: false)
        #expect(personal.isChangeable(by: owner, scope: technician, listPermission: read))
        #expect(!personal.isVisible(to: admin, scope: alphaAdmin, listPermission: read))
        #expect(!personal.isChangeable(by: rootAdmin, scope: superAdmin, listPermission: read))
        // Shared at the root: a technician of Alpha alone does not cover the root entity.
        let atRoot = SavedViewSharing(ownerID: rootAdmin, entityID: root, shared: true)
        #expect(!atRoot.isVisible(to: colleague, scope: technician, listPermission: read))
    }
}
