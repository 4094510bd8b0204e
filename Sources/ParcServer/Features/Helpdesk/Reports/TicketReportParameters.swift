import Foundation
import ParcCore
import Vapor

/// What a report is asked over: the period and its time zone, how it is cut, and the entities it counts — the
/// entities where the user reads tickets (the platform's one scope), narrowed to one entity with or without its
/// sub-entities. Bad input is a ``TicketReportInputError``.
struct TicketReportParameters: Sendable {
    let period: ReportPeriod
    let interval: ReportInterval?
    let entityID: UUID?
    let subEntities: Bool
    /// The entities whose tickets count; empty: nothing to count.
    let entities: Set<UUID>

    static let names: Set<String> = ["from", "to", "entity_id", "sub_entities", "interval", "tz", "format", "report"]

    /// Reads the query string and checks the permission: with `entity_id`, the one check on that entity (404 if the
    /// user cannot see it, 403 if they may not read its tickets); without, the permission somewhere.
    static func parse(_ req: Request, kind: TicketReportKind) async throws -> TicketReportParameters {
        var values: [String: String] = [:]
        for (name, value) in try req.queryPairs() {
            guard names.contains(name) else {
                throw TicketReportInputError.parameter("Unknown parameter '\(name.prefix(40))'; reports take "
                    + names.sorted().joined(separator: ", ") + ".")
            }
            guard values[name] == nil else {
                throw TicketReportInputError.parameter("Parameter '\(name)' is given twice.")
            }
            values[name] = value
        }
        let interval: ReportInterval?
        if let text = values["interval"], !text.isEmpty {
            guard let chosen = ReportInterval(rawValue: text) else {
                throw TicketReportInputError.parameter("Parameter 'interval' takes day, week or month.")
            }
            // Reports over the period as a whole ignore it, so one form serves every report.
            interval = kind.defaultInterval == nil ? nil : chosen
        } else {
            interval = kind.defaultInterval
        }
        let zone: TimeZone
        if let name = values["tz"], !name.isEmpty {
            guard name.utf8.count <= 64, let found = TimeZone(identifier: name) else {
                throw TicketReportInputError.period(.unknownTimeZone(name))
            }
            zone = found
        } else {
            zone = req.timeZone
        }
        let period: ReportPeriod
        do {
            period = try ReportPeriod.parse(from: values["from"].flatMap { $0.isEmpty ? nil : $0 },
                                            to: values["to"].flatMap { $0.isEmpty ? nil : $0 }, timeZone: zone,
                                            now: req.now, defaultDays: kind.defaultDays, interval: interval)
        } catch {
            throw TicketReportInputError.period(error)
        }
        let subEntities: Bool
        switch values["sub_entities"] ?? "" {
        case "", "true", "on": subEntities = true
        case "false": subEntities = false
        default: throw TicketReportInputError.parameter("Parameter 'sub_entities' takes true or false.")
        }
        var entities = try await req.entities(for: .ticketsRead)
        var entityID: UUID?
        if let text = values["entity_id"], !text.isEmpty {
            guard let id = UUID(uuidString: text) else {
                throw TicketReportInputError.parameter("Parameter 'entity_id' must be a UUID.")
            }
            try await req.require(.ticketsRead, in: id)
            entityID = id
            entities.formIntersection(subEntities ? Set(try await req.entityTree().subtree(of: id)) : [id])
        } else {
            try await req.requireAnywhere(.ticketsRead)
        }
        return TicketReportParameters(period: period, interval: interval, entityID: entityID, subEntities: subEntities,
                                      entities: entities)
    }

    /// The query string that asks for the same report (links: CSV, SVG, the other reports).
    func query(_ kind: TicketReportKind, format: String? = nil) -> String {
        var pairs = [("report", kind.rawValue), ("from", period.fromText), ("to", period.toText)]
        if let interval, kind.defaultInterval != nil { pairs.append(("interval", interval.rawValue)) }
        if let entityID { pairs.append(("entity_id", entityID.uuidString)) }
        if !subEntities { pairs.append(("sub_entities", "false")) }
        pairs.append(("tz", period.timeZone.identifier))
        if let format { pairs.append(("format", format)) }
        return pairs.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? "")" }
            .joined(separator: "&")
    }

    /// RFC 3986's unreserved characters: everything else in a value is percent-encoded.
    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
