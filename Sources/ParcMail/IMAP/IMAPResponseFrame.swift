/// One complete server response as it came off the wire: its text, cut where literals were, and the literals.
///
/// `* 3 FETCH (UID 7 BODY[] {5}\r\nhello)\r\n` is the pieces `.text("* 3 FETCH (UID 7 BODY[] ")`, `.literal("hello")`
/// and `.text(")")`. The `{n}` markers and the final CRLF are gone.
struct IMAPResponseFrame: Sendable, Equatable {
    enum Piece: Sendable, Equatable {
        case text([UInt8])
        case literal([UInt8])
    }

    var pieces: [Piece]

    /// The response with literals shown as `{n}`, for error messages; never the literal content.
    var summary: String {
        var result = ""
        for piece in pieces {
            switch piece {
            case .text(let bytes):
                result += String(decoding: bytes.prefix(200), as: UTF8.self)
            case .literal(let bytes):
                result += "{\(bytes.count)}"
            }
        }
        return result.count > 200 ? String(result.prefix(200)) + "…" : result
    }
}
