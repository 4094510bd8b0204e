import NIOCore
import NIOPosix

/// Delivers messages to an SMTP relay (RFC 5321), one connection per message.
///
/// Each ``send(_:)`` connects, reads the greeting, says EHLO (HELO for old servers), upgrades with STARTTLS when
/// configured (failing, without sending anything, if the server does not offer it), authenticates with AUTH PLAIN
/// or LOGIN, sends the envelope and the dot-stuffed data, and quits. Failures are ``SMTPError`` values that say
/// whether a retry can help.
public struct SMTPClient: Sendable {
    /// Where and how to deliver.
    public let configuration: SMTPConfiguration
    private let eventLoopGroup: any EventLoopGroup

    /// Creates a client; it holds no connection until ``send(_:)``.
    public init(
        configuration: SMTPConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
    }

    /// Renders and delivers `message` to its To, Cc and Bcc recipients.
    ///
    /// Returns when the server has accepted the message for at least one recipient; recipients it refused are in
    /// the result. Throws when nothing was delivered.
    @discardableResult
    public func send(_ message: MailMessage) async throws(SMTPError) -> SMTPSendResult {
        let data: [UInt8]
        do {
            data = try message.render()
        } catch {
            throw SMTPError(
                kind: .invalidMessage,
                isTransient: false,
                message: "the message cannot be sent: \(error)",
                messageError: error
            )
        }
        return try await send(rendered: data, from: message.from, to: message.envelopeRecipients)
    }

    /// Delivers already rendered message bytes (e.g. as stored by a queue) with the given envelope.
    ///
    /// `data` is sent as it is apart from line-ending normalization and dot-stuffing; the addresses are validated.
    @discardableResult
    public func send(rendered data: [UInt8], from sender: MailAddress, to recipients: [MailAddress])
        async throws(SMTPError) -> SMTPSendResult
    {
        if let problem = configuration.problem() {
            throw SMTPError(kind: .invalidConfiguration, isTransient: false, message: problem)
        }
        do throws(MailMessageError) {
            try sender.validate()
            for recipient in recipients {
                try recipient.validate()
            }
            if recipients.isEmpty {
                throw MailMessageError.noRecipients
            }
        } catch {
            throw SMTPError(
                kind: .invalidMessage,
                isTransient: false,
                message: "the message cannot be sent: \(error)",
                messageError: error
            )
        }
        let tls = configuration.security == .none ? nil : try SMTPTLSContext(configuration: configuration)
        let session = SMTPSession(configuration: configuration, eventLoopGroup: eventLoopGroup, tls: tls)
        return try await session.deliver(data, from: sender, to: recipients)
    }
}
