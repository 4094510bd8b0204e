/// Failures detected by ``SMTPClientHandler``; ``SMTPClient`` turns them into ``SMTPError`` with session context.
enum SMTPTransportError: Error {
    case timedOut
    case connectionClosed
    case malformedReply(SMTPReplyDecoder.DecodingError)
    /// A second reply arrived before the client asked for one.
    case unsolicitedReply(SMTPReply)
    /// Bytes followed the 220 to STARTTLS in clear text: a man-in-the-middle injection attempt (CVE-2011-0411 class)
    /// or a broken server; either way those bytes must not be read as if they came over TLS.
    case plaintextAfterStartTLS
    /// The client asked for a reply while another request was pending: a bug in the client.
    case requestWhileBusy
}
