import Fluent
import Foundation
import ParcCore
import ParcInventory
import SQLKit
import Vapor

/// The paths and messages existing agents expect, so a fleet can point its agents at Parc unchanged
/// (docs/inventory.md, ../shared/fixtures/agent-protocols/PROTOCOL.md):
///
/// - FusionInventory and OCS agents (XML): `PROLOG` answered with `PROLOG_FREQ` and `SEND`; `INVENTORY`
///   imported and answered `no_account_update`; replies compressed as the request was.
/// - GLPI Agent (GLPI-native JSON): `contact` answered with the tasks Parc takes (`inventory`), and every
///   other task disabled with a message; `inventory` imported and answered `{"status":"ok","expiration":24}`.
///
/// Access is checked here: the source address must be in the entity's allowed ranges (loopback and
/// private addresses by default), and HTTP basic credentials are required when the entity set them.
struct InventoryProtocolController {
    /// Where agents post: GLPI's native endpoint and its plugins' paths, FusionInventory's, OCS's default.
    static let paths: [[PathComponent]] = [
        [], ["Inventory"], ["front", "inventory.php"], ["plugins", "glpiinventory"],
        ["plugins", "glpiinventory", "front", "communication.php"], ["marketplace", "glpiinventory"],
        ["plugins", "fusioninventory"], ["plugins", "fusioninventory", "front", "communication.php"], ["ocsinventory"],
    ]
    /// Hours before the agent's next contact at the latest (GLPI's default inventory frequency).
    static let frequencyHours = 24

    func register(_ routes: any RoutesBuilder) {
        let limit = ByteCount(value: InventoryIntake.limits.maxInputBytes)
        for path in Self.paths {
            routes.on(.POST, path, body: .collect(maxSize: limit), use: handle)
        }
    }

    @Sendable func handle(_ req: Request) async throws -> Response {
        var format: InventoryFormat?
        do {
            let (data, compression) = try InventoryIntake.body(req)
            format = InventoryFormat.detect(data)
            switch format {
            case .glpiJSON?: return try await handleJSON(req, data: data, compression: compression)
            case .xml?: return try await handleXML(req, data: data, compression: compression)
            case nil: throw InventoryIntake.error(.unknownFormat(start: String(decoding: data.prefix(16), as: UTF8.self)))
            }
        } catch let error as ParcError {
            return errorReply(error, format: format ?? Self.expectedFormat(req))
        }
    }

    /// The format an agent reads replies in, from its request: GLPI Agent sends a `GLPI-Agent-ID` header
    /// and JSON; the others XML.
    static func expectedFormat(_ req: Request) -> InventoryFormat {
        if req.headers.contains(name: "GLPI-Agent-ID") { return .glpiJSON }
        let type = req.headers.first(name: .contentType)?.lowercased() ?? ""
        return type.contains("json") ? .glpiJSON : .xml
    }

    /// An error as the agent reads it, with the status code: GLPI's `{"status":"error","message":…}` for
    /// JSON agents, `<REPLY><ERROR>…</ERROR></REPLY>` for XML ones (they log the status line either way).
    private func errorReply(_ error: ParcError, format: InventoryFormat) -> Response {
        let response: Response
        switch format {
        case .glpiJSON:
            let body = (try? JSONSerialization.data(withJSONObject: [
                "status": "error", "code": error.code, "message": error.message,
            ], options: [.sortedKeys])) ?? Data()
            response = Response(status: error.status, body: .init(data: body))
            response.headers.contentType = .json
        case .xml:
            let body = Data(("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<REPLY><ERROR>"
                + Self.escape("\(error.code): \(error.message)") + "</ERROR></REPLY>\n").utf8)
            response = Response(status: error.status, body: .init(data: body))
            response.headers.replaceOrAdd(name: .contentType, value: "application/xml")
        }
        for (name, value) in error.headers { response.headers.replaceOrAdd(name: name, value: value) }
        return response
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    // MARK: XML (FusionInventory, OCS)

    private func handleXML(_ req: Request, data: Data, compression: InventoryCompression) async throws -> Response {
        let message: AgentXMLRequest
        let software: DeferredXMLSoftware?
        do {
            // Programs are read only if this machine's last import did not send the very same ones (decision 0082).
            (message, software) = try InventoryXML.readRequestDeferringSoftware(data, limits: InventoryIntake.limits)
        } catch let failure {
            throw InventoryIntake.error(failure)
        }
        switch message {
        case .prolog:
            _ = try await authorize(req, tag: nil, hostName: nil)
            return reply(PrologReply(response: .send, prologFrequencyHours: Self.frequencyHours).xml,
                         compression: compression, plain: "application/xml")
        case .inventory(var report):
            if report.agent.versionClient == nil {
                // The OCS agent names its version only in its User-Agent.
                report.agent.versionClient = req.headers.first(name: .userAgent).map { String($0.prefix(200)) }
            }
            try await importReport(req, report, deferredSoftware: software)
            return reply(InventoryXMLReply.noAccountUpdate.xml, compression: compression, plain: "application/xml")
        }
    }

    // MARK: JSON (GLPI Agent)

    struct Envelope: Decodable {
        let action: String?
        let deviceid: String?
        let tag: String?
        let enabledTasks: [String]?

        enum CodingKeys: String, CodingKey {
            case action, deviceid, tag
            case enabledTasks = "enabled-tasks"
        }
    }

    private func handleJSON(_ req: Request, data: Data, compression: InventoryCompression) async throws -> Response {
        // Requests other than inventories (contact, prolog, get_params) are small; inventories carry a content.
        let action: String
        var envelope: Envelope?
        if data.count < 256 << 10 {
            envelope = try? JSONDecoder().decode(Envelope.self, from: data)
            action = envelope?.action?.lowercased() ?? "inventory"
        } else {
            action = "inventory"
        }
        switch action {
        case "contact", "prolog", "get_params":
            _ = try await authorize(req, tag: envelope?.tag, hostName: nil)
            var answer: [String: Any] = ["status": "ok", "expiration": Self.frequencyHours]
            if action == "contact" {
                let enabled = envelope?.enabledTasks ?? ["inventory"]
                var tasks: [String: Any] = [:]
                var disabled: [String] = []
                for task in enabled {
                    if task == "inventory" {
                        tasks["inventory"] = ["server": "parc", "version": ParcVersion.current]
                    } else {
                        disabled.append(task)
                    }
                }
                answer["tasks"] = tasks
                if !disabled.isEmpty {
                    answer["disabled"] = disabled.count == 1 ? disabled[0] as Any : disabled as Any
                    answer["message"] = disabled.map { "\($0) task not supported" }.joined(separator: ", ")
                }
            }
            return reply(try JSONSerialization.data(withJSONObject: answer, options: [.sortedKeys]),
                         compression: compression, plain: "application/json")
        case "inventory", "netinventory", "netdiscovery":
            let report = try InventoryIntake.readJSON(data)
            try await importReport(req, report)
            let answer: [String: Any] = ["status": "ok", "expiration": Self.frequencyHours]
            return reply(try JSONSerialization.data(withJSONObject: answer, options: [.sortedKeys]),
                         compression: compression, plain: "application/json")
        default:
            throw ParcError(.notImplemented, code: "inventory_unsupported_query",
                            "Parc does not answer the '\(action.prefix(40))' action; it takes contact and inventory.")
        }
    }

    // MARK: Shared

    private func importReport(_ req: Request, _ report: InventoryReport,
                              deferredSoftware: DeferredXMLSoftware? = nil) async throws {
        let (entityID, settings) = try await authorize(req, tag: report.agent.tag, hostName: report.identity.name)
        let importer = InventoryImporter(
            db: req.db, services: req.parc.inventory,
            audit: AuditLog(request: req, actorName: "agent " + (report.agent.versionClient ?? "unknown")),
            matchOrder: settings.matchOrder)
        _ = try await importer.run(report, deferredSoftware: deferredSoftware, entityID: entityID, source: InventorySource(
            kind: report.agent.kind.rawValue, deviceID: report.agent.deviceID, agentID: nil, linkedAssetID: nil))
    }

    /// The entity the request goes to (entity rules, else the root) and its settings, once the source
    /// address and credentials pass them; 403 or 401 otherwise.
    private func authorize(_ req: Request, tag: String?, hostName: String?) async throws
        -> (UUID, InventorySettings)
    {
        let tree = try await req.entityTree()
        let ip = req.clientIP
        let intake = try await req.parc.inventory.intake.snapshot(on: req.db, now: req.now)
        guard let entityID = InventoryEntityRuleStore.placement(tag: tag, ip: ip, hostName: hostName, tree: tree,
                                                                rows: intake.rows, rules: intake.rules)?.entity else {
            throw ParcError(.serviceUnavailable, code: "not_set_up", "Parc is not set up yet: create the first entity.")
        }
        let settings = InventorySettings.resolved(for: entityID, tree: tree, stored: intake.settings).settings
        guard InventoryAccess.allows(ip: ip, ranges: settings.allowedRanges) else {
            throw ParcError(.forbidden, code: "inventory_address_refused",
                            "Inventories from \(ip) are not accepted for this entity. Ask an administrator to add "
                                + "the address to the entity's allowed ranges (Inventory settings).")
        }
        if let user = settings.basicUser {
            guard let basic = req.headers.basicAuthorization, Secrets.constantTimeEquals(basic.username, user),
                  let hash = settings.basicPasswordHash,
                  Secrets.constantTimeEquals(Secrets.fingerprint(basic.password), hash)
            else {
                throw ParcError(.unauthorized, code: "inventory_credentials_required",
                                "This entity requires the agent's user name and password (--user and --password).",
                                headers: ["WWW-Authenticate": "Basic realm=\"Parc inventory\""])
            }
        }
        return (entityID, settings)
    }

    private func reply(_ body: Data, compression: InventoryCompression, plain: String) -> Response {
        let compression = InventoryCompression.reply(to: compression)
        let response = Response(status: .ok, body: .init(data: compression.compress(body)))
        response.headers.replaceOrAdd(name: .contentType, value: compression.contentType(plain: plain))
        return response
    }
}
