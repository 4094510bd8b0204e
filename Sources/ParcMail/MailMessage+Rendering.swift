extension MailMessage {
    /// The message as SMTP `DATA` content: CRLF line endings, 7-bit, not yet dot-stuffed.
    ///
    /// Throws a ``MailMessageError`` naming the bad value when an address, header or Message-ID is invalid.
    public func render() throws(MailMessageError) -> [UInt8] {
        try MailMessageRenderer().render(self)
    }
}
