import ParcInventory

/// The small text rules every collector and parser shares, so that what the agent writes is already in the
/// report's normal form (docs/inventory-formats.md): a report read back from the agent's JSON equals the one it
/// wrote.
public enum InventoryText {
    /// `text` without leading and trailing white space or control characters; nil when nothing is left (the
    /// readers' rule, ``InventoryNormalForm/text(_:)``).
    public static func clean<Text: StringProtocol>(_ text: Text?) -> String? {
        InventoryNormalForm.text(text.map { String($0) })
    }

    /// Bytes as text (invalid UTF-8 replaced), cleaned.
    public static func clean(bytes: some Collection<UInt8>) -> String? {
        clean(String(decoding: bytes, as: UTF8.self))
    }

    /// A white-space or control byte, as ``clean(_:)`` trims them.
    @inline(__always)
    static func isBlank(_ byte: UInt8) -> Bool { byte <= 0x20 || byte == 0x7F }

    /// A non-negative decimal integer (surrounding blanks allowed); nil for anything else, or beyond `Int`.
    public static func integer<Text: StringProtocol>(_ text: Text?) -> Int? {
        guard let cleaned = clean(text), cleaned.utf8.count <= 19 else { return nil }
        var value = 0
        for byte in cleaned.utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// `value × factor`, or nil when either is nil or the product overflows.
    public static func multiply(_ value: Int?, by factor: Int) -> Int? {
        guard let value else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: factor)
        return overflow ? nil : product
    }

    /// Splits `bytes` into lines (without their `\n`; a final line without one counts).
    static func lines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).filter { !$0.isEmpty }
    }

    /// `key` and `value` of a `key<separator>value` line, both cleaned; nil without the separator or a key.
    static func pair(_ line: Substring, separator: Character) -> (key: String, value: String?)? {
        guard let index = line.firstIndex(of: separator), let key = clean(line[..<index]) else { return nil }
        return (key, clean(line[line.index(after: index)...]))
    }
}
