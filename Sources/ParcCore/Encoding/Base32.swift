import Foundation

/// Base32 as defined by RFC 4648 (alphabet `A`–`Z`, `2`–`7`), the encoding of TOTP secrets in `otpauth://` URIs.
///
/// Authenticator apps expect the secret without `=` padding, so ``encode(_:padding:)`` omits it unless asked.
/// ``decode(_:)`` is lenient about what people type when entering a secret by hand: lower case, spaces and hyphens
/// between groups, and padding are all accepted.
public enum Base32 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)
    private static let paddingCharacter = UInt8(ascii: "=")

    /// Encodes bytes as Base32 text.
    ///
    /// - Parameters:
    ///   - bytes: The bytes to encode.
    ///   - padding: Whether to pad the output with `=` to a multiple of eight characters. `otpauth://` secrets are
    ///     written without padding, hence the default.
    /// - Returns: Upper-case Base32 text.
    public static func encode(_ bytes: [UInt8], padding: Bool = false) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 4) / 5 * 8)
        var buffer: UInt32 = 0
        var bufferedBits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bufferedBits += 8
            while bufferedBits >= 5 {
                bufferedBits -= 5
                output.append(alphabet[Int((buffer >> UInt32(bufferedBits)) & 0x1F)])
            }
            buffer &= (1 << UInt32(bufferedBits)) - 1
        }
        if bufferedBits > 0 {
            output.append(alphabet[Int((buffer << UInt32(5 - bufferedBits)) & 0x1F)])
        }
        if padding {
            while !output.count.isMultiple(of: 8) {
                output.append(paddingCharacter)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes Base32 text.
    ///
    /// Letters may be in either case; spaces, tabs, line breaks and hyphens are ignored wherever they appear, so a
    /// secret typed as `jbsw y3dp-ehpk 3pxp` decodes. Trailing `=` padding is optional, but when present it must be
    /// complete. Unused low bits of the last character are ignored, as most authenticator apps do.
    ///
    /// - Parameter string: The Base32 text.
    /// - Returns: The decoded bytes, or `nil` when the text holds a character outside the alphabet, padding in the
    ///   middle or of the wrong length, or a number of characters that no byte sequence encodes to (1, 3 or 6
    ///   modulo 8).
    public static func decode(_ string: String) -> [UInt8]? {
        var values: [UInt8] = []
        values.reserveCapacity(string.utf8.count)
        var paddingCount = 0
        for character in string.utf8 {
            switch character {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "-"):
                continue
            case paddingCharacter:
                paddingCount += 1
                continue
            default:
                // Data after padding means the padding was not at the end.
                guard paddingCount == 0, let value = value(of: character) else { return nil }
                values.append(value)
            }
        }
        guard let expectedPadding = paddingLength(forCharacterCount: values.count) else { return nil }
        guard paddingCount == 0 || paddingCount == expectedPadding else { return nil }

        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * 5 / 8)
        var buffer: UInt32 = 0
        var bufferedBits = 0
        for value in values {
            buffer = (buffer << 5) | UInt32(value)
            bufferedBits += 5
            if bufferedBits >= 8 {
                bufferedBits -= 8
                bytes.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bufferedBits)))
                buffer &= (1 << UInt32(bufferedBits)) - 1
            }
        }
        return bytes
    }

    private static func value(of character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): character - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): character - UInt8(ascii: "a")
        case UInt8(ascii: "2")...UInt8(ascii: "7"): character - UInt8(ascii: "2") + 26
        default: nil
        }
    }

    /// The `=` count that completes the last eight-character group, or `nil` when the character count is impossible.
    ///
    /// The final group carries 1–5 bytes, which take 2, 4, 5, 7 or 8 characters; other remainders never occur.
    private static func paddingLength(forCharacterCount count: Int) -> Int? {
        switch count % 8 {
        case 0: 0
        case 2: 6
        case 4: 4
        case 5: 3
        case 7: 1
        default: nil
        }
    }
}
