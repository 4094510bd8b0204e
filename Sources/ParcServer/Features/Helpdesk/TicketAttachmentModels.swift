import FluentKit
import Foundation

/// The bytes of an attached file, stored once whatever the number of tickets it is attached to (decision 0050).
final class AttachmentContentModel: Model, @unchecked Sendable {
    static let schema = "attachment_contents"

    /// The SHA-256 of the bytes, lowercase hex.
    @ID(custom: "sha256", generatedBy: .user) var id: String?
    @Field(key: "size") var size: Int64
    @Field(key: "bytes") var bytes: Data

    init() {}
}

/// A file attached to a ticket, or to one of its followups.
final class TicketAttachmentModel: Model, @unchecked Sendable {
    static let schema = "ticket_attachments"

    // managed
    @ID(key: .id) var id: UUID?
    @Field(key: "created_at") var createdAt: Date

    // references
    @Field(key: "entity_id") var entityID: UUID
    @Field(key: "ticket_id") var ticketID: UUID
    @OptionalField(key: "followup_id") var followupID: UUID?
    @Field(key: "content_sha256") var contentSHA256: String
    @OptionalField(key: "uploader_id") var uploaderID: UUID?

    // data
    /// Safe to show and to offer for download (no path, no control or bidirectional characters, ≤ 200 bytes).
    @Field(key: "filename") var filename: String
    /// Derived from the extension, never the client's claim.
    @Field(key: "content_type") var contentType: String
    @Field(key: "size") var size: Int64
    /// The followup's privacy when attached: private attachments are for technicians.
    @Field(key: "is_private") var isPrivate: Bool
    /// An image shown in a mail's body (`cid:`), kept as an attachment.
    @Field(key: "is_inline") var isInline: Bool
    @OptionalField(key: "content_id") var contentID: String?
    @Field(key: "source") var source: String
    @Field(key: "uploader_name") var uploaderName: String

    init() {}
}

/// An entity's own attachment limits; nil columns inherit from the nearest ancestor that sets them, else the
/// defaults (decision 0051).
final class TicketAttachmentSettingsModel: Model, @unchecked Sendable {
    static let schema = "ticket_attachment_settings"

    @ID(custom: "entity_id", generatedBy: .user) var id: UUID?
    @OptionalField(key: "max_file_size") var maximumFileSize: Int64?
    @OptionalField(key: "max_message_size") var maximumMessageSize: Int64?
    @OptionalField(key: "max_ticket_size") var maximumTicketSize: Int64?
    @OptionalField(key: "max_files") var maximumFiles: Int?
    /// Comma-separated extensions, lowercased, without dots.
    @OptionalField(key: "allowed_extensions") var allowedExtensions: String?
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}
