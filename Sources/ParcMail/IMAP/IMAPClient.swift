import NIOCore
import NIOPosix

/// Reads mail from an IMAP4rev1 server (RFC 3501): the collector's side of mail-to-ticket.
///
/// ``connect()`` opens a session that is already secured (implicit TLS or STARTTLS) and logged in; the session
/// selects a mailbox, lists new messages by UID, checks their size, fetches them without setting \Seen, then
/// marks or moves each one. Every step has a timeout; every failure is an ``IMAPError`` that says whether a retry
/// can help.
public struct IMAPClient: Sendable {
    /// Where and how to connect.
    public let configuration: IMAPConfiguration
    private let eventLoopGroup: any EventLoopGroup

    /// Creates a client; it holds no connection until ``connect()``.
    public init(
        configuration: IMAPConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
    }

    /// Connects, secures the connection as configured, and logs in.
    public func connect() async throws(IMAPError) -> IMAPSession {
        if let problem = configuration.problem() {
            throw IMAPError(kind: .invalidConfiguration, isTransient: false, message: problem)
        }
        let tls: MailTLSClientContext?
        do {
            tls = configuration.security == .none
                ? nil : try MailTLSClientContext(options: configuration.tls, host: configuration.host)
        } catch {
            throw IMAPError(
                kind: .invalidConfiguration,
                isTransient: false,
                message: error.message,
                underlyingError: error.underlyingError
            )
        }
        let session = try await IMAPSession.open(configuration: configuration, tls: tls, group: eventLoopGroup)
        do {
            try await session.secureAndLogIn()
            return session
        } catch {
            await session.close()
            throw error
        }
    }

    /// Connects, logs in, selects `mailbox` and logs out: the settings page's "test connection".
    public func check(mailbox: String) async throws(IMAPError) -> IMAPMailboxStatus {
        let session = try await connect()
        do {
            let status = try await session.select(mailbox)
            await session.logout()
            return status
        } catch {
            await session.close()
            throw error
        }
    }
}
