import Foundation

/// RFC 2047 encoded-words in UTF-8, for header text that cannot be sent as plain ASCII.
///
/// The encoder picks Q (readable for mostly-ASCII text) or B (compact for other scripts), whichever is shorter, and
/// splits the text into words of at most 75 characters. It splits only between Unicode scalars, so every word
/// decodes to valid UTF-8 on its own, as RFC 2047 section 5 requires.
enum EncodedWordEncoder {
    /// RFC 2047 section 2: an encoded-word is at most 75 characters long.
    static let maximumWordLength = 75

    private static let qPrefix = "=?UTF-8?Q?"
    private static let bPrefix = "=?UTF-8?B?"
    private static let suffix = "?="
    private static let overhead = 12
    /// Room for the longest single scalar: four bytes, twelve characters in Q.
    private static let smallestWordLength = overhead + 12

    /// Encodes `text` as encoded-words; the first is at most `firstWordLimit` long so it can share the line with
    /// the field name, the others at most ``maximumWordLength``.
    static func encode(_ text: String, firstWordLimit: Int = maximumWordLength) -> [String] {
        let bytes = Array(text.utf8)
        let qLength = bytes.reduce(0) { $0 + (isQLiteral($1) || $1 == 0x20 ? 1 : 3) }
        let bLength = (bytes.count + 2) / 3 * 4
        let firstLimit = min(max(firstWordLimit, smallestWordLength), maximumWordLength)
        return qLength <= bLength ? encodeQ(text, firstLimit: firstLimit) : encodeB(text, firstLimit: firstLimit)
    }

    private static func encodeQ(_ text: String, firstLimit: Int) -> [String] {
        var words: [String] = []
        var payload = ""
        var limit = firstLimit - overhead
        for scalar in text.unicodeScalars {
            var piece = ""
            for byte in String(scalar).utf8 {
                if byte == 0x20 {
                    piece += "_"
                } else if isQLiteral(byte) {
                    piece.unicodeScalars.append(Unicode.Scalar(byte))
                } else {
                    piece += "=" + hex(byte)
                }
            }
            if !payload.isEmpty && payload.utf8.count + piece.utf8.count > limit {
                words.append(qPrefix + payload + suffix)
                payload = ""
                limit = maximumWordLength - overhead
            }
            payload += piece
        }
        if !payload.isEmpty || words.isEmpty {
            words.append(qPrefix + payload + suffix)
        }
        return words
    }

    private static func encodeB(_ text: String, firstLimit: Int) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        var limit = firstLimit - overhead
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if !chunk.isEmpty && (chunk.count + bytes.count + 2) / 3 * 4 > limit {
                words.append(bPrefix + Data(chunk).base64EncodedString() + suffix)
                chunk = []
                limit = maximumWordLength - overhead
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty {
            words.append(bPrefix + Data(chunk).base64EncodedString() + suffix)
        }
        return words
    }

    /// The characters RFC 2047 section 5 (3) allows unencoded in a Q word inside a phrase; using the strictest set
    /// everywhere keeps one encoder valid for subjects and display names alike.
    private static func isQLiteral(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "!"), UInt8(ascii: "*"), UInt8(ascii: "+"),
            UInt8(ascii: "-"), UInt8(ascii: "/"):
            true
        default:
            false
        }
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
