import Foundation
import Testing

@testable import ParcCore

@Suite("Ticket lifecycle")
struct TicketTransitionTests {
    static let allowed: [TicketStatus: Set<TicketStatus>] = [
        .new: [.assigned, .planned, .pending, .solved],
        .assigned: [.new, .planned, .pending, .solved],
        .planned: [.assigned, .pending, .solved],
        .pending: [.new, .assigned, .planned, .solved],
        .solved: [.closed, .assigned, .new],
        .closed: [],
    ]
    static let pairs = TicketStatus.allCases.flatMap { from in TicketStatus.allCases.map { (from, $0) } }
    static let now = Date(timeIntervalSince1970: 1_773_133_200)  // 2026-03-10T09:00:00Z
    static let waiting = TicketPendingDetails(reason: "waiting for the requester's screenshot")

    @Test("every status change is allowed or refused as the lifecycle table says", arguments: pairs)
    func table(from: TicketStatus, to: TicketStatus) {
        let expected = Self.allowed[from]!.contains(to)
        #expect(TicketTransition.allowedTargets(from: from).contains(to) == expected)
        let result = Result { () throws(TicketTransitionError) in
            try TicketTransition.validate(from: from, to: to, hasAssignee: true, pending: Self.waiting, now: Self.now)
        }
        switch result {
        case .success: #expect(expected)
        case .failure(let error): #expect(!expected && error == .notAllowed(from: from, to: to))
        }
    }

    @Test("a closed ticket cannot be reopened and the message says to open a related ticket")
    func closedIsTerminal() {
        let error = TicketTransitionError.notAllowed(from: .closed, to: .assigned)
        #expect(throws: error) {
            try TicketTransition.validate(from: .closed, to: .assigned, hasAssignee: true, now: Self.now)
        }
        #expect(error.description.contains("open a new ticket linked to it as related"))
    }

    @Test("a refused change lists the statuses that are allowed")
    func refusedMessage() {
        #expect(TicketTransitionError.notAllowed(from: .new, to: .closed).description
            == "a new ticket cannot become closed; allowed: assigned, pending, planned, solved")
        #expect(TicketTransitionError.notAllowed(from: .solved, to: .solved).description
            == "the ticket is already solved")
    }

    @Test("assigned and planned need a technician or group")
    func needsAssignee() {
        #expect(throws: TicketTransitionError.noAssignee(to: .assigned)) {
            try TicketTransition.validate(from: .new, to: .assigned, hasAssignee: false, now: Self.now)
        }
        #expect(throws: TicketTransitionError.noAssignee(to: .planned)) {
            try TicketTransition.validate(from: .pending, to: .planned, hasAssignee: false, now: Self.now)
        }
    }

    @Test("going pending needs a reason that is not blank")
    func pendingNeedsReason() {
        #expect(throws: TicketTransitionError.pendingReasonMissing) {
            try TicketTransition.validate(from: .assigned, to: .pending, hasAssignee: true, now: Self.now)
        }
        #expect(throws: TicketTransitionError.pendingReasonMissing) {
            try TicketTransition.validate(
                from: .assigned, to: .pending, hasAssignee: true, pending: .init(reason: "  \n"), now: Self.now)
        }
    }

    @Test("a resume date must be in the future; a future one is accepted")
    func resumeDate() throws {
        #expect(throws: TicketTransitionError.resumeDateNotInFuture) {
            try TicketTransition.validate(
                from: .assigned, to: .pending, hasAssignee: true,
                pending: .init(reason: "supplier", resumesAt: Self.now), now: Self.now)
        }
        try TicketTransition.validate(
            from: .assigned, to: .pending, hasAssignee: true,
            pending: .init(reason: "supplier", resumesAt: Self.now.addingTimeInterval(3600)), now: Self.now)
    }

    @Test("a pending ticket resumes by itself at its resume date, to assigned or new")
    func automaticResume() {
        let pending = TicketPendingDetails(reason: "supplier", resumesAt: Self.now)
        #expect(TicketTransition.automaticResume(of: pending, hasAssignee: true, now: Self.now - 1) == nil)
        #expect(TicketTransition.automaticResume(of: pending, hasAssignee: true, now: Self.now) == .assigned)
        #expect(TicketTransition.automaticResume(of: pending, hasAssignee: false, now: Self.now) == .new)
        #expect(TicketTransition.automaticResume(of: Self.waiting, hasAssignee: true, now: .distantFuture) == nil)
    }

    @Test("a reopened solved ticket goes back to its assignees, or to new without any")
    func reopen() throws {
        #expect(TicketTransition.reopenTarget(hasAssignee: true) == .assigned)
        #expect(TicketTransition.reopenTarget(hasAssignee: false) == .new)
        try TicketTransition.validate(from: .solved, to: .new, hasAssignee: false, now: Self.now)
    }
}
