/// The scanner's events for part of a document, kept as bytes to be replayed later (decision 0082): element starts
/// with their names, text runs, element ends. Replaying them into a handler gives it exactly the calls the scan
/// gave, without scanning or checking the bytes again, so identical logs read identically.
///
/// Layout: `1`, a 32-bit length and the name for a start; `2`, a 32-bit length and the text for a text run; `3` for
/// an end. Lengths are little-endian. A log is at most a few bytes per element longer than the XML it came from.
public struct XMLEventLog: Sendable, Hashable {
    /// The encoded events.
    public private(set) var bytes: [UInt8] = []

    private static let start: UInt8 = 1
    private static let text: UInt8 = 2
    private static let end: UInt8 = 3

    init() {}

    var isEmpty: Bool { bytes.isEmpty }

    mutating func reserve(_ count: Int) { bytes.reserveCapacity(count) }

    mutating func start(_ name: UnsafeRawBufferPointer) {
        append(Self.start, name)
    }

    mutating func text(_ text: UnsafeRawBufferPointer) {
        append(Self.text, text)
    }

    mutating func end() {
        bytes.append(Self.end)
    }

    private mutating func append(_ kind: UInt8, _ payload: UnsafeRawBufferPointer) {
        let length = UInt32(payload.count)
        bytes.append(kind)
        bytes.append(UInt8(truncatingIfNeeded: length))
        bytes.append(UInt8(truncatingIfNeeded: length >> 8))
        bytes.append(UInt8(truncatingIfNeeded: length >> 16))
        bytes.append(UInt8(truncatingIfNeeded: length >> 24))
        bytes.append(contentsOf: payload)
    }

    /// The name of the element whose start was logged at `offset`.
    func name(at offset: Int) -> String {
        bytes.withUnsafeBytes { raw in
            String(decoding: raw[offset + 5..<offset + 5 + Self.length(raw, at: offset + 1)], as: UTF8.self)
        }
    }

    /// The 32-bit little-endian length written at `index`.
    private static func length(_ raw: UnsafeRawBufferPointer, at index: Int) -> Int {
        Int(raw[index]) | Int(raw[index + 1]) << 8 | Int(raw[index + 2]) << 16 | Int(raw[index + 3]) << 24
    }

    /// Calls `handler` with every logged event, in order.
    func replay<Handler: XMLScanHandler>(into handler: inout Handler) throws(InventoryFormatError) {
        let outcome: Result<Void, InventoryFormatError> = bytes.withUnsafeBytes { raw in
            do throws(InventoryFormatError) {
                try Self.replay(raw, into: &handler)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try outcome.get()
    }

    private static func replay<Handler: XMLScanHandler>(_ raw: UnsafeRawBufferPointer, into handler: inout Handler)
        throws(InventoryFormatError)
    {
        var index = 0
        while index < raw.count {
            let kind = raw[index]
            index += 1
            if kind == end {
                try handler.endElement()
                continue
            }
            // Only this type writes logs: a start or a text run always carries its length and payload.
            let length = length(raw, at: index)
            index += 4
            let payload = UnsafeRawBufferPointer(rebasing: raw[index..<index + length])
            index += length
            if kind == start {
                try handler.startElement(payload)
            } else {
                try handler.characters(payload)
            }
        }
    }
}
