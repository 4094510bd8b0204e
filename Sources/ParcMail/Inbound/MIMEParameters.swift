/// Reads the `; name=value` parameters of a Content-Type or Content-Disposition field, including RFC 2231 extended
/// parameters (`filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`) and continuations (`filename*0*=…; filename*1=…`).
///
/// Leniencies: unquoted values containing spaces run to the next `;`; RFC 2047 encoded-words inside a value are
/// decoded (Outlook and Gmail write filenames that way); when a name appears twice the first wins; an RFC 2231 form
/// wins over the plain form of the same name.
enum MIMEParameters {
    /// Parameters keyed by lowercased name.
    static func parse(_ scanner: inout HeaderValueScanner) -> [String: String] {
        var plain: [String: String] = [:]
        // name -> section number (nil for `name*`) -> (value, whether percent-encoded)
        var extended: [String: [Int: (value: String, encoded: Bool)]] = [:]
        while !scanner.isAtEnd {
            scanner.skipWhitespaceAndComments()
            guard let scalar = scanner.current else {
                break
            }
            if scalar == ";" {
                scanner.advance()
                continue
            }
            let name = scanner.read { $0 != "=" && $0 != ";" && $0 != " " && $0 != "\t" && $0 != "(" }.asciiLowercased
            scanner.skipWhitespaceAndComments()
            guard scanner.current == "=", !name.isEmpty else {
                _ = scanner.read { $0 != ";" }
                continue
            }
            scanner.advance()
            scanner.skipWhitespaceAndComments()
            let value: String
            if scanner.current == "\"" {
                value = scanner.readQuotedString()
                _ = scanner.read { $0 != ";" }
            } else {
                value = String(scanner.read { $0 != ";" }.trimmed())
            }
            if let (baseName, section, encoded) = extendedName(name) {
                extended[baseName, default: [:]][section ?? -1] = extended[baseName]?[section ?? -1] ?? (value, encoded)
            } else if plain[name] == nil {
                plain[name] = decodeEncodedWords(value)
            }
        }
        for (name, sections) in extended {
            if let value = combine(sections) {
                plain[name] = value
            }
        }
        return plain
    }

    /// Splits `name*`, `name*3` and `name*3*` into the base name, the section and whether the value is encoded.
    private static func extendedName(_ name: String) -> (String, Int?, Bool)? {
        guard let star = name.firstIndex(of: "*") else {
            return nil
        }
        let base = String(name[..<star])
        var rest = name[name.index(after: star)...]
        if rest.isEmpty {
            return (base, nil, true)
        }
        var encoded = false
        if rest.last == "*" {
            encoded = true
            rest = rest.dropLast()
        }
        guard !rest.isEmpty, rest.count <= 3, let section = Int(rest), section >= 0 else {
            return nil
        }
        return (base, section, encoded)
    }

    /// Joins RFC 2231 sections in order (stopping at the first gap) and decodes them with the charset the first
    /// section names.
    private static func combine(_ sections: [Int: (value: String, encoded: Bool)]) -> String? {
        var pieces: [(value: String, encoded: Bool)] = []
        if let single = sections[-1] {
            pieces = [single]
        } else {
            var number = 0
            while let piece = sections[number] {
                pieces.append(piece)
                number += 1
            }
        }
        guard !pieces.isEmpty else {
            return nil
        }
        var charset: String?
        var bytes: [UInt8] = []
        for (index, piece) in pieces.enumerated() {
            var value = Substring(piece.value)
            if index == 0 && piece.encoded {
                // charset'language'value; a value without the two quotes is taken as it is.
                let parts = value.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
                if parts.count == 3 {
                    charset = parts[0].isEmpty ? nil : String(parts[0])
                    value = parts[2]
                }
            }
            bytes += piece.encoded ? percentDecoded(value) : Array(value.utf8)
        }
        let text = charset.map { MailCharset.decode(bytes, charset: $0).text } ?? MailCharset.utf8OrWindows1252(bytes)
        return text
    }

    private static func percentDecoded(_ value: Substring) -> [UInt8] {
        let input = Array(value.utf8)
        var output: [UInt8] = []
        var index = 0
        while index < input.count {
            if input[index] == UInt8(ascii: "%"), index + 2 < input.count,
                let high = TransferDecoding.hexValue(input[index + 1]),
                let low = TransferDecoding.hexValue(input[index + 2])
            {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(input[index])
                index += 1
            }
        }
        return output
    }

    private static func decodeEncodedWords(_ value: String) -> String {
        value.contains("=?") ? EncodedWordDecoder.decodePreservingSpaces(value) : value
    }
}
