import NIOCore

/// Cuts the server's byte stream into complete responses (RFC 3501 section 4.3, literals), with hard limits.
///
/// Nothing is buffered beyond the limits: a line longer than ``Limits/maximumLineLength`` or a literal announced
/// larger than ``Limits/maximumLiteralSize`` fails as soon as it is seen, before its bytes are read. A literal is
/// copied out of the network buffer as it arrives, so the memory held is the literal plus one read.
struct IMAPResponseFramer {
    struct Limits: Sendable, Hashable {
        /// The longest line (text between literals, or a whole response without literals) accepted.
        var maximumLineLength: Int
        /// The largest literal accepted; the per-message size limit plus headroom.
        var maximumLiteralSize: Int
        /// How many literals one response may hold (an ENVELOPE holds a handful).
        var maximumLiteralsPerResponse: Int = 64
    }

    enum FramingError: Error, Equatable, CustomStringConvertible {
        case lineTooLong(limit: Int)
        case literalTooLarge(size: Int, limit: Int)
        case invalidLiteralLength(String)
        case tooManyLiterals(limit: Int)
        case bareLineFeed
        case nulByte

        var description: String {
            switch self {
            case .lineTooLong(let limit): "a response line is longer than \(limit) bytes"
            case .literalTooLarge(let size, let limit):
                "the server announced a literal of \(size) bytes, more than the limit of \(limit)"
            case .invalidLiteralLength(let text): "the literal length {\(text)} is not a valid number"
            case .tooManyLiterals(let limit): "a response holds more than \(limit) literals"
            case .bareLineFeed: "a response line ends with LF without CR"
            case .nulByte: "a response line contains a NUL byte"
            }
        }
    }

    private enum State {
        case line
        case literal(remaining: Int)
    }

    let limits: Limits
    private var state = State.line
    private var pieces: [IMAPResponseFrame.Piece] = []
    private var literal: [UInt8] = []
    /// Bytes of the current line already scanned without finding its end, so a long line is not rescanned.
    private var scanned = 0

    init(limits: Limits) {
        self.limits = limits
    }

    /// The next complete response, or nil when more bytes are needed. Consumes what it uses from `buffer`.
    mutating func next(from buffer: inout ByteBuffer) throws(FramingError) -> IMAPResponseFrame? {
        while true {
            switch state {
            case .literal(let remaining):
                let count = min(remaining, buffer.readableBytes)
                if count > 0 {
                    literal.append(contentsOf: buffer.readBytes(length: count)!)
                }
                guard count == remaining else {
                    state = .literal(remaining: remaining - count)
                    return nil
                }
                pieces.append(.literal(literal))
                literal = []
                state = .line
            case .line:
                let view = buffer.readableBytesView
                guard let lineFeed = view.dropFirst(scanned).firstIndex(of: UInt8(ascii: "\n")) else {
                    scanned = view.count
                    if scanned > limits.maximumLineLength {
                        throw .lineTooLong(limit: limits.maximumLineLength)
                    }
                    return nil
                }
                scanned = 0
                let length = lineFeed - view.startIndex
                if length > limits.maximumLineLength + 1 {
                    throw .lineTooLong(limit: limits.maximumLineLength)
                }
                guard length > 0, view[lineFeed - 1] == UInt8(ascii: "\r") else {
                    throw .bareLineFeed
                }
                var line = buffer.readBytes(length: length + 1)!
                line.removeLast(2)
                if line.contains(0) {
                    throw .nulByte
                }
                if let (text, size) = try Self.literalMarker(in: line) {
                    guard size <= limits.maximumLiteralSize else {
                        throw .literalTooLarge(size: size, limit: limits.maximumLiteralSize)
                    }
                    pieces.append(.text(text))
                    if pieces.count / 2 >= limits.maximumLiteralsPerResponse {
                        throw .tooManyLiterals(limit: limits.maximumLiteralsPerResponse)
                    }
                    literal.reserveCapacity(size)
                    state = .literal(remaining: size)
                } else {
                    pieces.append(.text(line))
                    let frame = IMAPResponseFrame(pieces: pieces)
                    pieces = []
                    return frame
                }
            }
        }
    }

    /// Whether a response is partly read: the connection closing now truncates it.
    var isInsideResponse: Bool {
        if case .literal = state {
            return true
        }
        return !pieces.isEmpty || scanned > 0
    }

    /// Splits `text{123}` into the text before the marker and the size; nil when the line ends otherwise.
    private static func literalMarker(in line: [UInt8]) throws(FramingError) -> ([UInt8], Int)? {
        guard line.last == UInt8(ascii: "}"), let open = line.lastIndex(of: UInt8(ascii: "{")) else {
            return nil
        }
        let digits = line[(open + 1)..<(line.count - 1)]
        // Text that merely ends in braces (`* OK see {docs}`) is text; digits there always announce a literal.
        guard !digits.isEmpty, digits.allSatisfy({ (0x30...0x39).contains($0) }) else {
            return nil
        }
        guard digits.count <= 10, let size = Int(String(decoding: digits, as: UTF8.self)), size <= UInt32.max else {
            throw .invalidLiteralLength(String(decoding: digits.prefix(20), as: UTF8.self))
        }
        return (Array(line[..<open]), size)
    }
}
