/// What SELECT says about a mailbox.
public struct IMAPMailboxStatus: Sendable, Hashable {
    /// The mailbox's UIDVALIDITY: when it changes, every UID the client remembers is void (RFC 3501 2.3.1.1).
    public var uidValidity: UInt32
    /// The UID the next message will get, when the server says (it must, but some omit it).
    public var uidNext: UInt32?
    /// How many messages the mailbox holds.
    public var messageCount: Int
}

/// A message's UID and size, as listed before fetching.
public struct IMAPMessageSize: Sendable, Hashable {
    public var uid: UInt32
    /// RFC822.SIZE: the message's size in bytes as the server would send it.
    public var size: Int
}
