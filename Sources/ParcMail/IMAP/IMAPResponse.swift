/// A server response, parsed (RFC 3501 section 7). Responses the client has no use for are kept as ``other``
/// and ignored, as the RFC requires of clients.
enum IMAPResponse: Sendable, Equatable {
    /// `+ text`: the server waits for the rest of a command.
    case continuation(String)
    /// `tag OK|NO|BAD [code] text`: the end of a command.
    case tagged(tag: String, IMAPStatusResponse)
    /// `* OK|NO|BAD|PREAUTH|BYE [code] text`.
    case status(IMAPStatusResponse)
    /// `* CAPABILITY …`.
    case capability([String])
    /// `* n EXISTS`.
    case exists(Int)
    /// `* n EXPUNGE`.
    case expunge(Int)
    /// `* SEARCH n…`.
    case search([UInt32])
    /// `* n FETCH (…)`.
    case fetch(sequence: Int, IMAPFetchAttributes)
    /// Any other untagged response (FLAGS, RECENT, LIST, ID, ENABLED, …), by name.
    case other(String)
}

/// The condition, optional response code and text of a status response.
struct IMAPStatusResponse: Sendable, Equatable, CustomStringConvertible {
    enum Condition: String, Sendable {
        case ok = "OK"
        case no = "NO"
        case bad = "BAD"
        case preauth = "PREAUTH"
        case bye = "BYE"
    }

    var condition: Condition
    /// The response code's atom in upper case (`UIDVALIDITY`, `ALERT`, `TRYCREATE`, …), if any.
    var code: String?
    /// What follows the code's atom inside the brackets.
    var codeArguments: String
    var text: String

    var description: String {
        let codeText = code.map { "[\($0)\(codeArguments.isEmpty ? "" : " " + codeArguments)] " } ?? ""
        return "\(condition.rawValue) \(codeText)\(text)"
    }

    /// The number argument of a code such as `[UIDVALIDITY 3857529045]`.
    func number(ofCode name: String) -> UInt32? {
        code == name ? UInt32(codeArguments) : nil
    }
}

/// The attributes of one FETCH response that the client uses.
struct IMAPFetchAttributes: Sendable, Equatable {
    var uid: UInt32?
    var size: Int?
    var flags: [String]?
    /// `BODY[]`: the whole message. Nil when the server sent NIL or did not send it.
    var body: [UInt8]?
}
