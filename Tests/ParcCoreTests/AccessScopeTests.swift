import Foundation
import Testing
@testable import ParcCore

@Suite("Entity tree and access scope")
struct AccessScopeTests {
    let root = UUID(), customer = UUID(), site = UUID(), other = UUID()

    var tree: EntityTree {
        EntityTree([.init(id: root, parentID: nil, name: "Root"), .init(id: customer, parentID: root, name: "Client"),
                    .init(id: site, parentID: customer, name: "Site"), .init(id: other, parentID: root, name: "Autre")])
    }

    @Test("the tree answers subtrees, ancestors, paths and cycles")
    func structure() {
        #expect(tree.subtree(of: customer) == [customer, site])
        #expect(tree.ancestors(of: site) == [root, customer])
        #expect(tree.path(of: site) == "Root › Client › Site")
        #expect(tree.depth(of: site) == 2)
        #expect(tree.wouldCreateCycle(moving: customer, under: site))
        #expect(!tree.wouldCreateCycle(moving: site, under: other))
        #expect(tree.ordered == [root, other, customer, site])
        #expect(tree.subtree(of: UUID()).isEmpty)
    }

    @Test("a cycle in stored data never hangs the tree")
    func cycleInData() {
        let a = UUID(), b = UUID()
        let broken = EntityTree([.init(id: a, parentID: b, name: "A"), .init(id: b, parentID: a, name: "B")])
        #expect(broken.ancestors(of: a).count <= 2)
        #expect(broken.subtree(of: a).count == 2)
    }

    @Test("the strongest role wins where profiles overlap; non-recursive profiles stay on their entity")
    func scope() {
        let scope = AccessScope(profiles: [
            .init(entityID: root, role: .observer, recursive: true),
            .init(entityID: customer, role: .admin, recursive: false),
        ], tree: tree)
        #expect(scope.roles[customer] == .admin)
        #expect(scope.roles[site] == .observer)
        #expect(scope.allows(.usersManage, in: customer))
        #expect(!scope.allows(.usersManage, in: site))
        #expect(scope.entities(for: .usersRead) == [root, customer, site, other])
        #expect(scope.strongestRole == .admin)
        #expect(!scope.isRequesterOnly)
    }

    @Test("profiles on unknown entities grant nothing; requesters only get the portal")
    func edges() {
        let ghost = AccessScope(profiles: [.init(entityID: UUID(), role: .superAdmin, recursive: true)], tree: tree)
        #expect(ghost.roles.isEmpty)
        #expect(AccessScope.none.entities(for: .entitiesRead).isEmpty)
        let requester = AccessScope(profiles: [.init(entityID: site, role: .requester, recursive: false)], tree: tree)
        #expect(requester.isRequesterOnly)
        #expect(!requester.allows(.usersRead, in: site))
    }

    @Test("nobody grants above their own role; only super-admins make super-admins")
    func granting() {
        let admin = AccessScope(profiles: [.init(entityID: customer, role: .admin, recursive: true)], tree: tree)
        #expect(admin.mayGrant(.technician, in: site))
        #expect(admin.mayGrant(.admin, in: customer))
        #expect(!admin.mayGrant(.superAdmin, in: customer))
        #expect(!admin.mayGrant(.technician, in: other))
        let tech = AccessScope(profiles: [.init(entityID: customer, role: .technician, recursive: true)], tree: tree)
        #expect(!tech.mayGrant(.requester, in: customer))
    }
}
