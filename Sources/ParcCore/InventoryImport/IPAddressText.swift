/// The grammar of IP addresses as text, shared by ``IPAddress`` and ``IPAddressRange``. Works on ASCII bytes after
/// a first pass has refused any other character.
enum IPAddressText {
    static let dot = UInt8(ascii: ".")
    static let colon = UInt8(ascii: ":")
    static let percent = UInt8(ascii: "%")

    /// `text` without surrounding white space, as bytes; throws when nothing is left or more than `limit` bytes.
    static func trimmedBytes(_ text: String, limit: Int) throws(IPAddressError) -> ArraySlice<UInt8> {
        // A huge text is refused before anything walks it.
        let count = text.utf8.count
        guard count <= limit * 4 else { throw .tooLong(length: count, limit: limit) }
        var bytes = Array(text.utf8)[...]
        while let first = bytes.first, isSpace(first) { bytes = bytes.dropFirst() }
        while let last = bytes.last, isSpace(last) { bytes = bytes.dropLast() }
        guard !bytes.isEmpty else { throw .empty }
        guard bytes.count <= limit else { throw .tooLong(length: bytes.count, limit: limit) }
        return bytes
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
            || byte == UInt8(ascii: "\r")
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    static func isZoneByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || byte == dot
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    /// The address in `bytes`, else an error quoting `bytes`.
    static func address(_ bytes: ArraySlice<UInt8>, allowZone: Bool = true) throws(IPAddressError) -> IPAddress {
        let text = String(decoding: bytes, as: UTF8.self)
        do throws(IPAddressError.Problem) {
            guard !bytes.isEmpty else { throw .missingAddress }
            try checkCharacters(bytes, text: text, allowZone: allowZone)
            if bytes.contains(colon) {
                let (high, low) = try ipv6(bytes)
                return IPAddress(family: .ipv6, high: high, low: low)
            }
            return IPAddress(ipv4: try ipv4(bytes))
        } catch {
            throw .invalidAddress(text, problem: error)
        }
    }

    /// Refuses the first character no address holds (anything past a `%` is the zone, checked later).
    static func checkCharacters(
        _ bytes: ArraySlice<UInt8>, text: String, allowZone: Bool
    ) throws(IPAddressError.Problem) {
        for byte in bytes {
            if byte == percent {
                guard allowZone else { throw .zoneInRange }
                return
            }
            guard ASCIIHex.value(byte) != nil || byte == dot || byte == colon else {
                // Name the character as the user typed it, multi-byte ones included.
                let character =
                    text.first { character in
                        character.unicodeScalars.contains { scalar in
                            !scalar.isASCII
                                || (ASCIIHex.value(UInt8(scalar.value)) == nil && scalar != "." && scalar != ":")
                        }
                    } ?? "?"
                throw .unexpectedCharacter(character)
            }
        }
    }

    /// A dotted quad.
    static func ipv4(_ bytes: ArraySlice<UInt8>) throws(IPAddressError.Problem) -> UInt32 {
        let parts = bytes.split(separator: dot, omittingEmptySubsequences: false)
        guard parts.count == 4 else { throw .ipv4PartCount(parts.count) }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty else { throw .ipv4EmptyPart }
            let text = String(decoding: part, as: UTF8.self)
            guard part.allSatisfy(isDigit) else {
                throw .unexpectedCharacter(text.first { !$0.isASCII || !$0.isNumber } ?? "?")
            }
            guard part.count <= 3 else { throw .ipv4PartOutOfRange(text) }
            guard part.count == 1 || part.first != UInt8(ascii: "0") else { throw .ipv4LeadingZero(text) }
            let number = part.reduce(UInt32(0)) { $0 * 10 + UInt32($1 - UInt8(ascii: "0")) }
            guard number <= 255 else { throw .ipv4PartOutOfRange(text) }
            value = value << 8 | number
        }
        return value
    }

    /// Groups of hexadecimal digits, with at most one `::`, an optional dotted tail and an optional `%zone`.
    static func ipv6(_ bytes: ArraySlice<UInt8>) throws(IPAddressError.Problem) -> (UInt64, UInt64) {
        var body = bytes
        if let at = body.firstIndex(of: percent) {
            let zone = body[(at + 1)...]
            guard (1...32).contains(zone.count), zone.allSatisfy(isZoneByte) else { throw .invalidZone }
            body = body[..<at]
        }
        var doubleColon: Int? = nil
        var index = body.startIndex
        while index + 1 < body.endIndex {
            if body[index] == colon, body[index + 1] == colon {
                guard doubleColon == nil else { throw .ipv6MultipleDoubleColons }
                if index + 2 < body.endIndex, body[index + 2] == colon { throw .ipv6EmptyGroup }
                doubleColon = index
                index += 2
            } else {
                index += 1
            }
        }
        let head: [UInt16]
        var tail: [UInt16] = []
        if let doubleColon {
            head = try groups(body[..<doubleColon], endsAddress: false)
            tail = try groups(body[(doubleColon + 2)...], endsAddress: true)
            guard head.count + tail.count <= 7 else { throw .ipv6GroupCount(head.count + tail.count) }
        } else {
            head = try groups(body, endsAddress: true)
            guard head.count == 8 else { throw .ipv6GroupCount(head.count) }
        }
        let all = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        let high = all[0..<4].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        let low = all[4..<8].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        return (high, low)
    }

    /// The 16-bit groups of one side of `::` (or of the whole address); a dotted tail counts as two groups.
    static func groups(_ part: ArraySlice<UInt8>, endsAddress: Bool) throws(IPAddressError.Problem) -> [UInt16] {
        guard !part.isEmpty else { return [] }
        let pieces = part.split(separator: colon, omittingEmptySubsequences: false)
        var groups: [UInt16] = []
        for (position, piece) in pieces.enumerated() {
            guard !piece.isEmpty else { throw .ipv6EmptyGroup }
            if piece.contains(dot) {
                guard endsAddress, position == pieces.count - 1 else { throw .ipv6MisplacedIPv4 }
                let ipv4 = try ipv4(piece)
                groups.append(UInt16(truncatingIfNeeded: ipv4 >> 16))
                groups.append(UInt16(truncatingIfNeeded: ipv4))
                continue
            }
            guard piece.count <= 4 else { throw .ipv6GroupTooLong(String(decoding: piece, as: UTF8.self)) }
            groups.append(piece.reduce(UInt16(0)) { $0 << 4 | UInt16(ASCIIHex.value($1) ?? 0) })
            guard groups.count <= 9 else { throw .ipv6GroupCount(groups.count) }
        }
        return groups
    }
}
