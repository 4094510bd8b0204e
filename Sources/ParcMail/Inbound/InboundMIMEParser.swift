/// Builds the MIME tree of a message (RFC 2045, RFC 2046) from its bytes, undoing transfer encodings.
///
/// Multipart bodies are split in one pass over their lines; a delimiter is `--boundary` at the start of a line,
/// optionally followed by `--` (the close delimiter) and whitespace, so a boundary that is a prefix of a longer one
/// never matches inside it. Tolerated: LF line endings, preamble and epilogue, a missing close delimiter (the last
/// part runs to the end), a multipart whose boundary is missing or never occurs (read as one text part). Limits on
/// part count and nesting are checked before a part is parsed, so the recursion is bounded by
/// ``InboundMailLimits/maximumNestingDepth``.
struct InboundMIMEParser {
    let limits: InboundMailLimits
    private(set) var notes: [InboundParseNote] = []
    private var partCount = 0

    init(limits: InboundMailLimits) {
        self.limits = limits
    }

    /// The entity whose header is `headers` and whose body is `bytes[body]`.
    mutating func parseEntity(
        _ bytes: [UInt8],
        headers: InboundHeaderFields,
        body: Range<Int>,
        number: String,
        depth: Int,
        defaultType: MIMEContentType
    ) throws(InboundMailError) -> InboundMIMEPart {
        partCount += 1
        if partCount > limits.maximumParts {
            throw .tooManyParts(limit: limits.maximumParts)
        }
        var contentType = defaultType
        if let value = headers["Content-Type"] {
            if let parsed = MIMEContentType(parsing: value) {
                contentType = parsed
            } else {
                notes.append(.invalidContentType(part: number, value: String(value.prefix(200))))
                contentType = .defaultText
            }
        }
        let disposition = headers["Content-Disposition"].map(MIMEContentDisposition.init(parsing:))
        let encoding = Self.transferEncoding(headers["Content-Transfer-Encoding"])

        func leaf(_ type: MIMEContentType) -> InboundMIMEPart {
            InboundMIMEPart(
                number: number, headers: headers, contentType: type, disposition: disposition,
                transferEncoding: encoding, content: decode(bytes[body], encoding: encoding, part: number),
                children: [])
        }

        guard contentType.isMultipart else {
            return leaf(contentType)
        }
        if depth + 1 > limits.maximumNestingDepth {
            throw .nestingTooDeep(part: number.isEmpty ? "(the message)" : number, limit: limits.maximumNestingDepth)
        }
        guard let boundary = contentType.boundary, !boundary.isEmpty else {
            notes.append(.missingBoundary(part: number))
            return leaf(Self.plainText(from: contentType))
        }
        let split = Self.split(bytes, body: body, boundary: Array(("--" + boundary).utf8))
        guard let parts = split else {
            notes.append(.boundaryNotFound(part: number))
            return leaf(Self.plainText(from: contentType))
        }
        if !parts.closed {
            notes.append(.missingFinalBoundary(part: number))
        }
        let childDefault = contentType.subtype == "digest" ? MIMEContentType.message : MIMEContentType.defaultText
        var children: [InboundMIMEPart] = []
        for (index, range) in parts.ranges.enumerated() {
            let childNumber = number.isEmpty ? "\(index + 1)" : "\(number).\(index + 1)"
            let block = try InboundHeaderBlockParser(limits: limits).parse(
                bytes, in: range, part: childNumber, notes: &notes)
            children.append(
                try parseEntity(
                    bytes, headers: InboundHeaderFields(block.fields), body: block.bodyStart..<range.upperBound,
                    number: childNumber, depth: depth + 1, defaultType: childDefault))
        }
        return InboundMIMEPart(
            number: number, headers: headers, contentType: contentType, disposition: disposition,
            transferEncoding: encoding, content: [], children: children)
    }

    /// The lowercased encoding token, without comments or quotes; `7bit` when absent.
    private static func transferEncoding(_ value: String?) -> String {
        guard let value else {
            return "7bit"
        }
        var scanner = HeaderValueScanner(value)
        scanner.skipWhitespaceAndComments()
        if scanner.current == "\"" {
            return scanner.readQuotedString().trimmed().asciiLowercased
        }
        let token = scanner.read(while: HeaderValueScanner.isTokenCharacter).asciiLowercased
        return token.isEmpty ? "7bit" : token
    }

    private mutating func decode(_ content: ArraySlice<UInt8>, encoding: String, part: String) -> [UInt8] {
        switch encoding {
        case "base64":
            let result = TransferDecoding.base64(content)
            if result.isMalformed {
                notes.append(.malformedBase64(part: part))
            }
            return result.bytes
        case "quoted-printable":
            let result = TransferDecoding.quotedPrintable(content)
            if result.isMalformed {
                notes.append(.malformedQuotedPrintable(part: part))
            }
            return result.bytes
        case "7bit", "8bit", "binary":
            return Array(content)
        default:
            notes.append(.unknownTransferEncoding(part: part, value: String(encoding.prefix(100))))
            return Array(content)
        }
    }

    /// A multipart that cannot be split is shown as text in the charset it declared, if any.
    private static func plainText(from type: MIMEContentType) -> MIMEContentType {
        MIMEContentType(type: "text", subtype: "plain", parameters: type.charset.map { ["charset": $0] } ?? [:])
    }

    struct Split {
        var ranges: [Range<Int>]
        var closed: Bool
    }

    /// The body ranges of the parts between delimiter lines, or nil when no delimiter occurs. The line break
    /// before a delimiter belongs to the delimiter (RFC 2046 section 5.1.1).
    static func split(_ bytes: [UInt8], body: Range<Int>, boundary: [UInt8]) -> Split? {
        var ranges: [Range<Int>] = []
        var partStart: Int?
        var lineStart = body.lowerBound
        let end = body.upperBound
        while lineStart < end {
            var lineEnd = lineStart
            while lineEnd < end && bytes[lineEnd] != 0x0A {
                lineEnd += 1
            }
            let next = lineEnd < end ? lineEnd + 1 : end
            if let isClose = delimiter(bytes, at: lineStart, lineEnd: lineEnd, boundary: boundary) {
                if let start = partStart {
                    var partEnd = lineStart
                    if partEnd > start && bytes[partEnd - 1] == 0x0A {
                        partEnd -= 1
                        if partEnd > start && bytes[partEnd - 1] == 0x0D {
                            partEnd -= 1
                        }
                    }
                    ranges.append(start..<max(start, partEnd))
                }
                if isClose {
                    return Split(ranges: ranges, closed: true)
                }
                partStart = next
            }
            lineStart = next
        }
        guard let start = partStart else {
            return nil
        }
        ranges.append(start..<end)
        return Split(ranges: ranges, closed: false)
    }

    /// Whether the line at `start` is a delimiter: nil when not, true for the close delimiter.
    private static func delimiter(_ bytes: [UInt8], at start: Int, lineEnd: Int, boundary: [UInt8]) -> Bool? {
        guard lineEnd - start >= boundary.count else {
            return nil
        }
        for offset in 0..<boundary.count where bytes[start + offset] != boundary[offset] {
            return nil
        }
        var index = start + boundary.count
        var isClose = false
        if index + 2 <= lineEnd, bytes[index] == UInt8(ascii: "-"), bytes[index + 1] == UInt8(ascii: "-") {
            isClose = true
            index += 2
        }
        while index < lineEnd {
            let byte = bytes[index]
            guard byte == 0x20 || byte == 0x09 || byte == 0x0D else {
                return nil
            }
            index += 1
        }
        return isClose
    }
}
