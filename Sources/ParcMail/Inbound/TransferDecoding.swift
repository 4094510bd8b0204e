/// Lenient decoders for the MIME content transfer encodings (RFC 2045 section 6) and the RFC 2047 B and Q forms.
///
/// They never fail: what cannot be decoded is skipped or kept literally and reported through `isMalformed`, because
/// a message with a damaged attachment should still become a ticket. Each runs in one pass.
enum TransferDecoding {
    struct Result {
        var bytes: [UInt8]
        var isMalformed: Bool
    }

    /// Base64, ignoring line breaks, spaces and other characters outside the alphabet; `=` ends a group early, so
    /// concatenated encodings and missing padding both decode. A final group of one character cannot hold a byte
    /// and is dropped.
    static func base64(_ input: some Collection<UInt8>) -> Result {
        if let result = input.withContiguousStorageIfAvailable(base64(buffer:)) {
            return result
        }
        return Array(input).withUnsafeBufferPointer(base64(buffer:))
    }

    private static func base64(buffer input: UnsafeBufferPointer<UInt8>) -> Result {
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 4 * 3 + 3)
        var accumulator: UInt32 = 0
        var count = 0
        var isMalformed = false
        func flush() {
            switch count {
            case 2:
                output.append(UInt8(truncatingIfNeeded: accumulator >> 4))
            case 3:
                output.append(UInt8(truncatingIfNeeded: accumulator >> 10))
                output.append(UInt8(truncatingIfNeeded: accumulator >> 2))
            case 1:
                isMalformed = true
            default:
                break
            }
            accumulator = 0
            count = 0
        }
        base64Values.withUnsafeBufferPointer { values in
            for byte in input {
                let value = values[Int(byte)]
                if value < 64 {
                    accumulator = accumulator << 6 | UInt32(value)
                    count += 1
                    if count == 4 {
                        output.append(UInt8(truncatingIfNeeded: accumulator >> 16))
                        output.append(UInt8(truncatingIfNeeded: accumulator >> 8))
                        output.append(UInt8(truncatingIfNeeded: accumulator))
                        accumulator = 0
                        count = 0
                    }
                } else if byte == UInt8(ascii: "=") {
                    flush()
                } else if value == 0xFF {
                    isMalformed = true
                }
            }
        }
        flush()
        return Result(bytes: output, isMalformed: isMalformed)
    }

    /// Quoted-printable body content: `=XX` escapes (either case), soft line breaks (`=` at the end of a line, even
    /// with trailing spaces after it), trailing whitespace removed as RFC 2045 requires. Line breaks come out as
    /// CRLF; an `=` that starts no escape is kept.
    static func quotedPrintable(_ input: some Collection<UInt8>) -> Result {
        if let result = input.withContiguousStorageIfAvailable(quotedPrintable(buffer:)) {
            return result
        }
        return Array(input).withUnsafeBufferPointer(quotedPrintable(buffer:))
    }

    private static func quotedPrintable(buffer bytes: UnsafeBufferPointer<UInt8>) -> Result {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var isMalformed = false
        var lineStart = 0
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count && bytes[lineEnd] != 0x0A {
                lineEnd += 1
            }
            let hasBreak = lineEnd < bytes.count
            var contentEnd = lineEnd
            while contentEnd > lineStart && isTrailingSpace(bytes[contentEnd - 1]) {
                contentEnd -= 1
            }
            var softBreak = false
            if contentEnd > lineStart && bytes[contentEnd - 1] == UInt8(ascii: "=") {
                softBreak = true
                contentEnd -= 1
            }
            var index = lineStart
            while index < contentEnd {
                let byte = bytes[index]
                if byte == UInt8(ascii: "=") {
                    if index + 2 < contentEnd,
                        let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
                    {
                        output.append(high << 4 | low)
                        index += 3
                        continue
                    }
                    isMalformed = true
                }
                output.append(byte)
                index += 1
            }
            if hasBreak && !softBreak {
                output.append(0x0D)
                output.append(0x0A)
            }
            lineStart = lineEnd + 1
        }
        return Result(bytes: output, isMalformed: isMalformed)
    }

    /// The Q encoding of RFC 2047 encoded-words: like quoted-printable, with `_` for a space and no line breaks.
    static func qEncoding(_ input: some Collection<UInt8>) -> [UInt8] {
        let bytes = Array(input)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "_") {
                output.append(0x20)
            } else if byte == UInt8(ascii: "="), index + 2 < bytes.count,
                let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                output.append(high << 4 | low)
                index += 3
                continue
            } else {
                output.append(byte)
            }
            index += 1
        }
        return output
    }

    private static func isTrailingSpace(_ byte: UInt8) -> Bool {
        byte == 0x0D || byte == 0x20 || byte == 0x09
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }

    /// The 6-bit value of each byte in the base64 alphabet; 0xFE for whitespace (skipped silently), 0xFF otherwise.
    private static let base64Values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, character) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(character)] = UInt8(value)
        }
        // The URL-safe alphabet turns up in mail from some web services.
        table[Int(UInt8(ascii: "-"))] = 62
        table[Int(UInt8(ascii: "_"))] = 63
        for whitespace in [0x20, 0x09, 0x0D, 0x0A, 0x0B, 0x0C] {
            table[whitespace] = 0xFE
        }
        return table
    }()
}
