import Testing

@testable import ParcCore

@Suite("Ticket attachments: limits, types and the download header")
struct TicketAttachmentLimitsTests {
    let limits = TicketAttachmentLimits(maximumFileSize: 100, maximumMessageSize: 250, maximumTicketSize: 400,
                                        maximumFilesPerMessage: 3, allowedExtensions: ["PDF", "png", "txt", "png"])

    @Test("extensions are lowercased and deduplicated; the extension is the last one, none for dotfiles")
    func extensions() {
        #expect(limits.allowedExtensions == ["pdf", "png", "txt"])
        #expect(TicketAttachmentLimits.fileExtension(of: "Scan.2026.PDF") == "pdf")
        #expect(TicketAttachmentLimits.fileExtension(of: "passwd") == "")
        #expect(TicketAttachmentLimits.fileExtension(of: ".bashrc") == "")
        #expect(TicketAttachmentLimits.normalizedExtension(".Zip") == "zip")
        #expect(TicketAttachmentLimits.normalizedExtension("tar.gz") == nil)
        #expect(TicketAttachmentLimits.normalizedExtension("") == nil)
        #expect(TicketAttachmentLimits.normalizedExtension(String(repeating: "a", count: 17)) == nil)
    }

    @Test("each file is checked on its own, then the count and the running totals of the message and the ticket")
    func sorting() {
        let files: [(filename: String, size: Int)] = [
            ("a.pdf", 90), ("empty.txt", 0), ("run.exe", 10), ("big.png", 101), ("b.png", 90), ("c.txt", 90),
            ("d.txt", 10),
        ]
        let (accepted, refused) = limits.sort(files, alreadyOnTicket: 0)
        #expect(accepted == [0, 4, 6])
        #expect(refused.map(\.index) == [1, 2, 3, 5])
        #expect(refused.map(\.refusal) == [
            .empty(filename: "empty.txt"),
            .typeNotAllowed(filename: "run.exe", fileExtension: "exe", allowed: ["pdf", "png", "txt"]),
            .fileTooLarge(filename: "big.png", size: 101, limit: 100),
            .messageTooLarge(filename: "c.txt", total: 270, limit: 250),
        ])
        let full = limits.sort([("a.pdf", 90)], alreadyOnTicket: 320)
        #expect(full.accepted.isEmpty && full.refused.first?.refusal == .ticketFull(filename: "a.pdf", total: 410, limit: 400))
        let many = limits.sort([("1.txt", 1), ("2.txt", 1), ("3.txt", 1), ("4.txt", 1)], alreadyOnTicket: 0)
        #expect(many.refused.map(\.refusal) == [.tooManyFiles(filename: "4.txt", limit: 3)])
    }

    @Test("refusals say the limit and what to do")
    func messages() {
        let large = TicketAttachmentRefusal.fileTooLarge(filename: "dump.zip", size: 12 * 1_048_576 + 400_000,
                                                         limit: 10 * 1_048_576)
        #expect(large.description == "dump.zip is 12 MiB; the limit is 10 MiB per file. Compress it, split it, or share it by a link in the text.")
        #expect(large.code == "attachment_too_large" && !large.isType)
        let type = TicketAttachmentRefusal.typeNotAllowed(filename: "passwd", fileExtension: "", allowed: ["pdf"])
        #expect(type.description.hasPrefix("passwd has no extension") && type.description.contains("accepted: pdf"))
        #expect(type.isType)
        #expect(TicketAttachmentRefusal.size(512) == "512 bytes")
        #expect(TicketAttachmentRefusal.size(1536) == "1.5 KiB")
        #expect(TicketAttachmentRefusal.size(9_961_472, decimalSeparator: ",", units: ["octets", "Kio", "Mio", "Gio"])
                == "9,5 Mio")
    }

    @Test("types are stored from the extension; HTML, SVG and XML are never served with a type a browser renders")
    func contentTypes() {
        #expect(TicketAttachmentLimits.contentType(forExtension: "pdf") == "application/pdf")
        #expect(TicketAttachmentLimits.contentType(forExtension: "exe") == "application/octet-stream")
        #expect(TicketAttachmentLimits.servedContentType("image/png") == "image/png")
        for type in ["text/html", "image/svg+xml", "application/xhtml+xml", "application/xml", "text/javascript",
                     "TEXT/HTML"] {
            #expect(TicketAttachmentLimits.servedContentType(type) == "application/octet-stream", "\(type)")
        }
        #expect(!TicketAttachmentLimits.defaultAllowedExtensions.contains { ["html", "htm", "svg", "exe", "js"].contains($0) })
    }

    @Test("the download header: attachment, an ASCII fallback and the exact UTF-8 name (RFC 6266, 5987)")
    func disposition() {
        #expect(AttachmentContentDisposition.value(filename: "rapport final.pdf")
                == "attachment; filename=\"rapport final.pdf\"; filename*=UTF-8''rapport%20final.pdf")
        #expect(AttachmentContentDisposition.value(filename: "devis n°1 \"été\";%.pdf")
                == "attachment; filename=\"devis n_1 __t____.pdf\"; filename*=UTF-8''devis%20n%C2%B01%20%22%C3%A9t%C3%A9%22%3B%25.pdf")
        let header = AttachmentContentDisposition.value(filename: "é\r\n.txt")
        #expect(!header.contains("\r") && !header.contains("\n"))
        #expect(AttachmentContentDisposition.value(filename: "").hasPrefix("attachment; filename=\"attachment\""))
    }
}
