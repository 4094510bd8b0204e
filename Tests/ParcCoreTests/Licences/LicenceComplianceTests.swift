import Foundation
import Testing

@testable import ParcCore

@Suite("Licence compliance: seats against installations")
struct LicenceComplianceTests {
    // root › Alpha › Alpha Lyon, root › Beta
    static let root = UUID()
    static let alpha = UUID()
    static let lyon = UUID()
    static let beta = UUID()
    static let tree = EntityTree([
        .init(id: root, parentID: nil, name: "Root"), .init(id: alpha, parentID: root, name: "Alpha"),
        .init(id: lyon, parentID: alpha, name: "Alpha Lyon"), .init(id: beta, parentID: root, name: "Beta"),
    ])
    static let everything: Set<UUID> = [root, alpha, lyon, beta]
    static let office = UUID()
    static let cad = UUID()
    static let today = InventoryDate(year: 2026, month: 11, day: 30)!

    static func licence(_ entity: UUID, software: UUID? = office, type: LicenceType = .perDevice, seats: Int?,
                        expires: InventoryDate? = nil) -> LicenceTerms {
        LicenceTerms(id: UUID(), entityID: entity, softwareID: software, type: type, seats: seats, expiresOn: expires)
    }

    /// Office on 3 machines in Alpha, 2 in Alpha Lyon, 4 in Beta.
    static var installations: LicenceInstallations {
        var installations = LicenceInstallations()
        installations.add(machines: 3, of: office, in: alpha)
        installations.add(machines: 2, of: office, in: lyon)
        installations.add(machines: 4, of: office, in: beta)
        return installations
    }

    static func evaluate(_ licences: [LicenceTerms], visible: Set<UUID> = everything,
                         installations: LicenceInstallations = installations) -> [UUID: LicenceCompliance] {
        LicenceCompliance.evaluate(licences, installations: installations, tree: tree, visible: visible, today: today)
    }

    @Test("a licence counts the installations of its entity and sub-entities, not its siblings'")
    func subtree() throws {
        let short = Self.licence(Self.alpha, seats: 4)
        let exact = Self.licence(Self.beta, seats: 4)
        let spare = Self.licence(Self.lyon, seats: 3)
        let result = Self.evaluate([short, exact, spare])
        let alpha = try #require(result[short.id])
        #expect(alpha.status == .underLicensed && alpha.demand == 5 && alpha.shortfall == 1 && alpha.surplus == 0)
        #expect(result[exact.id]?.status == .compliant && result[exact.id]?.demand == 4)
        #expect(result[spare.id]?.status == .overLicensed && result[spare.id]?.surplus == 1)
    }

    @Test("licences of the same program, entity and unit pool their seats; other levels are judged apart")
    func pooling() throws {
        let first = Self.licence(Self.alpha, seats: 3)
        let second = Self.licence(Self.alpha, seats: 3)
        let perUser = Self.licence(Self.alpha, type: .perUser, seats: 1)
        let other = Self.licence(Self.alpha, software: Self.cad, seats: 2)
        let site = Self.licence(Self.lyon, seats: 1)
        let result = Self.evaluate([first, second, perUser, other, site])
        for id in [first.id, second.id] {
            #expect(result[id] == LicenceCompliance(status: .overLicensed, demand: 5, pooledSeats: 6, pooledLicences: 2))
        }
        #expect(result[other.id]?.status == .overLicensed && result[other.id]?.demand == 0)
        #expect(result[site.id]?.status == .underLicensed && result[site.id]?.pooledLicences == 1)
    }

    @Test("an expired licence is expired and its seats leave the pool; expiry day itself is still valid")
    func expiry() {
        let lastDay = Self.licence(Self.alpha, seats: 2, expires: Self.today)
        let gone = Self.licence(Self.alpha, seats: 10, expires: InventoryDate(year: 2026, month: 11, day: 29))
        let result = Self.evaluate([lastDay, gone])
        #expect(result[gone.id]?.status == .expired)
        #expect(result[lastDay.id] == LicenceCompliance(status: .underLicensed, demand: 5, pooledSeats: 2,
                                                        pooledLicences: 1))
        #expect(gone.isExpired(on: Self.today) && !lastDay.isExpired(on: Self.today))
        #expect(lastDay.daysToExpiry(from: Self.today) == 0 && gone.daysToExpiry(from: Self.today) == -1)
        #expect(lastDay.expires(within: 0, from: Self.today) && !gone.expires(within: 30, from: Self.today))
        let later = Self.licence(Self.alpha, seats: 1, expires: InventoryDate(year: 2026, month: 12, day: 30))
        #expect(later.expires(within: 30, from: Self.today) && !later.expires(within: 29, from: Self.today))
        #expect(!Self.licence(Self.alpha, seats: 1).expires(within: 36_500, from: Self.today))
    }

    @Test("a site licence without a limit makes its pool compliant; with a cap it counts like the others")
    func site() {
        let unlimited = Self.licence(Self.alpha, type: .site, seats: nil)
        let small = Self.licence(Self.alpha, seats: 1)
        let result = Self.evaluate([unlimited, small])
        #expect(result[small.id] == LicenceCompliance(status: .compliant, demand: 5, pooledSeats: nil, pooledLicences: 2))
        #expect(result[small.id]?.shortfall == 0 && result[small.id]?.surplus == 0)
        let capped = Self.licence(Self.beta, type: .site, seats: 3)
        #expect(Self.evaluate([capped])[capped.id]?.status == .underLicensed)
    }

    @Test("a licence without a catalogue program is not checked")
    func notChecked() {
        let loose = Self.licence(Self.alpha, software: nil, seats: 5)
        let old = Self.licence(Self.alpha, software: nil, seats: 5, expires: InventoryDate(year: 2020, month: 1, day: 1))
        let result = Self.evaluate([loose, old])
        #expect(result[loose.id] == LicenceCompliance(status: .notChecked, demand: nil, pooledSeats: 5, pooledLicences: 1))
        #expect(result[old.id]?.status == .expired)
    }

    @Test("counts cover only the entities the viewer may see")
    func visibility() {
        let licence = Self.licence(Self.alpha, seats: 3)
        #expect(Self.evaluate([licence], visible: [Self.alpha])[licence.id]?.demand == 3)
        #expect(Self.evaluate([licence], visible: [Self.alpha, Self.lyon])[licence.id]?.demand == 5)
        #expect(Self.evaluate([licence], visible: [Self.beta])[licence.id]?.demand == 0)
        #expect(Self.evaluate([licence], visible: [])[licence.id]?.status == .overLicensed)
    }

    @Test("per-user licences count people: one person on machines in two sites counts once")
    func perUser() {
        let ann = UUID()
        let bob = UUID()
        let unassignedMachine = UUID()
        var installations = LicenceInstallations()
        installations.add(holder: ann, of: Self.office, in: Self.alpha)
        installations.add(holder: ann, of: Self.office, in: Self.lyon)
        installations.add(holder: bob, of: Self.office, in: Self.lyon)
        installations.add(holder: unassignedMachine, of: Self.office, in: Self.lyon)
        installations.add(holder: bob, of: Self.office, in: Self.beta)
        let licence = Self.licence(Self.alpha, type: .perUser, seats: 3)
        #expect(Self.evaluate([licence], installations: installations)[licence.id]
                == LicenceCompliance(status: .compliant, demand: 3, pooledSeats: 3, pooledLicences: 1))
        #expect(installations.demand(of: Self.office, unit: .user, in: [Self.root, Self.alpha, Self.lyon, Self.beta]) == 3)
        #expect(installations.demand(of: Self.office, unit: .device, in: [Self.alpha]) == 0,
                "machine counts and people are recorded apart")
        #expect(installations.demand(of: Self.cad, unit: .user, in: [Self.alpha]) == 0)
    }

    @Test("machines out of service for good need no licence; every other status does")
    func uncounted() {
        #expect(LicenceCompliance.uncountedStatuses == [.retired, .disposed])
        #expect(AssetStatus.allCases.filter { !LicenceCompliance.uncountedStatuses.contains($0) }
                == [.ordered, .inStock, .deployed, .inRepair, .loaned])
    }

    @Test("an entity missing from the tree covers nothing")
    func unknownEntity() {
        let licence = Self.licence(UUID(), seats: 2)
        #expect(Self.evaluate([licence])[licence.id]?.demand == 0)
    }
}
