import Foundation
import ParcMail
import Vapor

/// A `multipart/form-data` body read strictly: every part whole, the closing boundary present, fields and files
/// apart. A body that is not multipart is a 415; a malformed or truncated one a 400 that says so — never a
/// half-read form.
struct MultipartForm {
    /// A part that carried a file (its Content-Disposition names a `filename`).
    struct FilePart {
        let field: String
        /// As the client sent it, unsanitised; nil when it sent none.
        let filename: String?
        let bytes: [UInt8]
    }

    /// Text fields by name, repeats kept in order.
    private(set) var fields: [String: [String]] = [:]
    private(set) var files: [FilePart] = []

    /// The most parts a form may have: a form with many files is still far below.
    static let maximumParts = 500

    /// Whether the request claims a multipart body.
    static func isMultipart(_ req: Request) -> Bool {
        req.headers.contentType.map { $0.type == "multipart" && $0.subType == "form-data" } ?? false
    }

    /// Reads the request's collected body, or `body` when the handler collected it itself.
    init(_ req: Request, body: ByteBuffer? = nil) throws {
        try self.init(body: body ?? req.body.data ?? ByteBuffer(), boundary: try Self.boundary(req))
    }

    /// The boundary the Content-Type names: 415 when the body is not `multipart/form-data`, 400 without a boundary.
    static func boundary(_ req: Request) throws -> String {
        let raw = req.headers.first(name: .contentType) ?? ""
        guard let type = MIMEContentType(parsing: raw), type.mimeType == "multipart/form-data" else {
            throw ParcError(.unsupportedMediaType, code: "unsupported_media_type",
                            "Send the files as 'multipart/form-data' (a form with <input type=file>, or curl -F "
                                + "file=@name).")
        }
        guard let boundary = type.parameters["boundary"], !boundary.isEmpty, boundary.utf8.count <= 200 else {
            throw ParcError.badRequest("malformed_multipart",
                                       "The Content-Type names no multipart boundary; let the client build the form.")
        }
        return boundary
    }

    init(body: ByteBuffer, boundary: String) throws {
        guard Self.endsWithClosingBoundary(body, boundary: boundary) else {
            throw ParcError.badRequest("malformed_multipart",
                                       "The multipart body is truncated or malformed (no closing boundary); send the "
                                           + "whole form again.")
        }
        // A form with no part at all is only its closing boundary, which the parser does not expect first.
        if Self.isEmptyForm(body, boundary: boundary) { return }
        let parser = MultipartParser(boundary: boundary)
        var headers = HTTPHeaders()
        var content = ByteBuffer()
        var parts: [(HTTPHeaders, ByteBuffer)] = []
        var tooMany = false
        parser.onHeader = { name, value in headers.add(name: name, value: value) }
        parser.onBody = { chunk in content.writeBuffer(&chunk) }
        parser.onPartComplete = {
            if parts.count < Self.maximumParts { parts.append((headers, content)) } else { tooMany = true }
            headers = HTTPHeaders()
            content = ByteBuffer()
        }
        do {
            try parser.execute(body)
        } catch {
            throw ParcError.badRequest("malformed_multipart", "The multipart body is malformed (a part's headers do "
                + "not read); send the form again.")
        }
        guard !tooMany else {
            throw ParcError(.payloadTooLarge, code: "too_many_parts",
                            "The form has more than \(Self.maximumParts) parts; send fewer files at once.")
        }
        for (partHeaders, partBody) in parts {
            guard let dispositionText = partHeaders.first(name: "Content-Disposition") else {
                throw ParcError.badRequest("malformed_multipart", "A part of the form has no Content-Disposition.")
            }
            let disposition = MIMEContentDisposition(parsing: dispositionText)
            guard let name = disposition.parameters["name"], !name.isEmpty else {
                throw ParcError.badRequest("malformed_multipart", "A part of the form has no field name.")
            }
            let bytes = Array(partBody.readableBytesView)
            if let filename = disposition.parameters["filename"] ?? disposition.parameters["filename*"] {
                // A file input left empty still sends a part, with no name and no bytes.
                if filename.isEmpty && bytes.isEmpty { continue }
                files.append(FilePart(field: name, filename: filename, bytes: bytes))
            } else {
                guard let text = String(bytes: bytes, encoding: .utf8) else {
                    throw ParcError.badRequest("invalid_utf8", "The form field \(name.prefix(60)) is not valid UTF-8.")
                }
                fields[name, default: []].append(text)
            }
        }
    }

    /// The first value of a text field.
    func field(_ name: String) -> String? { fields[name]?.first }

    private static func isEmptyForm(_ body: ByteBuffer, boundary: String) -> Bool {
        let text = String(decoding: body.readableBytesView.prefix(boundary.utf8.count + 8), as: UTF8.self)
        return text.trimmingCharacters(in: .whitespacesAndNewlines) == "--\(boundary)--"
    }

    /// Whether the body holds `--boundary--`, the end of the last part: without it the body was cut.
    private static func endsWithClosingBoundary(_ body: ByteBuffer, boundary: String) -> Bool {
        let marker = Array("--\(boundary)--".utf8)
        let bytes = body.readableBytesView
        guard bytes.count >= marker.count else { return false }
        var end = bytes.endIndex
        while end - marker.count >= bytes.startIndex {
            if bytes[(end - marker.count)..<end].elementsEqual(marker) {
                let start = end - marker.count
                // At the very start, or after the CRLF that ends the previous part.
                return start == bytes.startIndex || (start >= bytes.startIndex + 2 && bytes[start - 2] == 13
                    && bytes[start - 1] == 10)
            }
            end -= 1
        }
        return false
    }
}
