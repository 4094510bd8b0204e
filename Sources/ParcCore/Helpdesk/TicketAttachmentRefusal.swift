/// Why a file was not attached to a ticket. The description says the limit and what to do, in English (the API and
/// the mail history); pages translate from the cases.
public enum TicketAttachmentRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    case empty(filename: String)
    case typeNotAllowed(filename: String, fileExtension: String, allowed: [String])
    case fileTooLarge(filename: String, size: Int, limit: Int)
    case tooManyFiles(filename: String, limit: Int)
    case messageTooLarge(filename: String, total: Int, limit: Int)
    case ticketFull(filename: String, total: Int, limit: Int)

    /// The file refused.
    public var filename: String {
        switch self {
        case .empty(let name), .typeNotAllowed(let name, _, _), .fileTooLarge(let name, _, _),
             .tooManyFiles(let name, _), .messageTooLarge(let name, _, _), .ticketFull(let name, _, _):
            name
        }
    }

    /// Whether the refusal is about the type (HTTP 415) rather than a size or count (413) or an empty file (422).
    public var isType: Bool {
        if case .typeNotAllowed = self { return true }
        return false
    }

    /// A stable code for the API.
    public var code: String {
        switch self {
        case .empty: "attachment_empty"
        case .typeNotAllowed: "attachment_type_refused"
        case .fileTooLarge: "attachment_too_large"
        case .tooManyFiles: "too_many_attachments"
        case .messageTooLarge: "attachments_too_large"
        case .ticketFull: "ticket_attachments_full"
        }
    }

    public var description: String {
        switch self {
        case .empty(let name):
            "\(name) is empty (0 bytes); attach the file again."
        case .typeNotAllowed(let name, let ext, let allowed):
            (ext.isEmpty ? "\(name) has no extension, so its type is unknown" : "\(name): .\(ext) files are not accepted")
                + "; accepted: \(allowed.joined(separator: ", ")). Send it in one of these formats (a PDF, a "
                + "screenshot, a .zip) or ask an administrator to allow the type."
        case .fileTooLarge(let name, let size, let limit):
            "\(name) is \(Self.size(size)); the limit is \(Self.size(limit)) per file. Compress it, split it, or "
                + "share it by a link in the text."
        case .tooManyFiles(let name, let limit):
            "\(name) is one file too many: at most \(limit) files per message. Send the others in another message."
        case .messageTooLarge(let name, let total, let limit):
            "With \(name) the message carries \(Self.size(total)); the limit is \(Self.size(limit)) per message. "
                + "Send the files in several messages."
        case .ticketFull(let name, let total, let limit):
            "With \(name) the ticket would hold \(Self.size(total)) of attachments; the limit is \(Self.size(limit)) "
                + "per ticket. Remove attachments no longer needed or share the file by a link."
        }
    }

    /// A size for people: `512 bytes`, `12 KiB`, `9.5 MiB` (binary units, one decimal under 10, English).
    public static func size(_ bytes: Int, decimalSeparator: String = ".", units: [String] = ["bytes", "KiB", "MiB",
                                                                                              "GiB"]) -> String {
        let units = units.count == 4 ? units : ["bytes", "KiB", "MiB", "GiB"]
        if bytes < 1024 { return "\(bytes) \(units[0])" }
        var value = Double(bytes) / 1024
        var unit = 1
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        let tenths = Int((value * 10).rounded())
        let text = value < 10 && tenths % 10 != 0 ? "\(tenths / 10)\(decimalSeparator)\(tenths % 10)"
            : "\(Int(value.rounded()))"
        return "\(text) \(units[unit])"
    }
}
