import Foundation

/// The encoding an XML body declares, applied before ``XMLScanner`` reads it as UTF-8 (decision 0045).
///
/// A body without a declared encoding, or declaring UTF-8 or US-ASCII, is read as it is. ISO-8859-1 (Latin-1) is
/// converted here, byte for byte; any other encoding glibc's iconv knows (windows-1252, ISO-8859-15…) through iconv,
/// as libxml2 did. Encodings that are not ASCII-compatible (UTF-16, UTF-32) and names iconv does not know are refused
/// with an error that names them. Only the declaration is consulted: a body that starts with a UTF-8 byte order
/// mark is UTF-8.
enum XMLEncoding {
    /// `data` converted to UTF-8, or nil when it needs no conversion. A conversion longer than `limit` bytes is
    /// ``InventoryFormatError/tooLarge(bytes:limit:)``: converting may grow a body (up to three times for Latin-1
    /// text), and the size limit holds for what is parsed.
    static func utf8(_ data: Data, limit: Int) throws(InventoryFormatError) -> Data? {
        guard let declared = declaredEncoding(data) else { return nil }
        let name = declared.uppercased()
        switch name {
        case "UTF-8", "UTF8", "US-ASCII", "ASCII":
            return nil
        case "ISO-8859-1", "ISO8859-1", "ISO_8859-1", "LATIN1", "LATIN-1", "L1":
            let converted = latin1(data)
            guard converted.count <= limit else { throw .tooLarge(bytes: converted.count, limit: limit) }
            return converted
        default:
            if name.hasPrefix("UTF-16") || name.hasPrefix("UTF-32") || name.hasPrefix("UCS") || name.hasPrefix("UTF16")
                || name.hasPrefix("UTF32")
            {
                throw .malformedXML(
                    line: 1, column: 1, path: "the document",
                    detail: "the declared encoding \(declared) does not match a body that starts in ASCII; send UTF-8")
            }
            return try iconv(data, from: declared, limit: limit)
        }
    }

    /// The value of `encoding` in the XML declaration at the start of `data`, if any.
    static func declaredEncoding(_ data: Data) -> String? {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> String? in
            var start = 0
            if raw.count >= 3, raw[0] == 0xEF, raw[1] == 0xBB, raw[2] == 0xBF { return nil }
            guard raw.count > 6, raw.starts(with: "<?xml".utf8), XMLCharacters.isSpace(raw[5]) else {
                return nil
            }
            start = 5
            // The declaration is short: look no further than its end, or 256 bytes.
            let limit = min(raw.count, 256)
            var stop = start
            while stop + 1 < limit, !(raw[stop] == UInt8(ascii: "?") && raw[stop + 1] == UInt8(ascii: ">")) {
                stop += 1
            }
            let text = String(decoding: raw[start..<stop], as: UTF8.self)
            guard let key = text.range(of: "encoding") else { return nil }
            var rest = text[key.upperBound...].drop { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
            guard rest.first == "=" else { return nil }
            rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
            guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
            rest = rest.dropFirst()
            guard let close = rest.firstIndex(of: quote) else { return nil }
            let value = String(rest[..<close])
            return value.isEmpty ? nil : value
        }
    }

    static func latin1(_ data: Data) -> Data {
        var output = Data()
        output.reserveCapacity(data.count + data.count / 8)
        for byte in data {
            if byte < 0x80 {
                output.append(byte)
            } else {
                output.append(0xC0 | byte >> 6)
                output.append(0x80 | byte & 0x3F)
            }
        }
        return output
    }

    static func iconv(_ data: Data, from encoding: String, limit: Int) throws(InventoryFormatError) -> Data {
        let converter = iconv_open("UTF-8", encoding)
        guard let converter, converter != iconv_t(bitPattern: -1) else {
            throw .malformedXML(
                line: 1, column: 1, path: "the document",
                detail: "the declared encoding \(encoding) is not one Parc knows; send UTF-8")
        }
        defer { iconv_close(converter) }
        // Four output bytes per input byte cover any encoding (at most U+10FFFF per byte), but never more than
        // the limit: iconv stops with E2BIG when the output is full.
        var output = [UInt8](repeating: 0, count: min(data.count * 4 + 16, limit + 1))
        let result: (written: Int, failedAt: Int?, full: Bool) = data.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { buffer in
                guard let inputBase = input.baseAddress, let outputBase = buffer.baseAddress else {
                    return (0, nil, false)
                }
                var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutablePointer(
                    mutating: inputBase.assumingMemoryBound(to: CChar.self))
                var inLeft = input.count
                var outPointer: UnsafeMutablePointer<CChar>? = outputBase.assumingMemoryBound(to: CChar.self)
                var outLeft = buffer.count
                let status = Foundation.iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                let written = buffer.count - outLeft
                guard status == -1 else { return (written, nil, false) }
                return errno == E2BIG ? (written, nil, true) : (written, input.count - inLeft, false)
            }
        }
        if result.full || result.written > limit {
            throw .tooLarge(bytes: max(result.written, limit + 1), limit: limit)
        }
        if let failedAt = result.failedAt {
            let location = data.withUnsafeBytes { raw in
                XMLCharacters.location(of: failedAt, in: raw.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
            throw .malformedXML(
                line: location.line, column: location.column, path: "the document",
                detail: "bytes that are not valid \(encoding), the encoding the XML declaration names")
        }
        return Data(output[0..<result.written])
    }
}
