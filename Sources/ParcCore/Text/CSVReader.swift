/// Reads CSV as spreadsheets write it (RFC 4180): fields separated by `,` — or `;` as French Excel writes them, or a
/// tab —, found from the header line; fields quoted with `"` when they hold a delimiter, a quote (doubled) or a line
/// break; records ended by CRLF, LF or CR. A byte order mark is skipped, and text that is not UTF-8 is read as
/// Windows-1252 or, after its byte order mark, UTF-16.
///
/// Strict where a lenient reader would guess: a quote inside an unquoted field, text after a closing quote and a
/// quote never closed are errors naming the line, because a guess there shifts every later column. Every size is
/// bounded by ``CSVReadLimits``.
public struct CSVReader: Sendable {
    /// The limits the input must keep.
    public let limits: CSVReadLimits

    /// A reader with these limits.
    public init(limits: CSVReadLimits = .imports) {
        self.limits = limits
    }

    /// The delimiters a file may use, in the order a tie is settled.
    static let delimiters: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")]

    static let quote = UInt8(ascii: "\"")
    static let lineFeed = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")

    /// The records of `bytes`.
    public func read(_ bytes: some Collection<UInt8>) throws(CSVReadError) -> CSVTable {
        guard bytes.count <= limits.maximumBytes else { throw .tooLarge(limit: limits.maximumBytes) }
        guard let (text, encoding) = CSVTextEncoding.decode(ArraySlice(bytes)) else { throw .undecodable }
        let utf8 = Array(text.utf8)
        guard !utf8.contains(0) else { throw .binary }
        guard utf8.contains(where: { $0 != Self.lineFeed && $0 != Self.carriageReturn }) else { throw .empty }
        let delimiter = Self.sniffDelimiter(utf8)
        var parser = Parser(bytes: utf8, delimiter: delimiter, limits: limits)
        let records = try parser.records()
        return CSVTable(records: records, delimiter: Character(Unicode.Scalar(delimiter)), encoding: encoding)
    }

    /// The delimiter the first record uses most, outside quotes; `,` when it uses none.
    static func sniffDelimiter(_ bytes: [UInt8]) -> UInt8 {
        var counts = [Int](repeating: 0, count: delimiters.count)
        var quoted = false
        for byte in bytes {
            if byte == quote {
                quoted.toggle()
            } else if !quoted, byte == lineFeed || byte == carriageReturn {
                break
            } else if !quoted, let index = delimiters.firstIndex(of: byte) {
                counts[index] += 1
            }
        }
        var best = 0
        for index in counts.indices where counts[index] > counts[best] { best = index }
        return delimiters[best]
    }

    /// One pass over the bytes.
    private struct Parser {
        let bytes: [UInt8]
        let delimiter: UInt8
        let limits: CSVReadLimits
        var index = 0
        var line = 1

        init(bytes: [UInt8], delimiter: UInt8, limits: CSVReadLimits) {
            self.bytes = bytes
            self.delimiter = delimiter
            self.limits = limits
        }

        mutating func records() throws(CSVReadError) -> [CSVRecord] {
            var records: [CSVRecord] = []
            while index < bytes.count {
                let start = line
                let fields = try record()
                guard records.count < limits.maximumRecords else { throw .tooManyRecords(limit: limits.maximumRecords) }
                records.append(CSVRecord(number: records.count + 1, line: start, fields: fields))
            }
            return records
        }

        /// The fields up to the end of the record, the line end consumed.
        private mutating func record() throws(CSVReadError) -> [String] {
            var fields: [String] = []
            while true {
                let field = index < bytes.count && bytes[index] == CSVReader.quote ? try quotedField() : try plainField()
                guard fields.count < limits.maximumFields else {
                    throw .tooManyFields(line: line, limit: limits.maximumFields)
                }
                fields.append(field)
                guard index < bytes.count else { return fields }
                let byte = bytes[index]
                index += 1
                if byte == delimiter { continue }
                // A line end: CRLF, LF or a lone CR.
                if byte == CSVReader.carriageReturn, index < bytes.count, bytes[index] == CSVReader.lineFeed { index += 1 }
                line += 1
                return fields
            }
        }

        /// An unquoted field: up to the delimiter, a line end or the end.
        private mutating func plainField() throws(CSVReadError) -> String {
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == delimiter || byte == CSVReader.lineFeed || byte == CSVReader.carriageReturn { break }
                if byte == CSVReader.quote { throw .quoteInUnquotedField(line: line) }
                index += 1
                if index - start > limits.maximumFieldBytes {
                    throw .fieldTooLong(line: line, limit: limits.maximumFieldBytes)
                }
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        /// A quoted field, the opening quote at `index`: doubled quotes are one, line breaks are kept.
        private mutating func quotedField() throws(CSVReadError) -> String {
            let opening = line
            index += 1
            var field: [UInt8] = []
            while true {
                guard index < bytes.count else { throw .unterminatedQuote(line: opening) }
                let byte = bytes[index]
                index += 1
                if byte == CSVReader.quote {
                    if index < bytes.count, bytes[index] == CSVReader.quote {
                        index += 1
                    } else {
                        break
                    }
                } else if byte == CSVReader.lineFeed
                    || (byte == CSVReader.carriageReturn && (index >= bytes.count || bytes[index] != CSVReader.lineFeed))
                {
                    line += 1
                }
                field.append(byte)
                if field.count > limits.maximumFieldBytes {
                    throw .fieldTooLong(line: opening, limit: limits.maximumFieldBytes)
                }
            }
            if index < bytes.count {
                let next = bytes[index]
                guard next == delimiter || next == CSVReader.lineFeed || next == CSVReader.carriageReturn else {
                    throw .textAfterClosingQuote(line: line)
                }
            }
            return String(decoding: field, as: UTF8.self)
        }
    }
}
