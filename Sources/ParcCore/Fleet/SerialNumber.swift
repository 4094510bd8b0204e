import Foundation

/// A hardware serial number as inventories report it, normalised, and never one of the placeholders firmware
/// vendors leave in the DMI tables.
///
/// Matching machines by serial only works with real serials: "To be filled by O.E.M." is shared by thousands of
/// machines. ``isJunk(_:)`` recognises the placeholders, case-insensitively, after ``normalize(_:)``.
public struct SerialNumber: Hashable, Sendable, CustomStringConvertible {
    /// The normalised serial: trimmed and upper-cased.
    public let value: String

    /// Normalises `raw` and returns nil when it is junk.
    public init?(_ raw: String) {
        guard !Self.isJunk(raw) else { return nil }
        value = Self.normalize(raw)
    }

    /// The ``value``.
    public var description: String { value }

    /// Placeholders seen in DMI tables and agent reports, upper-cased.
    static let placeholders: Set<String> = [
        "TO BE FILLED BY O.E.M.", "TO BE FILLED BY OEM", "FILL BY OEM", "O.E.M.", "OEM",
        "SYSTEM SERIAL NUMBER", "CHASSIS SERIAL NUMBER", "BASE BOARD SERIAL NUMBER", "SERIAL NUMBER", "SERIAL",
        "DEFAULT STRING", "DEFAULT", "NONE", "NULL", "NIL", "N/A", "NA", "NOT SPECIFIED", "NOT APPLICABLE",
        "NOT AVAILABLE", "UNKNOWN", "INVALID", "EMPTY", "NO SERIAL", "TBD",
        "123456789", "1234567890", "0123456789", "12345678", "1234567",
    ]

    /// Trims white space and control characters at both ends and upper-cases the rest.
    public static func normalize(_ raw: String) -> String {
        raw.trimmingCharacters(in: .whitespacesAndNewlines.union(.controlCharacters)).uppercased()
    }

    /// Whether `raw` is a placeholder rather than a real serial: empty or blank, a known placeholder (see the
    /// list in docs/fleet-rules.md), one character repeated ("0", "000000", "XXXX"), or made of punctuation only.
    public static func isJunk(_ raw: String) -> Bool {
        let serial = normalize(raw)
        guard let first = serial.first else { return true }
        if placeholders.contains(serial) { return true }
        if serial.allSatisfy({ $0 == first }) { return true }
        if !serial.contains(where: { $0.isLetter || $0.isNumber }) { return true }
        return false
    }
}
