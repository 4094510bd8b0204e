/// Why an encrypted object could not be opened.
public enum SealError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Shorter than nonce + tag (28 bytes): truncated.
    case tooShort(byteCount: Int)
    /// The authentication tag does not match: wrong key, altered or truncated bytes, or bytes of
    /// another object (the context is authenticated too).
    case authenticationFailed
    /// A decrypted repository file announces a compression this version does not know.
    case unknownCompression(UInt8)

    public var description: String {
        switch self {
        case .tooShort(let count):
            "encrypted object of \(count) bytes is shorter than its nonce and tag (28 bytes): truncated"
        case .authenticationFailed:
            "authentication failed: the bytes were altered, truncated or encrypted under another key"
        case .unknownCompression(let flag):
            "unknown compression flag \(flag)"
        }
    }
}
