/// The hardware UUID a machine reports (SMBIOS system UUID, or the identifier a phone or hypervisor gives),
/// normalised, and never one of the placeholders firmware leaves in place of a real one.
///
/// A UUID of 32 hexadecimal digits, with or without dashes or braces, is written in the canonical upper-case
/// 8-4-4-4-12 form, so `{4c4c4544-0034-3010-8048-b6c04f503732}` and `4C4C4544003430108048B6C04F503732` are the same
/// value. Other identifiers (an Android ID such as `af8d3fcfa6fe4784`) are kept, trimmed and upper-cased.
///
/// Junk, by ``isJunk(_:)``: blank; one character repeated once the dashes are gone (all zeros, all `F`);
/// `03000200-0400-0500-0006-000700080009` and `00020003-0004-0005-0006-000700080009`, the sequential placeholders
/// many boards ship with; or a serial-number placeholder (``SerialNumber/isJunk(_:)``) such as "Not Settable".
public struct SystemUUID: Hashable, Sendable, CustomStringConvertible {
    /// The normalised UUID.
    public let value: String

    /// Normalises `raw` and returns nil when it is junk.
    public init?(_ raw: String) {
        guard !Self.isJunk(raw) else { return nil }
        value = Self.normalize(raw)
    }

    /// The ``value``.
    public var description: String { value }

    /// Placeholders seen in SMBIOS tables, in canonical form.
    static let placeholders: Set<String> = [
        "03000200-0400-0500-0006-000700080009",
        "00020003-0004-0005-0006-000700080009",
        "01234567-89AB-CDEF-0123-456789ABCDEF",
        "12345678-1234-5678-90AB-CDDEEFAABBCC",
        "NOT SETTABLE", "NOT PRESENT",
    ]

    /// Trims, upper-cases, and writes a 32-hex-digit UUID in 8-4-4-4-12 form.
    public static func normalize(_ raw: String) -> String {
        let trimmed = SerialNumber.normalize(raw)
        var hex: [UInt8] = []
        hex.reserveCapacity(32)
        var inner = Substring(trimmed)
        if inner.hasPrefix("{") && inner.hasSuffix("}") && inner.count >= 2 {
            inner = inner.dropFirst().dropLast()
        }
        for byte in inner.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "F"): hex.append(byte)
            case UInt8(ascii: "-"): continue
            default: return trimmed
            }
        }
        guard hex.count == 32 else { return trimmed }
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (index, byte) in hex.enumerated() {
            if [8, 12, 16, 20].contains(index) { text.append(UInt8(ascii: "-")) }
            text.append(byte)
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Whether `raw` is a placeholder rather than a machine's own UUID (see the type's documentation).
    public static func isJunk(_ raw: String) -> Bool {
        let uuid = normalize(raw)
        let significant = uuid.filter { $0 != "-" }
        guard let first = significant.first else { return true }
        if significant.allSatisfy({ $0 == first }) { return true }
        if placeholders.contains(uuid) { return true }
        return SerialNumber.isJunk(uuid)
    }
}
