import NIOCore

/// A connected SMTP channel seen as request/reply calls; every reply comes through ``SMTPClientHandler``.
struct SMTPConnection: Sendable {
    let channel: any Channel

    /// Sends one command line (CRLF is appended) and waits for the reply.
    func command(_ line: String, timeout: TimeAmount) async throws -> SMTPReply {
        try await request(.send(channel.allocator.buffer(string: line + "\r\n")), timeout: timeout)
    }

    /// Sends already dot-stuffed message data, terminator included, and waits for the final reply.
    func data(_ bytes: ByteBuffer, timeout: TimeAmount) async throws -> SMTPReply {
        try await request(.send(bytes), timeout: timeout)
    }

    /// Sends STARTTLS; on 220 the reply arrives only once the TLS handshake has completed.
    func startTLS(_ tls: SMTPTLSContext, timeout: TimeAmount) async throws -> SMTPReply {
        try await request(.startTLS(tls.context, serverHostname: tls.serverHostname), timeout: timeout)
    }

    private func request(_ action: SMTPClientRequest.Action, timeout: TimeAmount) async throws -> SMTPReply {
        let replyPromise = channel.eventLoop.makePromise(of: SMTPReply.self)
        let request = SMTPClientRequest(action: action, timeout: timeout, replyPromise: replyPromise)
        // Once the channel is closed the handler is gone and the write fails without it; the reply promise must
        // then fail too, or this call would wait forever.
        channel.writeAndFlush(request).whenFailure { error in
            replyPromise.fail(error)
        }
        return try await replyPromise.futureResult.get()
    }

    /// Says goodbye politely and closes; errors are irrelevant by then.
    func quit(timeout: TimeAmount) async {
        if channel.isActive {
            _ = try? await command("QUIT", timeout: timeout)
        }
        try? await channel.close()
    }

    /// Closes without QUIT, for a connection in an unknown state.
    func close() async {
        try? await channel.close()
    }
}
