/// Why a text is not a ``SoftwareVersion``.
public enum SoftwareVersionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Nothing but white space.
    case empty
    /// More than ``SoftwareVersion/maximumLength`` characters.
    case tooLong(length: Int)
    /// A character outside printable ASCII.
    case invalidCharacter(Character)
    /// A run of digits longer than ``SoftwareVersion/maximumDigits`` significant digits.
    case numberTooLong(digits: Int)

    /// A stable code for API replies and logs.
    public var code: String {
        switch self {
        case .empty: "software_version_empty"
        case .tooLong: "software_version_too_long"
        case .invalidCharacter: "software_version_invalid_character"
        case .numberTooLong: "software_version_number_too_long"
        }
    }

    /// What was wrong and what a version looks like.
    public var message: String {
        switch self {
        case .empty:
            "The version is empty; write one such as 120.0.1, 1:2.6-3 or 5.36.0-7+deb12u1."
        case .tooLong(let length):
            "The version has \(length) characters; keep it to \(SoftwareVersion.maximumLength)."
        case .invalidCharacter(let character):
            "A version holds letters, digits and ASCII punctuation such as . - + ~ :, not \(Self.visible(character))."
        case .numberTooLong(let digits):
            "A number of \(digits) digits in a version is longer than the \(SoftwareVersion.maximumDigits) allowed."
        }
    }

    /// The character quoted, or its code point when it would not show (a control character).
    static func visible(_ character: Character) -> String {
        guard let scalar = character.unicodeScalars.first, scalar.value >= 0x20, scalar.value != 0x7F else {
            return "U+" + String(character.unicodeScalars.first?.value ?? 0, radix: 16, uppercase: true)
        }
        return "'" + String(character) + "'"
    }

    /// The ``message``.
    public var description: String { message }
}
