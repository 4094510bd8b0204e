import Foundation

/// Small decoders for checking rendered messages in pure tests (the live tests use Python's email package).
enum MIMETestDecoding {
    /// The header block of a rendered message, unfolded: one entry per field, in order.
    static func headerFields(_ rendered: [UInt8]) -> [(name: String, value: String)] {
        let text = String(decoding: rendered, as: UTF8.self)
        let block = text.components(separatedBy: "\r\n\r\n").first ?? ""
        let unfolded = block.replacingOccurrences(of: "\r\n ", with: " ").replacingOccurrences(of: "\r\n\t", with: "\t")
        return unfolded.components(separatedBy: "\r\n").compactMap { line in
            guard let colon = line.firstIndex(of: ":") else {
                return nil
            }
            let value = line[line.index(after: colon)...].drop(while: { $0 == " " })
            return (String(line[..<colon]), String(value))
        }
    }

    static func header(_ name: String, in rendered: [UInt8]) -> String? {
        headerFields(rendered).first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Decodes RFC 2047 UTF-8 encoded-words; whitespace between two adjacent encoded-words is dropped.
    static func decodeEncodedWords(_ value: String) -> String {
        let pattern = try! NSRegularExpression(
            pattern: #"=\?UTF-8\?([QB])\?([^?]*)\?=(\s+(?==\?))?"#,
            options: [.caseInsensitive]
        )
        var result = ""
        var bytes: [UInt8] = []
        var last = value.startIndex
        for match in pattern.matches(in: value, range: NSRange(value.startIndex..., in: value)) {
            let range = Range(match.range, in: value)!
            if range.lowerBound > last {
                result += String(decoding: bytes, as: UTF8.self) + value[last..<range.lowerBound]
                bytes = []
            }
            let encoding = value[Range(match.range(at: 1), in: value)!].uppercased()
            let payload = String(value[Range(match.range(at: 2), in: value)!])
            if encoding == "B" {
                bytes += Array(Data(base64Encoded: payload) ?? Data())
            } else {
                bytes += decodeQ(payload)
            }
            last = range.upperBound
        }
        return result + String(decoding: bytes, as: UTF8.self) + value[last...]
    }

    private static func decodeQ(_ payload: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var iterator = Array(payload.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "_") {
                bytes.append(0x20)
            } else if byte == UInt8(ascii: "="), let high = iterator.next(), let low = iterator.next() {
                bytes.append(UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) ?? 0)
            } else {
                bytes.append(byte)
            }
        }
        return bytes
    }

    /// Decodes a quoted-printable body (CRLF line breaks, '=' soft breaks).
    static func decodeQuotedPrintable(_ body: String) -> String {
        let joined = body.replacingOccurrences(of: "=\r\n", with: "")
        var bytes: [UInt8] = []
        var iterator = Array(joined.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "="), let high = iterator.next(), let low = iterator.next() {
                bytes.append(UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) ?? 0)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The body after the header block.
    static func body(_ rendered: [UInt8]) -> String {
        let text = String(decoding: rendered, as: UTF8.self)
        guard let range = text.range(of: "\r\n\r\n") else {
            return ""
        }
        return String(text[range.upperBound...])
    }

    /// The physical lines of a rendered message, without their CRLF.
    static func lines(_ rendered: [UInt8]) -> [String] {
        String(decoding: rendered, as: UTF8.self).components(separatedBy: "\r\n")
    }

    /// The header lines only.
    static func headerLines(_ rendered: [UInt8]) -> [String] {
        Array(lines(rendered).prefix { !$0.isEmpty })
    }
}
