import Foundation
import ParcCore

/// The reply to a PROLOG, byte for byte as FusionInventory and OCS agents accept it (PROTOCOL.md):
///
/// ```xml
/// <?xml version="1.0" encoding="UTF-8"?>
/// <REPLY><PROLOG_FREQ>24</PROLOG_FREQ><RESPONSE>SEND</RESPONSE></REPLY>
/// ```
///
/// `SEND` makes the agent post its inventory next; any other response (`STOP`) ends the run after the PROLOG.
/// `PROLOG_FREQ` is the longest time, in hours, before the agent's next contact.
public struct PrologReply: Hashable, Sendable {
    /// What the server asks the agent to do.
    public enum Response: Hashable, Sendable {
        /// Send the inventory now: `SEND`.
        case send
        /// Send nothing this time: `STOP`.
        case stop

        /// The word in `<RESPONSE>`.
        public var word: String {
            switch self {
            case .send: "SEND"
            case .stop: "STOP"
            }
        }
    }

    /// What the server asks.
    public var response: Response
    /// Hours before the agent's next contact at the latest; nil leaves the agent's own setting.
    public var prologFrequencyHours: Int?

    /// A reply; a frequency below one hour is left out (the agents would read 0 as "contact me constantly").
    public init(response: Response, prologFrequencyHours: Int? = 24) {
        self.response = response
        self.prologFrequencyHours = prologFrequencyHours.flatMap { $0 > 0 ? $0 : nil }
    }

    /// The reply body, uncompressed.
    public var xml: Data {
        var body = "<REPLY>"
        if let hours = prologFrequencyHours { body += "<PROLOG_FREQ>\(hours)</PROLOG_FREQ>" }
        body += "<RESPONSE>\(response.word)</RESPONSE></REPLY>"
        return AgentXMLReply.document(body)
    }
}

/// The reply to an inventory, byte for byte as the agents accept it (PROTOCOL.md). FusionInventory only needs a
/// `<REPLY>`; the OCS agent stores an `ACCOUNT_UPDATE`'s tag as its own.
public enum InventoryXMLReply: Hashable, Sendable {
    /// `<REPLY><RESPONSE>no_account_update</RESPONSE></REPLY>`: what servers conventionally answer.
    case noAccountUpdate
    /// `<RESPONSE>ACCOUNT_UPDATE</RESPONSE>` with `<ACCOUNTINFO>` setting the agent's TAG.
    case accountUpdate(tag: String)

    /// The reply body, uncompressed.
    public var xml: Data {
        switch self {
        case .noAccountUpdate:
            AgentXMLReply.document("<REPLY><RESPONSE>no_account_update</RESPONSE></REPLY>")
        case .accountUpdate(let tag):
            AgentXMLReply.document(
                "<REPLY><RESPONSE>ACCOUNT_UPDATE</RESPONSE><ACCOUNTINFO><KEYNAME>TAG</KEYNAME><KEYVALUE>"
                    + XMLText.escape(tag) + "</KEYVALUE></ACCOUNTINFO></REPLY>")
        }
    }
}

enum AgentXMLReply {
    /// The XML declaration, a new line, the body, a new line.
    static func document(_ body: String) -> Data {
        Data(("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + body + "\n").utf8)
    }
}
