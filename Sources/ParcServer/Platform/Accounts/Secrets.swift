import Crypto
import Foundation

/// Random secrets and their stored fingerprints (session keys, API tokens, recovery codes).
enum Secrets {
    /// `count` random bytes from the system's secure generator.
    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// URL-safe base64 without padding.
    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// A new random token with a recognisable prefix, e.g. `parc_…` (43 characters of entropy).
    static func token(prefix: String) -> String { prefix + base64URL(randomBytes(32)) }

    /// Hex SHA-256: how high-entropy secrets are stored (a slow hash adds nothing for 256-bit randoms).
    static func fingerprint(_ secret: String) -> String {
        hex(SHA256.hash(data: Data(secret.utf8)))
    }

    /// Lower-case hexadecimal. Runs on every authenticated request: `String(format:)` per byte costs
    /// about a millisecond per hash on Linux, this a few hundred nanoseconds.
    static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(64)
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Comparison whose duration does not depend on where the strings differ.
    static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8)
        let right = Array(rhs.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
