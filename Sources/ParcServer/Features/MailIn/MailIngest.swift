import Fluent
import FluentKit
import Foundation
import Vapor

/// `parc mail ingest`: one message from the MTA on standard input, handed to the same sink as the collector, with
/// an exit status the MTA understands (sysexits.h; docs/mail-in.md).
public enum MailIngest {
    /// The exit statuses, as Postfix, Exim and sendmail read them.
    public enum Status: Int32, Sendable {
        /// Delivered, deliberately dropped (auto-reply, bounce, loop…), or already delivered before.
        case delivered = 0
        /// Bad command-line options.
        case usage = 64
        /// The input is not a readable message, or is over the size limit: the MTA bounces it.
        case dataError = 65
        /// A transient failure (database unreachable, ticket service failing, no handler configured): the MTA keeps
        /// the message and retries.
        case temporaryFailure = 75
        /// A configuration error (unknown entity): the MTA keeps the message (Postfix defers EX_CONFIG) until the
        /// alias is fixed.
        case configuration = 78
    }

    /// What became of the message: the status to exit with and a line for the MTA's log.
    public struct Result: Sendable {
        public var status: Status
        public var message: String

        public init(status: Status, message: String) {
            self.status = status
            self.message = message
        }
    }

    /// The default and highest size limit of one piped message.
    public static let defaultMaximumSize = 25 * 1024 * 1024

    /// Opens the database like every `parc admin` command and ingests `raw` for `entity` (the root entity when nil).
    public static func ingest(_ raw: [UInt8], entity: String?, maximumSize: Int,
                              configuration: ParcConfiguration) async -> Result {
        if let refusal = refusal(raw, maximumSize: maximumSize) {
            return refusal
        }
        do {
            return try await AdminCommands.withApplication(configuration) { app in
                await ingest(raw, entity: entity, maximumSize: maximumSize, on: app)
            }
        } catch {
            return Result(status: .temporaryFailure,
                          message: "the database could not be opened; the message will be retried: \(error)")
        }
    }

    /// Ingests `raw` with the application's sink.
    static func ingest(_ raw: [UInt8], entity: String?, maximumSize: Int, on app: Application) async -> Result {
        if let refusal = refusal(raw, maximumSize: maximumSize) {
            return refusal
        }
        do {
            return try await deliver(raw, entity: entity, maximumSize: maximumSize, on: app)
        } catch let error as ParcStartupError {
            return Result(status: .configuration, message: error.message)
        } catch {
            return Result(status: .temporaryFailure,
                          message: "the message could not be delivered now and will be retried: \(error)")
        }
    }

    private static func deliver(_ raw: [UInt8], entity: String?, maximumSize: Int, on app: Application) async throws
        -> Result
    {
        let entityID: UUID
        if let entity {
            entityID = try await AdminCommands.entity(named: entity, on: app.db)
        } else {
            guard let root = try await EntityModel.query(on: app.db).filter(\.$parentID == nil).sort(\.$createdAt)
                .first()
            else {
                throw ParcStartupError("Parc has no entity yet: create the first account with parc admin create-user.")
            }
            entityID = root.id!
        }
        guard let sink = app.parc.mailIn.sink else {
            return Result(status: .temporaryFailure,
                          message: "mail-to-ticket is not enabled on this server (no inbound mail handler is "
                              + "configured); the MTA keeps the message and retries")
        }
        let source = InboundMailSource.pipe(entityID: entityID)
        let (identity, _) = InboundMailDelivery.examine(raw, source: source, maximumSize: maximumSize)
        let delivery = InboundMailDelivery(db: app.db, sink: sink, now: app.parc.clock.now(), writes: app.parc.sqliteWrites)
        switch try await delivery.deliver(raw, from: source, identity: identity) {
        case .duplicate:
            return Result(status: .delivered, message: "already delivered before (same Message-ID); nothing done")
        case .recorded(.createdTicket(let id)):
            return Result(status: .delivered, message: "created ticket \(id)")
        case .recorded(.addedFollowup(let id)):
            return Result(status: .delivered, message: "added a followup to ticket \(id)")
        case .recorded(.dropped(let reason, let detail)):
            return Result(status: .delivered, message: "dropped (\(reason.rawValue)): \(detail)")
        }
    }

    /// The refusal of input that is not a readable message or is too large, before anything else is opened.
    static func refusal(_ raw: [UInt8], maximumSize: Int) -> Result? {
        let source = InboundMailSource.pipe(entityID: UUID())
        guard case .dropped(_, let detail)? = InboundMailDelivery.examine(raw, source: source,
                                                                         maximumSize: maximumSize).refusal
        else { return nil }
        return Result(status: .dataError, message: detail)
    }
}
