/// What a ticket accepts as attachments in one entity (decision 0051): the largest file, the most one message (an
/// upload, a followup, a mail) and the ticket as a whole may carry, and the file types allowed, by extension.
///
/// The extension is what the technician's system acts on when the file is opened, so it is what is checked; the
/// media type a client claims is ignored and the stored one comes from the extension.
public struct TicketAttachmentLimits: Sendable, Hashable {
    /// The largest file, in bytes.
    public var maximumFileSize: Int
    /// The most one upload, followup or mail may carry, in bytes.
    public var maximumMessageSize: Int
    /// The most a ticket may carry in all, in bytes.
    public var maximumTicketSize: Int
    /// The most files one upload, followup or mail may carry.
    public var maximumFilesPerMessage: Int
    /// Allowed extensions, lowercased, without the dot, sorted.
    public var allowedExtensions: [String]

    public static let mebibyte = 1 << 20

    /// Images, PDF, text and logs, office documents (Microsoft and OpenDocument), archives and mail: what users send
    /// to a helpdesk. Web pages and SVG (scripts), executables and scripts are left out.
    public static let defaultAllowedExtensions = [
        "7z", "bmp", "cfg", "conf", "csv", "doc", "docx", "eml", "gif", "gz", "heic", "ics", "ini", "jpeg", "jpg",
        "json", "log", "md", "msg", "odp", "ods", "odt", "pdf", "png", "ppt", "pptx", "rtf", "tgz", "tif", "tiff",
        "txt", "vcf", "webp", "xls", "xlsx", "xml", "zip",
    ]

    /// 10 MiB per file, 25 MiB per message, 100 MiB per ticket, 20 files per message.
    public static let `default` = TicketAttachmentLimits(
        maximumFileSize: 10 * mebibyte, maximumMessageSize: 25 * mebibyte, maximumTicketSize: 100 * mebibyte,
        maximumFilesPerMessage: 20, allowedExtensions: defaultAllowedExtensions)

    /// The highest values an administrator may set: the bytes travel through the database and the server's memory.
    public static let ceilingFileSize = 50 * mebibyte
    public static let ceilingMessageSize = 100 * mebibyte
    public static let ceilingTicketSize = 1024 * mebibyte
    public static let ceilingFilesPerMessage = 100
    public static let ceilingExtensions = 200

    public init(maximumFileSize: Int, maximumMessageSize: Int, maximumTicketSize: Int, maximumFilesPerMessage: Int,
                allowedExtensions: [String]) {
        self.maximumFileSize = maximumFileSize
        self.maximumMessageSize = maximumMessageSize
        self.maximumTicketSize = maximumTicketSize
        self.maximumFilesPerMessage = maximumFilesPerMessage
        self.allowedExtensions = Array(Set(allowedExtensions.map { $0.lowercased() })).sorted()
    }

    /// The extension of `filename`, lowercased, without the dot; empty when it has none.
    public static func fileExtension(of filename: String) -> String {
        guard let dot = filename.lastIndex(of: "."), dot != filename.startIndex else { return "" }
        return String(filename[filename.index(after: dot)...]).lowercased()
    }

    /// Whether `text` is a usable extension entry: 1–16 ASCII letters and digits (a leading dot is dropped).
    public static func normalizedExtension(_ text: String) -> String? {
        let value = (text.hasPrefix(".") ? String(text.dropFirst()) : text).lowercased()
        guard (1...16).contains(value.count),
              value.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) })
        else { return nil }
        return value
    }

    /// The files of one message, in order, sorted into those accepted and those refused with the reason: each file
    /// on its own (empty, type, size), then the count and the running totals of the message and of the ticket, which
    /// already holds `alreadyOnTicket` bytes. An upload refuses the whole request when anything is refused; mail keeps
    /// what was accepted and names the rest.
    public func sort(_ files: [(filename: String, size: Int)], alreadyOnTicket: Int)
        -> (accepted: [Int], refused: [(index: Int, refusal: TicketAttachmentRefusal)])
    {
        var accepted: [Int] = []
        var refused: [(index: Int, refusal: TicketAttachmentRefusal)] = []
        var messageTotal = 0
        for (index, file) in files.enumerated() {
            let ext = Self.fileExtension(of: file.filename)
            let refusal: TicketAttachmentRefusal?
            if file.size == 0 {
                refusal = .empty(filename: file.filename)
            } else if !allowedExtensions.contains(ext) {
                refusal = .typeNotAllowed(filename: file.filename, fileExtension: ext, allowed: allowedExtensions)
            } else if file.size > maximumFileSize {
                refusal = .fileTooLarge(filename: file.filename, size: file.size, limit: maximumFileSize)
            } else if accepted.count >= maximumFilesPerMessage {
                refusal = .tooManyFiles(filename: file.filename, limit: maximumFilesPerMessage)
            } else if messageTotal + file.size > maximumMessageSize {
                refusal = .messageTooLarge(filename: file.filename, total: messageTotal + file.size,
                                           limit: maximumMessageSize)
            } else if alreadyOnTicket + messageTotal + file.size > maximumTicketSize {
                refusal = .ticketFull(filename: file.filename, total: alreadyOnTicket + messageTotal + file.size,
                                      limit: maximumTicketSize)
            } else {
                refusal = nil
            }
            if let refusal {
                refused.append((index, refusal))
            } else {
                accepted.append(index)
                messageTotal += file.size
            }
        }
        return (accepted, refused)
    }

    /// The media type stored for a file of this extension; `application/octet-stream` for one Parc does not know.
    public static func contentType(forExtension ext: String) -> String {
        contentTypes[ext] ?? "application/octet-stream"
    }

    /// The media type a download is served with: the stored one when browsers only ever display or save it, else
    /// `application/octet-stream` — HTML, SVG, XML and anything scriptable are never given a type a browser renders.
    public static func servedContentType(_ stored: String) -> String {
        let type = stored.lowercased()
        let display: Set<String> = ["text/html", "image/svg+xml", "application/xhtml+xml", "application/xml",
                                    "text/xml"]
        return Set(contentTypes.values).subtracting(display).contains(type) ? type : "application/octet-stream"
    }

    private static let contentTypes: [String: String] = [
        "7z": "application/x-7z-compressed", "bmp": "image/bmp", "cfg": "text/plain", "conf": "text/plain",
        "csv": "text/csv", "doc": "application/msword",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "eml": "message/rfc822", "gif": "image/gif", "gz": "application/gzip", "heic": "image/heic",
        "ics": "text/calendar", "ini": "text/plain", "jpeg": "image/jpeg", "jpg": "image/jpeg",
        "json": "application/json", "log": "text/plain", "md": "text/markdown", "msg": "application/vnd.ms-outlook",
        "odp": "application/vnd.oasis.opendocument.presentation",
        "ods": "application/vnd.oasis.opendocument.spreadsheet", "odt": "application/vnd.oasis.opendocument.text",
        "pdf": "application/pdf", "png": "image/png", "ppt": "application/vnd.ms-powerpoint",
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "rtf": "application/rtf", "tgz": "application/gzip", "tif": "image/tiff", "tiff": "image/tiff",
        "txt": "text/plain", "vcf": "text/vcard", "webp": "image/webp", "xls": "application/vnd.ms-excel",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xml": "application/xml",
        "zip": "application/zip", "html": "text/html", "htm": "text/html", "svg": "image/svg+xml",
    ]
}
