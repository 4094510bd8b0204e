import Crypto
import Fluent
import FluentKit
import Foundation
import ParcCore
import ParcMail
import SQLKit
import Vapor

/// A file about to be attached: a safe name and its bytes.
struct AttachmentUpload: Sendable {
    /// Already made safe (``TicketAttachmentStore/safeFilename(_:)``).
    var filename: String
    var bytes: [UInt8]
    /// An image a mail shows in its body (`cid:`).
    var isInline = false
    var contentID: String?
}

/// Where attachments live: their bytes once per content in `attachment_contents`, a row per ticket or followup in
/// `ticket_attachments`, written in the transaction of what they belong to (decision 0050). The limits an entity
/// sets are read here (decision 0051).
enum TicketAttachmentStore {
    /// The limits of `entity`: each value from the nearest entity that sets it, else the defaults.
    static func limits(for entity: UUID, tree: EntityTree, on db: any Database) async throws -> TicketAttachmentLimits {
        let chain = tree.ancestors(of: entity) + [entity]
        let rows = try await TicketAttachmentSettingsModel.query(on: db).filter(\.$id ~~ chain).all()
        let byEntity = Dictionary(uniqueKeysWithValues: rows.map { ($0.id!, $0) })
        let nearestFirst = chain.reversed().compactMap { byEntity[$0] }
        let defaults = TicketAttachmentLimits.default
        return TicketAttachmentLimits(
            maximumFileSize: nearestFirst.lazy.compactMap(\.maximumFileSize).first.map(Int.init)
                ?? defaults.maximumFileSize,
            maximumMessageSize: nearestFirst.lazy.compactMap(\.maximumMessageSize).first.map(Int.init)
                ?? defaults.maximumMessageSize,
            maximumTicketSize: nearestFirst.lazy.compactMap(\.maximumTicketSize).first.map(Int.init)
                ?? defaults.maximumTicketSize,
            maximumFilesPerMessage: nearestFirst.lazy.compactMap(\.maximumFiles).first
                ?? defaults.maximumFilesPerMessage,
            allowedExtensions: nearestFirst.lazy.compactMap(\.allowedExtensions).first
                .map { $0.split(separator: ",").map(String.init) } ?? defaults.allowedExtensions)
    }

    /// The bytes already attached to a ticket.
    static func bytesOnTicket(_ ticketID: UUID, on db: any Database) async throws -> Int {
        // The sizes rather than SUM(): PostgreSQL answers SUM of a bigint as numeric, which does not decode as Int64.
        Int(try await TicketAttachmentModel.query(on: db).filter(\.$ticketID == ticketID).all(\.$size).reduce(0, +))
    }

    /// Refuses the whole batch with the first refusal unless every file fits the entity's limits next to what the
    /// ticket already holds: uploads from people are all or nothing (mail sorts its files itself). Pages translate
    /// the refusal; the API answers it with ``ParcError/attachment(_:)``.
    static func check(_ uploads: [AttachmentUpload], limits: TicketAttachmentLimits, alreadyOnTicket: Int)
        throws(TicketAttachmentRefusal)
    {
        let (_, refused) = limits.sort(uploads.map { ($0.filename, $0.bytes.count) }, alreadyOnTicket: alreadyOnTicket)
        if let first = refused.first { throw first.refusal }
    }

    /// A name safe to store and to offer for download: the last path component, no control, bidirectional or
    /// zero-width characters, no characters Windows refuses, at most 200 bytes with the extension kept.
    static func safeFilename(_ raw: String?) -> String {
        AttachmentFilename.sanitize(raw, contentType: MIMEContentType(type: "application", subtype: "octet-stream"))
    }

    /// Writes the files on the ticket (or its followup) in the caller's transaction; identical bytes are stored once.
    static func store(_ uploads: [AttachmentUpload], ticketID: UUID, entityID: UUID, followupID: UUID?,
                      isPrivate: Bool, source: TicketSource, uploader: (id: UUID?, name: String), now: Date,
                      on db: any Database) async throws -> [TicketAttachmentModel] {
        var stored: [TicketAttachmentModel] = []
        for upload in uploads {
            let hash = Secrets.hex(SHA256.hash(data: upload.bytes))
            try await (db as! any SQLDatabase).insert(into: AttachmentContentModel.schema)
                .columns("sha256", "size", "bytes")
                .values(SQLBind(hash), SQLBind(Int64(upload.bytes.count)), SQLBind(Data(upload.bytes)))
                .ignoringConflicts(with: ["sha256"]).run()
            let row = TicketAttachmentModel()
            row.id = UUID()
            row.entityID = entityID
            row.ticketID = ticketID
            row.followupID = followupID
            row.contentSHA256 = hash
            row.filename = upload.filename
            row.contentType = TicketAttachmentLimits.contentType(
                forExtension: TicketAttachmentLimits.fileExtension(of: upload.filename))
            row.size = Int64(upload.bytes.count)
            row.isPrivate = isPrivate
            row.isInline = upload.isInline
            row.contentID = upload.contentID.map { String($0.prefix(200)) }
            row.source = source.rawValue
            row.uploaderID = uploader.id
            row.uploaderName = String(uploader.name.prefix(200))
            row.createdAt = now
            try await row.create(on: db)
            stored.append(row)
        }
        return stored
    }

    /// Removes an attachment, and its bytes when nothing else refers to them, in the caller's transaction.
    static func delete(_ attachment: TicketAttachmentModel, on db: any Database) async throws {
        try await attachment.delete(on: db)
        let hash = attachment.contentSHA256
        try await (db as! any SQLDatabase).raw("""
            DELETE FROM \(ident: AttachmentContentModel.schema) WHERE sha256 = \(bind: hash) AND NOT EXISTS \
            (SELECT 1 FROM \(ident: TicketAttachmentModel.schema) WHERE content_sha256 = \(bind: hash))
            """).run()
    }

    /// Keeps the attachments in their ticket's entity when the ticket moves.
    static func move(ticketID: UUID, to entityID: UUID, on db: any Database) async throws {
        try await TicketAttachmentModel.query(on: db).filter(\.$ticketID == ticketID).set(\.$entityID, to: entityID)
            .update()
    }

    /// The attachments of a ticket the user may see: all for those who see every ticket of its entity, the public
    /// ones (not of private followups) for its requesters and observers.
    static func visible(on ticket: TicketModel, access: TicketService.Access, on db: any Database)
        -> QueryBuilder<TicketAttachmentModel>
    {
        var query = TicketAttachmentModel.query(on: db).filter(\.$ticketID == ticket.id!)
        if !access.readAll.contains(ticket.entityID) { query = query.filter(\.$isPrivate == false) }
        return query
    }

    /// A text for the history: `name (size)` of each file.
    static func summary(_ rows: [TicketAttachmentModel]) -> String {
        rows.map { "\($0.filename) (\(TicketAttachmentRefusal.size(Int($0.size))))" }.joined(separator: ", ")
    }
}

extension ParcError {
    /// A refused attachment: 415 for its type, 422 when empty, 413 for a size or a count; the message says the limit
    /// and what to do.
    static func attachment(_ refusal: TicketAttachmentRefusal) -> ParcError {
        let status: HTTPResponseStatus
        switch refusal {
        case .typeNotAllowed: status = .unsupportedMediaType
        case .empty: status = .unprocessableEntity
        default: status = .payloadTooLarge
        }
        return ParcError(status, code: refusal.code, refusal.description,
                         fields: status == .unprocessableEntity ? ["file": refusal.description] : [:])
    }
}
