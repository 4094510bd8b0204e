import Foundation

/// What a password must be. bcrypt reads at most 72 bytes, so longer ones are refused rather than
/// silently truncated.
public struct PasswordPolicy: Sendable {
    public var minimumLength: Int
    public static let maximumBytes = 72

    public init(minimumLength: Int = 10) { self.minimumLength = minimumLength }

    public enum Problem: Error, Equatable, Sendable {
        case tooShort(minimum: Int)
        case tooLong(maximumBytes: Int)
        case sameAsLogin
        case invalidCharacters

        /// Key of the message in the translation catalogues.
        public var messageKey: String {
            switch self {
            case .tooShort: "password.too_short"
            case .tooLong: "password.too_long"
            case .sameAsLogin: "password.same_as_login"
            case .invalidCharacters: "password.invalid_characters"
            }
        }

        /// English message for the CLI and the API.
        public var message: String {
            switch self {
            case let .tooShort(minimum): "The password must have at least \(minimum) characters."
            case let .tooLong(maximum): "The password must not exceed \(maximum) bytes (about \(maximum) letters)."
            case .sameAsLogin: "The password must not be the login."
            case .invalidCharacters: "The password must not contain control characters."
            }
        }
    }

    public func check(_ password: String, login: String) -> Problem? {
        if password.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return .invalidCharacters
        }
        if password.count < minimumLength { return .tooShort(minimum: minimumLength) }
        if password.utf8.count > Self.maximumBytes { return .tooLong(maximumBytes: Self.maximumBytes) }
        if password.lowercased() == login.lowercased() { return .sameAsLogin }
        return nil
    }
}
