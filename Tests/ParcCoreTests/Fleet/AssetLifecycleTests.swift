import Testing

@testable import ParcCore

@Suite("Asset lifecycle")
struct AssetLifecycleTests {
    @Test("statuses sort in lifecycle order, from ordered to disposed")
    func order() {
        #expect(
            AssetStatus.allCases.sorted() == [.ordered, .inStock, .deployed, .inRepair, .loaned, .retired, .disposed])
        #expect(AssetStatus.ordered < .disposed)
        #expect(AssetStatus(rawValue: "in_repair") == .inRepair)
    }

    @Test(
        "the allowed moves of the lifecycle are accepted",
        arguments: [
            (AssetStatus.ordered, AssetStatus.inStock), (.ordered, .deployed), (.inStock, .deployed),
            (.inStock, .loaned), (.inStock, .inRepair), (.inStock, .retired), (.deployed, .inRepair),
            (.deployed, .inStock), (.deployed, .retired), (.inRepair, .deployed), (.inRepair, .inStock),
            (.inRepair, .retired), (.loaned, .inStock), (.loaned, .inRepair), (.loaned, .retired),
            (.retired, .disposed), (.retired, .inStock),
        ])
    func allowed(from: AssetStatus, to: AssetStatus) throws {
        #expect(try AssetLifecycle.transition(from: from, to: to) == to)
        #expect(AssetLifecycle.canTransition(from: from, to: to))
    }

    @Test("exactly 17 of the 49 status pairs are allowed moves")
    func allowedCount() {
        let pairs = AssetStatus.allCases.flatMap { from in AssetStatus.allCases.map { (from, $0) } }
        #expect(pairs.filter { AssetLifecycle.canTransition(from: $0.0, to: $0.1) }.count == 17)
    }

    @Test("a disposed asset cannot move to any status")
    func disposedIsFinal() {
        #expect(AssetLifecycle.allowedTargets(from: .disposed).isEmpty)
        for target in AssetStatus.allCases where target != .disposed {
            #expect(throws: AssetTransitionError.final(.disposed)) {
                try AssetLifecycle.transition(from: .disposed, to: target)
            }
        }
    }

    @Test("a deployed machine cannot be disposed of before it is retired, and the error lists what it can do")
    func refused() {
        #expect(
            throws: AssetTransitionError.notAllowed(
                from: .deployed, to: .disposed,
                allowed: [.inStock, .inRepair, .retired])
        ) {
            try AssetLifecycle.transition(from: .deployed, to: .disposed)
        }
        let error = AssetTransitionError.notAllowed(from: .deployed, to: .disposed, allowed: [.inStock, .retired])
        #expect(
            error.message
                == "An asset cannot go from deployed to disposed; from deployed it can go to in_stock, retired.")
        #expect(error.code == "asset_transition_not_allowed")
    }

    @Test("moving to the status already held is refused")
    func unchanged() {
        #expect(throws: AssetTransitionError.unchanged(.loaned)) {
            try AssetLifecycle.transition(from: .loaned, to: .loaned)
        }
    }

    @Test("an order cannot be loaned or retired before it is received")
    func orderedRestrictions() {
        #expect(!AssetLifecycle.canTransition(from: .ordered, to: .loaned))
        #expect(!AssetLifecycle.canTransition(from: .ordered, to: .retired))
        #expect(!AssetLifecycle.canTransition(from: .deployed, to: .loaned))
    }
}
