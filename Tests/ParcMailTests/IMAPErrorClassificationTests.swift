import NIOCore
import NIOSSL
import Testing

@testable import ParcMail

@Suite("IMAP transport errors: what broke, and whether trying again can help")
struct IMAPErrorClassificationTests {
    static let configuration = IMAPConfiguration(
        host: "imap.example.org", security: .tls,
        credentials: SMTPConfiguration.Credentials(username: "parc", password: "secret"))

    @Test("a TLS error once the session works is the connection breaking, and transient")
    func tlsErrorMidSession() {
        for error in [BoringSSLError.unknownError([]), BoringSSLError.sslError([])] as [any Error] {
            for phrase in ["listing new messages", "selecting INBOX", "fetching message 7", "logging in"] {
                let classified = IMAPError.transport(error, while: phrase, configuration: Self.configuration)
                #expect(classified.kind == .connectionClosed && classified.isTransient, "\(phrase)")
                #expect(classified.message.contains("broke while \(phrase)"))
            }
        }
    }

    @Test("a TLS error while connecting or during the handshake is TLS's own: not transient, with the hints")
    func tlsErrorBeforeSession() {
        for phrase in ["connecting", "during STARTTLS and the TLS handshake", "asking for capabilities",
                       "waiting for the greeting (after the TLS handshake)"] {
            let classified = IMAPError.transport(BoringSSLError.unknownError([]), while: phrase,
                                                 configuration: Self.configuration)
            #expect(classified.kind == .tlsFailed && !classified.isTransient, "\(phrase)")
            #expect(classified.message.contains("trusted CA file"))
        }
        let refused = IMAPError.transport(NIOSSLError.handshakeFailed(.sslError([])), while: "listing new messages",
                                          configuration: Self.configuration)
        #expect(refused.kind == .tlsFailed && !refused.isTransient, "a refused certificate is never transient")
        let cut = IMAPError.transport(NIOSSLError.uncleanShutdown, while: "listing new messages",
                                      configuration: Self.configuration)
        #expect(cut.kind == .connectionClosed && cut.isTransient)
        let closed = IMAPError.transport(ChannelError.eof, while: "listing new messages",
                                         configuration: Self.configuration)
        #expect(closed.kind == .connectionClosed && closed.isTransient)
    }
}
