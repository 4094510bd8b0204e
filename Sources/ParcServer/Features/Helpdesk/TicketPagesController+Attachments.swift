import Fluent
import Foundation
import ParcCore
import Vapor

/// The ticket page's attachments: the list with download links, the file fields of the new-ticket and followup
/// forms, and the localised refusals.
extension TicketPagesController {
    /// A row of the attachments card.
    struct AttachmentRow: Encodable {
        let id: UUID
        let filename: String
        let size: String
        let uploader: String
        let at: String
        let isPrivate: Bool
        let isInline: Bool
    }

    /// The files a form sent in its `file` field (none for a form without files); a malformed or truncated body is a
    /// 400 before anything is saved.
    static func uploads(_ req: Request) throws -> [AttachmentUpload] {
        guard MultipartForm.isMultipart(req) else { return [] }
        return try MultipartForm(req).files.filter { $0.field == "file" }.map {
            AttachmentUpload(filename: TicketAttachmentStore.safeFilename($0.filename), bytes: $0.bytes)
        }
    }

    /// A size in the reader's language: `9.5 MiB`, `9,5 Mio`.
    static func size(_ bytes: Int, _ req: Request) -> String {
        TicketAttachmentRefusal.size(bytes, decimalSeparator: req.language == .fr ? "," : ".",
                                     units: req.t("tickets.attachments.units").split(separator: ",").map(String.init))
    }

    /// The refusal in the reader's language, with the limit and what to do.
    static func message(_ refusal: TicketAttachmentRefusal, _ req: Request) -> String {
        let key = "tickets.attachments.refused.\(refusal.code)"
        switch refusal {
        case .empty(let name):
            return req.t(key, name)
        case .typeNotAllowed(let name, _, let allowed):
            return req.t(key, name, allowed.joined(separator: ", "))
        case .fileTooLarge(let name, let size, let limit), .messageTooLarge(let name, let size, let limit),
             .ticketFull(let name, let size, let limit):
            return req.t(key, name, Self.size(size, req), Self.size(limit, req))
        case .tooManyFiles(let name, let limit):
            return req.t(key, name, String(limit))
        }
    }

    /// The help under a file field: the limits of the entity.
    static func attachmentHelp(_ limits: TicketAttachmentLimits, _ req: Request) -> String {
        req.t("tickets.attachments.help", Self.size(limits.maximumFileSize, req),
              Self.size(limits.maximumMessageSize, req), limits.allowedExtensions.joined(separator: ", "))
    }

    /// The attachments the user may see on the ticket, oldest first.
    static func attachmentRows(_ ticket: TicketModel, access: TicketService.Access, _ req: Request) async throws
        -> [AttachmentRow]
    {
        try await TicketAttachmentStore.visible(on: ticket, access: access, on: req.db).sort(\.$createdAt).sort(\.$id)
            .all().map {
                AttachmentRow(id: $0.id!, filename: $0.filename, size: Self.size(Int($0.size), req),
                              uploader: $0.uploaderName, at: req.formatDateTime($0.createdAt), isPrivate: $0.isPrivate,
                              isInline: $0.isInline)
            }
    }

    @Sendable func downloadAttachment(_ req: Request) async throws -> Response {
        let (_, attachment) = try await TicketAttachmentsAPI.find(req)
        return try await TicketAttachmentsAPI.fileResponse(attachment, on: req.db)
    }

    @Sendable func deleteAttachment(_ req: Request) async throws -> Response {
        let (ticket, attachment) = try await TicketAttachmentsAPI.find(req)
        try await TicketAttachmentsAPI.delete(attachment, of: ticket, req)
        req.flash("success", req.t("tickets.attachments.deleted"))
        return req.redirect(to: "/tickets/\(ticket.id!)")
    }
}
