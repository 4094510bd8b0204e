import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// One delivery: connect, greet, secure, authenticate, send one message, quit.
struct SMTPSession {
    let configuration: SMTPConfiguration
    let eventLoopGroup: any EventLoopGroup
    let tls: SMTPTLSContext?

    private var server: String {
        "\(configuration.host):\(configuration.port)"
    }

    private var commandTimeout: TimeAmount {
        TimeAmount(configuration.commandTimeout)
    }

    func deliver(_ data: [UInt8], from sender: MailAddress, to recipients: [MailAddress]) async throws(SMTPError)
        -> SMTPSendResult
    {
        let (connection, greeting) = try await connect()
        do {
            let result = try await converse(
                connection,
                greeting: greeting,
                data: data,
                sender: sender,
                recipients: recipients
            )
            await connection.quit(timeout: commandTimeout)
            return result
        } catch {
            await connection.quit(timeout: commandTimeout)
            throw error
        }
    }

    private func connect() async throws(SMTPError) -> (SMTPConnection, EventLoopFuture<SMTPReply>) {
        let implicitTLS = configuration.security == .tls ? tls : nil
        let greetingTimeout = commandTimeout
        do {
            let (channel, greeting) = try await MailChannelConnector.connect(
                group: eventLoopGroup,
                host: configuration.host,
                port: configuration.port,
                connectTimeout: configuration.connectTimeout,
                implicitTLS: implicitTLS
            ) { (promise: EventLoopPromise<SMTPReply>) in
                SMTPClientHandler(greetingPromise: promise, greetingTimeout: greetingTimeout)
            }
            return (SMTPConnection(channel: channel), greeting)
        } catch {
            throw .transport(error, stage: .connecting, configuration: configuration)
        }
    }

    private func converse(
        _ connection: SMTPConnection,
        greeting: EventLoopFuture<SMTPReply>,
        data: [UInt8],
        sender: MailAddress,
        recipients: [MailAddress]
    ) async throws(SMTPError) -> SMTPSendResult {
        let greetingReply = try await step(.greeting) { try await greeting.get() }
        guard greetingReply.code == 220 else {
            throw .unexpected(
                greetingReply,
                kind: .serverRefused,
                message: "\(server) refused the session in its greeting (\(greetingReply)); look at the SMTP "
                    + "server's log or ask its administrator whether this machine may send through it"
            )
        }

        var capabilities = try await hello(connection)
        if configuration.security == .startTLS {
            capabilities = try await startTLS(connection, capabilities: capabilities)
        }
        if let credentials = configuration.credentials {
            try await authenticate(connection, credentials: credentials, capabilities: capabilities)
        }
        if let limit = capabilities.maximumMessageSize, data.count > limit {
            throw SMTPError(
                kind: .messageTooLarge,
                isTransient: false,
                message: "the message is \(data.count) bytes but \(server) accepts at most \(limit); "
                    + "send large files as links instead of attachments"
            )
        }

        let sizeParameter = capabilities.maximumMessageSize == nil ? "" : " SIZE=\(data.count)"
        let mailReply = try await command(connection, "MAIL FROM:<\(sender.address)>\(sizeParameter)", .mailFrom)
        guard mailReply.isPositiveCompletion else {
            throw .unexpected(
                mailReply,
                kind: .senderRejected,
                message: "\(server) refused the sender \(sender.address) (\(mailReply)); check that this server "
                    + "lets the configured account send as that address"
            )
        }

        var accepted: [MailAddress] = []
        var rejected: [SMTPRecipientRejection] = []
        for recipient in recipients {
            let reply = try await command(connection, "RCPT TO:<\(recipient.address)>", .recipients)
            if reply.isPositiveCompletion {
                accepted.append(recipient)
            } else {
                rejected.append(SMTPRecipientRejection(recipient: recipient, reply: reply))
            }
        }
        guard !accepted.isEmpty else {
            let list = rejected.map(\.description).joined(separator: ", ")
            throw SMTPError(
                kind: .recipientsRejected,
                isTransient: rejected.contains(where: \.isTransient),
                message: "\(server) refused every recipient: \(list); check the addresses, and that this server "
                    + "relays mail for this account",
                reply: rejected.last?.reply,
                rejectedRecipients: rejected
            )
        }

        let dataReply = try await command(connection, "DATA", .data)
        guard dataReply.code == 354 else {
            throw .unexpected(
                dataReply,
                kind: .messageRejected,
                message: "\(server) refused to receive the message (\(dataReply))"
            )
        }
        let payload = SMTPDataEncoder.encode(data, allocator: connection.channel.allocator)
        let finalReply = try await step(.data) {
            try await connection.data(payload, timeout: TimeAmount(configuration.dataTimeout))
        }
        guard finalReply.isPositiveCompletion else {
            throw .unexpected(
                finalReply,
                kind: .messageRejected,
                message: "\(server) refused the message (\(finalReply)); its reply says why (content, size or "
                    + "policy)"
            )
        }
        return SMTPSendResult(acceptedRecipients: accepted, rejectedRecipients: rejected, finalReply: finalReply)
    }

    /// EHLO, falling back to HELO for a server that does not know EHLO (which then offers no extension).
    private func hello(_ connection: SMTPConnection) async throws(SMTPError) -> SMTPServerCapabilities {
        let ehlo = try await command(connection, "EHLO \(configuration.heloName)", .hello)
        if ehlo.isPositiveCompletion {
            return SMTPServerCapabilities(ehloReply: ehlo)
        }
        if ehlo.isPermanentFailure {
            let helo = try await command(connection, "HELO \(configuration.heloName)", .hello)
            if helo.isPositiveCompletion {
                return SMTPServerCapabilities()
            }
            throw .unexpected(
                helo,
                kind: .serverRefused,
                message: "\(server) refused HELO \(configuration.heloName) (\(helo)); check the HELO name in the "
                    + "mail settings (a fully qualified host name of this machine)"
            )
        }
        throw .unexpected(
            ehlo,
            kind: .serverRefused,
            message: "\(server) refused EHLO \(configuration.heloName) (\(ehlo)); check the HELO name in the mail "
                + "settings (a fully qualified host name of this machine)"
        )
    }

    private func startTLS(_ connection: SMTPConnection, capabilities: SMTPServerCapabilities) async throws(SMTPError)
        -> SMTPServerCapabilities
    {
        guard capabilities.supportsStartTLS, let tls else {
            throw SMTPError(
                kind: .startTLSUnavailable,
                isTransient: false,
                message: "\(server) does not offer STARTTLS, and security is startTLS, so nothing was sent; "
                    + "check the port (submission on 587 usually offers STARTTLS) or use security tls on port 465; "
                    + "use security none only for a relay on a trusted network"
            )
        }
        let reply = try await step(.startTLS) { try await connection.startTLS(tls, timeout: commandTimeout) }
        guard reply.code == 220 else {
            throw .unexpected(
                reply,
                kind: .serverRefused,
                message: "\(server) advertised STARTTLS but refused it (\(reply)), so nothing was sent; look at the "
                    + "SMTP server's TLS setup"
            )
        }
        // RFC 3207: forget everything learnt before TLS and ask again.
        return try await hello(connection)
    }

    private func authenticate(
        _ connection: SMTPConnection,
        credentials: SMTPConfiguration.Credentials,
        capabilities: SMTPServerCapabilities
    ) async throws(SMTPError) {
        let mechanisms = capabilities.authenticationMechanisms
        let failureMessage =
            "\(server) refused the credentials of user \(credentials.username); check the user "
            + "name and password in the mail settings"
        if mechanisms.contains("PLAIN") {
            let token = Data(([0] + Array(credentials.username.utf8) + [0] + Array(credentials.password.utf8)))
            let reply = try await command(connection, "AUTH PLAIN \(token.base64EncodedString())", .authentication)
            guard reply.code == 235 else {
                throw .unexpected(reply, kind: .authenticationFailed, message: failureMessage + " (\(reply))")
            }
        } else if mechanisms.contains("LOGIN") {
            let steps = [
                "AUTH LOGIN",
                Data(credentials.username.utf8).base64EncodedString(),
                Data(credentials.password.utf8).base64EncodedString(),
            ]
            for (index, line) in steps.enumerated() {
                let reply = try await command(connection, line, .authentication)
                let expected = index == steps.count - 1 ? 235 : 334
                guard reply.code == expected else {
                    throw .unexpected(reply, kind: .authenticationFailed, message: failureMessage + " (\(reply))")
                }
            }
        } else {
            let offered = mechanisms.isEmpty ? "none" : mechanisms.joined(separator: " ")
            throw SMTPError(
                kind: .authenticationUnavailable,
                isTransient: false,
                message: "credentials are configured but \(server) offers neither AUTH PLAIN nor LOGIN (offered: "
                    + "\(offered)); many servers offer AUTH only over TLS, so check the security mode, or remove the "
                    + "credentials if this relay needs none"
            )
        }
    }

    private func command(_ connection: SMTPConnection, _ line: String, _ stage: SMTPSessionStage)
        async throws(SMTPError) -> SMTPReply
    {
        try await step(stage) { try await connection.command(line, timeout: commandTimeout) }
    }

    private func step(_ stage: SMTPSessionStage, _ body: () async throws -> SMTPReply) async throws(SMTPError)
        -> SMTPReply
    {
        do {
            return try await body()
        } catch {
            throw .transport(error, stage: stage, configuration: configuration)
        }
    }
}
