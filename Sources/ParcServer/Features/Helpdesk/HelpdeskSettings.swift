import Fluent
import FluentKit
import Foundation
import ParcCore
import Vapor

/// What an entity's helpdesk settings resolve to: its own row, else its nearest ancestor's, else the defaults.
struct HelpdeskConfiguration: Sendable {
    var matrix: TicketPriorityMatrix
    var defaultSLAPolicyID: UUID?
    var approvalDays: Int
    var unknownSenders: UnknownSenderPolicy

    /// Mail from an address no account has: dropped, or a ticket with the address as requester.
    enum UnknownSenderPolicy: String, CaseIterable, Sendable { case refuse, accept }

    static let defaultApprovalDays = 7

    static func load(for entity: UUID, tree: EntityTree, on db: any Database) async throws -> HelpdeskConfiguration {
        let chain = tree.ancestors(of: entity) + [entity]
        let rows = try await HelpdeskSettingsModel.query(on: db).filter(\.$id ~~ chain).all()
        let byEntity = Dictionary(uniqueKeysWithValues: rows.map { ($0.id!, $0) })
        let nearestFirst = chain.reversed().compactMap { byEntity[$0] }
        // Each setting comes from the closest entity that sets it.
        let matrix = nearestFirst.lazy.compactMap { row -> TicketPriorityMatrix? in
            guard let json = row.priorityMatrixJSON,
                  let cells = try? JSONDecoder().decode([[Int]].self, from: Data(json.utf8)) else { return nil }
            return try? TicketPriorityMatrix(cells: cells)
        }.first
        return HelpdeskConfiguration(matrix: matrix ?? .glpiDefault,
                                     defaultSLAPolicyID: nearestFirst.lazy.compactMap(\.defaultSLAPolicyID).first,
                                     approvalDays: nearestFirst.first?.approvalDays ?? defaultApprovalDays,
                                     unknownSenders: nearestFirst.lazy.compactMap {
                                         $0.unknownSenders.flatMap(UnknownSenderPolicy.init(rawValue:))
                                     }.first ?? .refuse)
    }
}

/// An SLA policy's rules as they are stored and as the API takes them.
struct SLAPolicyRuleInput: Codable, Sendable, Hashable {
    var priorities: [Int]?
    var category_ids: [UUID]?
    var time_to_own: String?
    var time_to_resolve: String?

    static let schema = OpenAPISchema.object([
        "priorities": .array(.integer), "category_ids": .array(.uuid),
        "time_to_own": .string(description: "30m, 4h or 2d (business days)"),
        "time_to_resolve": .string(description: "30m, 4h or 2d (business days)"),
    ], required: [])

    /// The ParcCore rule, or a message naming what is wrong.
    func rule(number: Int) throws -> SLATargets.Rule {
        func duration(_ text: String?, _ name: String) throws -> BusinessDuration? {
            guard let text, !text.isEmpty else { return nil }
            guard let value = BusinessDuration(text: text) else {
                throw ParcError.validation(["rules": "rule \(number): \(name) \"\(text.prefix(40))\" is not a duration; write 30m, 4h or 2d"])
            }
            return value
        }
        return SLATargets.Rule(priorities: Set(priorities ?? []),
                               categories: Set((category_ids ?? []).map(\.uuidString)),
                               timeToOwn: try duration(time_to_own, "time_to_own"),
                               timeToResolve: try duration(time_to_resolve, "time_to_resolve"))
    }
}

/// A stored SLA policy, parsed.
struct SLAPolicy: Sendable {
    let id: UUID
    let calendar: BusinessCalendar
    let targets: SLATargets
    let escalation: [SLAEscalationLevel]

    init(_ model: SLAPolicyModel) throws {
        id = model.id!
        let spec = try JSONDecoder().decode(BusinessCalendarSpec.self, from: Data(model.calendarJSON.utf8))
        calendar = try spec.calendar()
        let inputs = try JSONDecoder().decode([SLAPolicyRuleInput].self, from: Data(model.rulesJSON.utf8))
        targets = try SLATargets(rules: inputs.enumerated().map { try $0.element.rule(number: $0.offset + 1) })
        escalation = try model.escalationJSON.map {
            try JSONDecoder().decode([SLAEscalationLevel].self, from: Data($0.utf8))
        } ?? []
    }
}
