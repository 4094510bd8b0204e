import Fluent
import Foundation
import ParcCore
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import ParcServer

/// A `multipart/form-data` body: its Content-Type and bytes.
struct MultipartBody {
    let contentType: String
    let bytes: Data

    init(files: [(name: String, data: Data)], field: String = "file", fields: [(String, String)] = [],
         truncated: Bool = false) {
        let boundary = "parc-test-\(UUID().uuidString)"
        var body = Data()
        for (name, value) in fields {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        for file in files {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"; filename=\"\(file.name)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8))
            body.append(file.data)
            body.append(Data("\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        contentType = "multipart/form-data; boundary=\(boundary)"
        bytes = truncated ? body.prefix(body.count / 2) : body
    }
}

extension HelpdeskWorld {
    func upload(_ token: String, _ path: String, _ body: MultipartBody) async throws -> TestingHTTPResponse {
        var captured: TestingHTTPResponse?
        try await app.testing().test(.POST, path, headers: ["Authorization": "Bearer \(token)",
                                                            "Content-Type": body.contentType],
                                     body: ByteBuffer(bytes: Array(body.bytes))) { captured = $0 }
        return captured!
    }

    func attachments(_ token: String, _ ticket: String) async throws -> [[String: Any]] {
        try json(try await call(token, .GET, "/api/v1/tickets/\(ticket)/attachments"))["items"] as? [[String: Any]] ?? []
    }

    func contentCount() async throws -> Int { try await AttachmentContentModel.query(on: app.db).count() }
}

/// Every byte value, so that an encoding slip anywhere shows.
let allBytes = Data((0..<4096).map { UInt8($0 % 256) })

@Suite("Ticket attachments: stored in the database, limited, scoped, downloaded safely")
struct TicketAttachmentTests {
    @Test("upload and download give back the same bytes; identical files are stored once; deleting frees them",
          arguments: TestDatabase.all)
    func roundTrip(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            // setup
            let w = try await HelpdeskWorld.make(app)
            let id = try #require(try await w.open(w.t.alphaToken)["id"] as? String)
            let other = try #require(try await w.open(w.t.alphaToken)["id"] as? String)
            // MUT
            let created = try await w.upload(w.t.alphaToken, "/api/v1/tickets/\(id)/attachments",
                                             MultipartBody(files: [("écran.png", allBytes), ("log.txt", Data("ok\n".utf8))]))
            // validate
            #expect(created.status == .created, "\(created.body.string)")
            let items = try #require(try json(created)["items"] as? [[String: Any]])
            #expect(items.map { $0["filename"] as? String } == ["écran.png", "log.txt"])
            #expect(items[0]["content_type"] as? String == "image/png" && items[0]["size"] as? Int == 4096)
            #expect(items[0]["uploader_name"] as? String == "Alice" && items[0]["followup_id"] is NSNull)
            let url = try #require(items[0]["url"] as? String)
            let download = try await w.call(w.t.alphaToken, .GET, url)
            #expect(download.status == .ok)
            #expect(Data(download.body.readableBytesView) == allBytes)
            #expect(download.headers.first(name: .contentDisposition)
                    == "attachment; filename=\"_cran.png\"; filename*=UTF-8''%C3%A9cran.png")
            #expect(download.headers.first(name: "X-Content-Type-Options") == "nosniff")
            #expect(download.headers.first(name: "Content-Security-Policy")?.contains("sandbox") == true)
            #expect(download.headers.contentType?.description == "image/png")
            #expect(try await w.attachments(w.t.alphaToken, id).count == 2)
            // The same bytes on another ticket: one more attachment, no more content.
            let again = try await w.upload(w.t.alphaToken, "/api/v1/tickets/\(other)/attachments",
                                           MultipartBody(files: [("copie.png", allBytes)]))
            #expect(again.status == .created)
            #expect(try await w.contentCount() == 2)
            #expect(try await TicketAttachmentModel.query(on: app.db).count() == 3)
            // Requesters do not delete; technicians do, and the bytes go with the last reference.
            let first = try #require(items[0]["id"] as? String)
            #expect(try await w.call(w.t.betaToken, .DELETE, "/api/v1/tickets/\(id)/attachments/\(first)").status == .notFound)
            #expect(try await w.call(w.t.alphaToken, .DELETE, "/api/v1/tickets/\(id)/attachments/\(first)").status == .noContent)
            #expect(try await w.contentCount() == 2, "still attached to the other ticket")
            #expect(try await w.call(w.t.alphaToken, .GET, url).status == .notFound)
            let copy = try #require(try await w.attachments(w.t.alphaToken, other).first?["id"] as? String)
            #expect(try await w.call(w.t.alphaToken, .DELETE, "/api/v1/tickets/\(other)/attachments/\(copy)").status == .noContent)
            #expect(try await w.contentCount() == 1)
            #expect(try await w.history(id).contains("ticket.attachment_added"))
            #expect(try await w.history(id).contains("ticket.attachment_deleted"))
            // A ticket moved to another entity takes its attachments along.
            #expect(try await w.patch(w.t.superToken, id, #"{"entity_id":"\#(w.t.beta.id!)"}"#)["id"] as? String == id)
            #expect(try await TicketAttachmentModel.query(on: app.db).filter(\.$ticketID == UUID(uuidString: id)!).all()
                .allSatisfy { $0.entityID == w.t.beta.id! })
        }
    }

    @Test("limits and bad input: oversized, refused type, empty, truncated, hostile names — clear errors, nothing stored",
          arguments: TestDatabase.all)
    func limits(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let w = try await HelpdeskWorld.make(app)
            let id = try #require(try await w.open(w.t.alphaToken)["id"] as? String)
            let path = "/api/v1/tickets/\(id)/attachments"
            let set = try await w.call(w.t.superToken, .PATCH, "/api/v1/helpdesk-settings/\(w.t.alpha.id!)/attachments",
                                       #"{"max_file_size":1000,"max_message_size":1500,"max_ticket_size":2500}"#)
            #expect(set.status == .ok, "\(set.body.string)")
            #expect(try json(set)["max_file_size"] as? Int == 1000)
            let kilo = Data(repeating: 7, count: 1000)
            let cases: [(MultipartBody, HTTPResponseStatus, String)] = [
                (MultipartBody(files: [("big.pdf", Data(repeating: 1, count: 1001))]), .payloadTooLarge,
                 "big.pdf is 1001 bytes; the limit is 1000 bytes per file"),
                (MultipartBody(files: [("a.pdf", kilo), ("b.pdf", kilo)]), .payloadTooLarge, "attachments_too_large"),
                (MultipartBody(files: [("setup.exe", kilo)]), .unsupportedMediaType, "attachment_type_refused"),
                (MultipartBody(files: [("a\u{202E}gpj.exe", kilo)]), .unsupportedMediaType, "agpj.exe: .exe files"),
                (MultipartBody(files: [("../../etc/passwd", kilo)]), .unsupportedMediaType, "passwd has no extension"),
                (MultipartBody(files: [("page.html", Data("<script>alert(1)</script>".utf8))]), .unsupportedMediaType, "html"),
                (MultipartBody(files: [("vide.txt", Data())]), .unprocessableEntity, "attachment_empty"),
                (MultipartBody(files: [("a.pdf", kilo)], truncated: true), .badRequest, "malformed_multipart"),
                (MultipartBody(files: []), .unprocessableEntity, "at least one file"),
                (MultipartBody(files: [("a.pdf", kilo)], field: "document"), .unprocessableEntity, "unknown_fields"),
                (MultipartBody(files: [("a.pdf", kilo)], fields: [("colour", "red")]), .unprocessableEntity, "unknown_fields"),
            ]
            for (body, status, expected) in cases {
                let response = try await w.upload(w.t.alphaToken, path, body)
                #expect(response.status == status, "\(expected): \(response.body.string)")
                #expect(response.body.string.contains(expected), "\(response.body.string)")
                #expect(response.body.string.contains("\"error\""), "the API's error format")
            }
            let notMultipart = try await w.call(w.t.alphaToken, .POST, path, #"{"file":"x"}"#)
            #expect(notMultipart.status == .unsupportedMediaType, "\(notMultipart.body.string)")
            #expect(try await TicketAttachmentModel.query(on: app.db).count() == 0, "nothing stored")
            #expect(try await w.contentCount() == 0)
            // Hostile names are made safe: no path, no bidirectional override, at most 200 bytes, extension kept.
            let long = String(repeating: "é", count: 300) + ".pdf"
            let hostile = try await w.upload(w.t.alphaToken, path, MultipartBody(files: [
                ("../../etc/passwd.txt", Data("root".utf8)), ("facture\u{202E}fdp.txt", Data("x".utf8)),
                (long, Data("y".utf8)),
            ]))
            #expect(hostile.status == .created, "\(hostile.body.string)")
            let names = try #require(try json(hostile)["items"] as? [[String: Any]]).compactMap { $0["filename"] as? String }
            #expect(names.count == 3 && names[0] == "passwd.txt" && names[1] == "facturefdp.txt")
            #expect(names[2].utf8.count <= 200 && names[2].hasSuffix(".pdf") && names[2].hasPrefix("éé"))
            // The ticket's total: 3 + 1 + 1 bytes held; 2 × 1000 more do not fit in 2500 with the message limit, and
            // one file then another fill it.
            #expect(try await w.upload(w.t.alphaToken, path, MultipartBody(files: [("1.pdf", kilo)])).status == .created)
            #expect(try await w.upload(w.t.alphaToken, path, MultipartBody(files: [("2.pdf", kilo)])).status == .created)
            let full = try await w.upload(w.t.alphaToken, path, MultipartBody(files: [("3.pdf", kilo)]))
            #expect(full.status == .payloadTooLarge && full.body.string.contains("ticket_attachments_full"),
                    "\(full.body.string)")
            // The settings: checked, for administrators, and null inherits again.
            let settings = "/api/v1/helpdesk-settings/\(w.t.alpha.id!)/attachments"
            for (body, field) in [(#"{"allowed_extensions":["pdf","tar.gz"]}"#, "allowed_extensions"),
                                  (#"{"allowed_extensions":[]}"#, "allowed_extensions"),
                                  (#"{"max_file_size":0}"#, "max_file_size"),
                                  (#"{"max_file_size":999999999999}"#, "max_file_size"),
                                  (#"{"max_files":1000}"#, "max_files")] {
                let response = try await w.call(w.t.superToken, .PATCH, settings, body)
                #expect(response.status == .unprocessableEntity && response.body.string.contains(field),
                        "\(body): \(response.body.string)")
            }
            #expect(try await w.call(w.t.superToken, .PATCH, settings, #"{"colour":"red"}"#).status == .unprocessableEntity)
            #expect(try await w.call(w.t.alphaToken, .PATCH, settings, #"{"max_files":3}"#).status == .forbidden)
            #expect(try await w.call(w.t.betaToken, .GET, settings).status == .notFound, "not Beta's entity")
            let allowed = try json(try await w.call(w.t.superToken, .PATCH, settings,
                                                    #"{"allowed_extensions":[".EXE","pdf"],"max_file_size":null}"#))
            #expect(allowed["allowed_extensions"] as? [String] == ["exe", "pdf"])
            #expect(allowed["max_file_size"] as? Int == TicketAttachmentLimits.default.maximumFileSize)
            // Sub-entities inherit.
            let child = try json(try await w.call(w.t.superToken, .POST, "/api/v1/entities",
                                                  #"{"name":"Alpha Lyon","parent_id":"\#(w.t.alpha.id!)"}"#))
            let childID = try #require(child["id"] as? String)
            let inherited = try json(try await w.call(w.t.superToken, .GET,
                                                      "/api/v1/helpdesk-settings/\(childID)/attachments"))
            #expect(inherited["allowed_extensions"] as? [String] == ["exe", "pdf"] && inherited["max_files"] as? Int == 20)
            // An unknown ticket: 404 before the body is read.
            #expect(try await w.call(w.t.alphaToken, .POST, "/api/v1/tickets/\(UUID())/attachments").status == .notFound)
        }
    }

    @Test("scoping: another entity gets 404; requesters see their tickets' files but not those of private followups",
          arguments: TestDatabase.all)
    func scoping(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let w = try await HelpdeskWorld.make(app)
            let rita = try #require(try await w.open(w.requesterToken)["id"] as? String)
            let alphaOnly = try #require(try await w.open(w.t.alphaToken)["id"] as? String)
            let own = try await w.upload(w.requesterToken, "/api/v1/tickets/\(rita)/attachments",
                                         MultipartBody(files: [("capture.png", allBytes)]))
            #expect(own.status == .created, "\(own.body.string)")
            #expect(try json(own)["items"].flatMap { ($0 as? [[String: Any]])?.first?["uploader_name"] as? String } == "Rita")
            // Not her ticket: invisible, so 404, for upload and list alike.
            #expect(try await w.upload(w.requesterToken, "/api/v1/tickets/\(alphaOnly)/attachments",
                                       MultipartBody(files: [("x.png", allBytes)])).status == .notFound)
            #expect(try await w.call(w.requesterToken, .GET, "/api/v1/tickets/\(alphaOnly)/attachments").status == .notFound)
            // A private note with a file, and a public answer with another.
            let note = try json(try await w.call(w.t.alphaToken, .POST, "/api/v1/tickets/\(rita)/followups",
                                                 #"{"body":"Mot de passe admin dans le fichier","is_private":true}"#))
            let noteID = try #require(note["id"] as? String)
            let secret = try await w.upload(w.t.alphaToken, "/api/v1/tickets/\(rita)/followups/\(noteID)/attachments",
                                            MultipartBody(files: [("secret.txt", Data("hunter2".utf8))]))
            #expect(secret.status == .created, "\(secret.body.string)")
            let secretItem = try #require((try json(secret)["items"] as? [[String: Any]])?.first)
            #expect(secretItem["is_private"] as? Bool == true && secretItem["followup_id"] as? String == noteID)
            let secretURL = try #require(secretItem["url"] as? String)
            let answer = try json(try await w.call(w.t.alphaToken, .POST, "/api/v1/tickets/\(rita)/followups",
                                                   #"{"body":"Voici la procédure"}"#))
            let answerID = try #require(answer["id"] as? String)
            #expect(try await w.upload(w.t.alphaToken, "/api/v1/tickets/\(rita)/followups/\(answerID)/attachments",
                                       MultipartBody(files: [("procedure.pdf", Data("%PDF-1.4".utf8))])).status == .created)
            // The requester: her capture and the public procedure; the private file neither listed nor downloadable.
            let seen = try await w.attachments(w.requesterToken, rita).compactMap { $0["filename"] as? String }
            #expect(Set(seen) == ["capture.png", "procedure.pdf"] && seen.count == 2, "\(seen)")
            #expect(try await w.call(w.requesterToken, .GET, secretURL).status == .notFound)
            #expect(try await w.upload(w.requesterToken, "/api/v1/tickets/\(rita)/followups/\(noteID)/attachments",
                                       MultipartBody(files: [("x.txt", Data("x".utf8))])).status == .notFound)
            #expect(try await w.upload(w.requesterToken, "/api/v1/tickets/\(rita)/followups/\(answerID)/attachments",
                                       MultipartBody(files: [("x.txt", Data("x".utf8))])).status == .forbidden,
                    "a followup she did not write")
            // Requesters never delete.
            let capture = try #require(try await w.attachments(w.requesterToken, rita).first?["id"] as? String)
            #expect(try await w.call(w.requesterToken, .DELETE, "/api/v1/tickets/\(rita)/attachments/\(capture)").status
                    == .forbidden)
            // Technicians see all three; another entity sees nothing, not even by id.
            #expect(try await w.attachments(w.t.alphaToken, rita).count == 3)
            #expect(try await w.call(w.t.betaToken, .GET, "/api/v1/tickets/\(rita)/attachments").status == .notFound)
            #expect(try await w.call(w.t.betaToken, .GET, secretURL).status == .notFound)
            #expect(try await w.upload(w.t.betaToken, "/api/v1/tickets/\(rita)/attachments",
                                       MultipartBody(files: [("x.txt", Data("x".utf8))])).status == .notFound)
            // Closed tickets take no more files.
            _ = try await w.patch(w.t.alphaToken, alphaOnly, #"{"status":"solved","solution":"Fait."}"#)
            _ = try await w.call(w.t.alphaToken, .POST, "/api/v1/tickets/\(alphaOnly)/solution/approve")
            #expect(try await w.get(w.t.alphaToken, alphaOnly)["status"] as? String == "closed")
            let closed = try await w.upload(w.t.alphaToken, "/api/v1/tickets/\(alphaOnly)/attachments",
                                            MultipartBody(files: [("x.txt", Data("x".utf8))]))
            #expect(closed.status == .conflict, "\(closed.body.string)")
        }
    }

    /// A real message as a mail client sends it: text and HTML with an inline screenshot (`cid:`), a PDF, and an
    /// executable the default limits refuse.
    static func mailWithFiles(from: String, subject: String, pdf: Data) -> [UInt8] {
        let png = allBytes.prefix(300)
        func base64(_ data: Data) -> String {
            data.base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        }
        return Array("""
            From: \(from)\r
            To: support@parc.example.org\r
            Subject: \(subject)\r
            Date: Mon, 30 Nov 2026 09:00:00 +0100\r
            Message-ID: <\(UUID().uuidString)@mail.example.org>\r
            MIME-Version: 1.0\r
            Content-Type: multipart/mixed; boundary="outer"\r
            \r
            --outer\r
            Content-Type: multipart/related; boundary="rel"\r
            \r
            --rel\r
            Content-Type: multipart/alternative; boundary="alt"\r
            \r
            --alt\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            L'écran affiche ce message, voir la capture et le rapport.\r
            --alt\r
            Content-Type: text/html; charset=utf-8\r
            \r
            <p>L'écran affiche ce message, voir la capture et le rapport.</p><img src="cid:capture1@mail">\r
            --alt--\r
            --rel\r
            Content-Type: image/png\r
            Content-ID: <capture1@mail>\r
            Content-Disposition: inline; filename="image001.png"\r
            Content-Transfer-Encoding: base64\r
            \r
            \(base64(Data(png)))\r
            --rel--\r
            --outer\r
            Content-Type: application/pdf; name="rapport.pdf"\r
            Content-Disposition: attachment; filename*=UTF-8''rapport%20d%C3%A9faut.pdf\r
            Content-Transfer-Encoding: base64\r
            \r
            \(base64(pdf))\r
            --outer\r
            Content-Type: application/octet-stream\r
            Content-Disposition: attachment; filename="outil.exe"\r
            Content-Transfer-Encoding: base64\r
            \r
            \(base64(Data("MZ".utf8)))\r
            --outer--\r

            """.utf8)
    }

    @Test("mail: files and inline images are kept on the ticket and the followup; refused ones are named with why",
          arguments: TestDatabase.all)
    func mail(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let w = try await HelpdeskWorld.make(app)
            let alpha = w.t.alpha.id!
            let pdf = Data("%PDF-1.4\n".utf8) + allBytes
            let created = try await HelpdeskMailTests.deliver(app, Self.mailWithFiles(
                from: "Rita <rita@example.org>", subject: "Écran bleu", pdf: pdf), entity: alpha)
            guard case .createdTicket(let id) = created else { Issue.record("\(created)"); return }
            let items = try await w.attachments(w.t.alphaToken, id.uuidString)
            let byName = Dictionary(items.map { ($0["filename"] as? String ?? "", $0) }, uniquingKeysWith: { $1 })
            #expect(Set(byName.keys) == ["image001.png", "rapport défaut.pdf"] && items.count == 2, "\(items)")
            let image = try #require(byName["image001.png"])
            #expect(image["is_inline"] as? Bool == true && image["source"] as? String == "mail")
            #expect(image["uploader_name"] as? String == "Rita" && byName["rapport défaut.pdf"]?["is_inline"] as? Bool == false)
            let pdfURL = try #require(byName["rapport défaut.pdf"]?["url"] as? String)
            #expect(Data(try await w.call(w.requesterToken, .GET, pdfURL).body.readableBytesView) == pdf)
            let ticket = try await w.get(w.t.alphaToken, id)
            let description = try #require(ticket["description"] as? String)
            #expect(description.contains("voir la capture") && description.contains("Attachments not kept")
                    && description.contains("outil.exe: .exe files are not accepted"), "\(description)")
            // A reply with the same report and a log: a followup carrying both, the PDF's bytes stored once.
            let contents = try await w.contentCount()
            let reference = try #require(ticket["reference"] as? String)
            let reply = try await HelpdeskMailTests.deliver(app, Self.mailWithFiles(
                from: "rita@example.org", subject: "Re: [Parc #\(reference)] Écran bleu", pdf: pdf), entity: alpha)
            #expect(reply == .addedFollowup(ticketID: id))
            let all = try await w.attachments(w.t.alphaToken, id.uuidString)
            #expect(all.count == 4 && all.filter { $0["followup_id"] as? String != nil }.count == 2, "\(all)")
            #expect(try await w.contentCount() == contents, "identical files are stored once")
            // Over the entity's limits: named, not kept; the message itself still becomes a followup.
            _ = try await w.call(w.t.superToken, .PATCH, "/api/v1/helpdesk-settings/\(alpha)/attachments",
                                 #"{"max_file_size":100}"#)
            let small = try await HelpdeskMailTests.deliver(app, Self.mailWithFiles(
                from: "rita@example.org", subject: "Re: [Parc #\(reference)]", pdf: pdf), entity: alpha)
            #expect(small == .addedFollowup(ticketID: id))
            #expect(try await w.attachments(w.t.alphaToken, id.uuidString).count == 4)
            let followups = try json(try await w.call(w.t.alphaToken, .GET, "/api/v1/tickets/\(id)/followups"))
            let bodies = (followups["items"] as? [[String: Any]] ?? []).compactMap { $0["body"] as? String }
            let last = try #require(bodies.first { $0.contains("image001.png: ") }, "\(bodies)")
            #expect(last.contains("image001.png: image001.png is 300 bytes; the limit is 100 bytes per file"), "\(last)")
            #expect(last.contains("rapport défaut.pdf:") && last.contains("outil.exe:"))
        }
    }

    @Test("pages: files on a new ticket and a followup (multipart, CSRF), listed with links; refusals keep the text",
          arguments: TestDatabase.all)
    func pages(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let w = try await HelpdeskWorld.make(app)
            let rita = WebClient(app)
            try await rita.signIn("rita")
            let form = try await rita.get("/tickets/new")
            #expect(form.body.string.contains("enctype=\"multipart/form-data\"") && form.body.string.contains("type=\"file\""))
            let fields = [("entity_id", w.t.alpha.id!.uuidString), ("title", "Imprimante"), ("description", "Bourrage"),
                          ("type", "incident"), ("urgency", "3"), ("impact", "3")]
            // Without the CSRF token: refused, nothing stored.
            let forged = try await rita.postMultipart("/tickets", fields: fields,
                                                      files: [("file", "photo.jpg", allBytes, "image/jpeg")],
                                                      includeCSRF: false)
            #expect(forged.status == .forbidden)
            #expect(try await TicketModel.query(on: app.db).count() == 0)
            // A refused type: the form comes back with what was typed and the reason; nothing stored.
            _ = try await rita.get("/tickets/new")
            let refused = try await rita.postMultipart("/tickets", fields: fields,
                                                       files: [("file", "virus.exe", Data("MZ".utf8), "application/x-msdownload")])
            #expect(refused.status == .unsupportedMediaType)
            #expect(refused.body.string.contains("Bourrage") && refused.body.string.contains("virus.exe"))
            #expect(try await TicketModel.query(on: app.db).count() == 0)
            let created = try await rita.postMultipart("/tickets", fields: fields,
                                                       files: [("file", "photo.jpg", allBytes, "image/jpeg")])
            #expect(created.status == .seeOther, "\(created.body.string)")
            let location = try #require(created.headers.first(name: .location))
            let page = try await rita.get(location)
            #expect(page.body.string.contains("photo.jpg")
                    && (page.body.string.contains("4 KiB") || page.body.string.contains("4 Kio")))
            let link = try #require(page.body.string.range(of: "href=\"\(location)/attachments/")
                .map { range in String(page.body.string[range.lowerBound...].dropFirst(6).prefix { $0 != "\"" }) })
            let file = try await rita.get(link)
            #expect(file.status == .ok && Data(file.body.readableBytesView) == allBytes)
            #expect(file.headers.first(name: .contentDisposition)?.hasPrefix("attachment;") == true)
            // A followup with a file too large for the entity: refused, the text kept in the form.
            _ = try await w.call(w.t.superToken, .PATCH, "/api/v1/helpdesk-settings/\(w.t.alpha.id!)/attachments",
                                 #"{"max_file_size":1000}"#)
            let tooBig = try await rita.postMultipart(location + "/followups", fields: [("body", "Voici le journal")],
                                                      files: [("file", "journal.log", allBytes, "text/plain")])
            #expect(tooBig.status == .payloadTooLarge)
            #expect(tooBig.body.string.contains("Voici le journal") && tooBig.body.string.contains("journal.log"))
            #expect(try await TicketFollowupModel.query(on: app.db).count() == 0)
            let fits = try await rita.postMultipart(location + "/followups", fields: [("body", "Voici le journal")],
                                                    files: [("file", "journal.log", allBytes.prefix(900), "text/plain")])
            #expect(fits.status == .seeOther)
            #expect(try await TicketAttachmentModel.query(on: app.db).filter(\.$followupID != nil).count() == 1)
            // A plain form without files still works.
            #expect(try await rita.post(location + "/followups", ["body": "Merci"]).status == .seeOther)
            // The technician deletes a file from the page; the requester has no such button.
            #expect(!(try await rita.get(location)).body.string.contains("/delete\""))
            let alice = WebClient(app)
            try await alice.signIn("alice")
            let techPage = try await alice.get(location)
            #expect(techPage.body.string.contains("\(link)/delete"))
            #expect(try await alice.post(link + "/delete", [:]).status == .seeOther)
            #expect(try await rita.get(link).status == .notFound)
            // Another entity's admin: 404 for the file.
            let bob = WebClient(app)
            try await bob.signIn("bob")
            let journal = try #require(try await TicketAttachmentModel.query(on: app.db).first())
            #expect(try await bob.get("\(location)/attachments/\(journal.id!)").status == .notFound)
        }
    }
}
