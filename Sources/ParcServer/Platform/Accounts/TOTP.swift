import Crypto
import Foundation
import ParcCore

/// Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits), the scheme
/// every authenticator app speaks.
enum TOTP {
    static let step: TimeInterval = 30
    static let digits = 6

    /// A new random 160-bit secret, base32 as authenticator apps expect it.
    static func newSecret() -> String { Base32.encode(Secrets.randomBytes(20)) }

    static func code(secret: [UInt8], at date: Date) -> String {
        code(secret: secret, counter: UInt64(floor(date.timeIntervalSince1970 / step)))
    }

    static func code(secret: [UInt8], counter: UInt64) -> String {
        var big = counter.bigEndian
        let message = withUnsafeBytes(of: &big) { Data($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let binary = (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16)
            | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        let value = binary % 1_000_000
        let text = String(value)
        return String(repeating: "0", count: digits - text.count) + text
    }

    /// Whether the code is valid now, allowing one step of clock drift either way.
    static func verify(_ code: String, secret base32: String, at date: Date) -> Bool {
        matchingCounter(code, secret: base32, at: date) != nil
    }

    /// The time step the code belongs to (now, or one step either side for clock drift), or nil.
    /// Callers store it so that a code, once used, is refused afterwards.
    static func matchingCounter(_ code: String, secret base32: String, at date: Date) -> Int? {
        let cleaned = code.filter { !$0.isWhitespace }
        guard cleaned.count == digits, cleaned.allSatisfy(\.isASCII), cleaned.allSatisfy(\.isNumber),
              let secret = Base32.decode(base32) else { return nil }
        let counter = Int(floor(date.timeIntervalSince1970 / step))
        return (-1...1).map { counter + $0 }.first { candidate in
            candidate >= 0 && Secrets.constantTimeEquals(self.code(secret: secret, counter: UInt64(candidate)), cleaned)
        }
    }

    /// The `otpauth://` URI that authenticator apps scan.
    static func provisioningURI(secret: String, account: String, issuer: String = "Parc") -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let label = "\(issuer):\(account)".addingPercentEncoding(withAllowedCharacters: allowed) ?? account
        let issuerParam = issuer.addingPercentEncoding(withAllowedCharacters: allowed) ?? issuer
        return "otpauth://totp/\(label)?secret=\(secret)&issuer=\(issuerParam)&algorithm=SHA1&digits=6&period=30"
    }
}
