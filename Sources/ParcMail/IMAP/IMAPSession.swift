import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// A logged-in IMAP connection, from ``IMAPClient/connect()``. One command at a time; call ``logout()`` when done.
public actor IMAPSession {
    private let channel: any Channel
    private let configuration: IMAPConfiguration
    private let tls: MailTLSClientContext?
    private var greeting: IMAPStatusResponse
    private var nextTag = 1
    /// The server's capabilities, upper-cased (`MOVE`, `UIDPLUS`, `AUTH=PLAIN`, …).
    public private(set) var capabilities: Set<String> = []
    private var isAuthenticated = false

    private var server: String {
        "\(configuration.host):\(configuration.port)"
    }

    private init(
        channel: any Channel,
        configuration: IMAPConfiguration,
        tls: MailTLSClientContext?,
        greeting: IMAPStatusResponse
    ) {
        self.channel = channel
        self.configuration = configuration
        self.tls = tls
        self.greeting = greeting
    }

    static func open(
        configuration: IMAPConfiguration,
        tls: MailTLSClientContext?,
        group: any EventLoopGroup
    ) async throws(IMAPError) -> IMAPSession {
        let implicitTLS = configuration.security == .tls ? tls : nil
        let limits = configuration.framerLimits
        let greetingTimeout = TimeAmount(configuration.commandTimeout)
        let connection: (any Channel, EventLoopFuture<IMAPStatusResponse>)
        do {
            connection = try await MailChannelConnector.connect(
                group: group,
                host: configuration.host,
                port: configuration.port,
                connectTimeout: configuration.connectTimeout,
                implicitTLS: implicitTLS
            ) { (promise: EventLoopPromise<IMAPStatusResponse>) in
                IMAPClientHandler(limits: limits, greetingPromise: promise, greetingTimeout: greetingTimeout)
            }
        } catch {
            throw IMAPError.transport(error, while: "connecting", configuration: configuration)
        }
        let (channel, greetingFuture) = connection
        let greeting: IMAPStatusResponse
        do {
            greeting = try await greetingFuture.get()
        } catch {
            try? await channel.close()
            throw IMAPError.transport(
                error,
                while: configuration.security == .tls
                    ? "waiting for the greeting (after the TLS handshake)" : "waiting for the greeting",
                configuration: configuration
            )
        }
        let session = IMAPSession(channel: channel, configuration: configuration, tls: tls, greeting: greeting)
        guard greeting.condition == .ok || greeting.condition == .preauth else {
            await session.close()
            throw IMAPError(
                kind: .connectionClosed,
                isTransient: true,
                message: "\(configuration.host):\(configuration.port) refused the session in its greeting "
                    + "(\(greeting)); try again later or look at the IMAP server's log",
                serverText: greeting.text
            )
        }
        return session
    }

    // MARK: - Security and login

    func secureAndLogIn() async throws(IMAPError) {
        capabilities = try await currentCapabilities(from: greeting)
        if greeting.condition == .preauth {
            // The server authenticated the connection by itself (e.g. a local pre-authenticated link): no
            // STARTTLS is possible any more, so it is acceptable only where TLS was not asked for.
            guard configuration.security != .startTLS else {
                throw IMAPError(
                    kind: .startTLSUnavailable,
                    isTransient: false,
                    message: "\(server) pre-authenticated the connection, so STARTTLS can no longer be used; use "
                        + "security tls or none for this server"
                )
            }
            isAuthenticated = true
            return
        }
        if configuration.security == .startTLS {
            try await startTLS()
        }
        try await logIn()
        isAuthenticated = true
        capabilities = Set(try await run("CAPABILITY", while: "asking for capabilities").capabilityList)
    }

    private func currentCapabilities(from status: IMAPStatusResponse) async throws(IMAPError) -> Set<String> {
        if status.code == "CAPABILITY" {
            return Set(status.codeArguments.split(separator: " ").map { $0.uppercased() })
        }
        return Set(try await run("CAPABILITY", while: "asking for capabilities").capabilityList)
    }

    private func startTLS() async throws(IMAPError) {
        guard capabilities.contains("STARTTLS") else {
            throw IMAPError(
                kind: .startTLSUnavailable,
                isTransient: false,
                message: "\(server) does not offer STARTTLS, so the password cannot be sent safely; use security "
                    + "tls (usually port 993) if the server offers implicit TLS"
            )
        }
        let result = try await run(
            IMAPCommandBuilder(tag: takeTag(), "STARTTLS"),
            startTLS: tls,
            timeout: configuration.commandTimeout,
            while: "during STARTTLS and the TLS handshake"
        )
        guard result.completion.condition == .ok else {
            throw IMAPError(
                kind: .startTLSUnavailable,
                isTransient: false,
                message: "\(server) refused STARTTLS (\(result.completion)); use security tls if the server offers "
                    + "implicit TLS",
                serverText: result.completion.text
            )
        }
        // Capabilities learnt in clear text may have been forged (RFC 3501 6.2.1): ask again.
        capabilities = Set(try await run("CAPABILITY", while: "asking for capabilities").capabilityList)
    }

    private func logIn() async throws(IMAPError) {
        let credentials = configuration.credentials
        if capabilities.contains("LOGINDISABLED") && configuration.security == .none {
            throw IMAPError(
                kind: .authenticationUnavailable,
                isTransient: false,
                message: "\(server) refuses logins without TLS (LOGINDISABLED); use security startTLS or tls"
            )
        }
        let usePlain = configuration.authentication == .plain && capabilities.contains("AUTH=PLAIN")
        var builder: IMAPCommandBuilder
        if usePlain {
            let response = Data(([0] + Array(credentials.username.utf8) + [0] + Array(credentials.password.utf8)))
                .base64EncodedString()
            if capabilities.contains("SASL-IR") {
                builder = IMAPCommandBuilder(tag: takeTag(), "AUTHENTICATE PLAIN " + response)
            } else {
                builder = IMAPCommandBuilder(tag: takeTag(), "AUTHENTICATE PLAIN")
                builder.appendAfterContinuation(response)
            }
        } else {
            if capabilities.contains("LOGINDISABLED") {
                throw IMAPError(
                    kind: .authenticationUnavailable,
                    isTransient: false,
                    message: "\(server) disables the LOGIN command and offers no AUTH=PLAIN; choose PLAIN "
                        + "authentication or ask the server's administrator which methods it accepts"
                )
            }
            builder = IMAPCommandBuilder(tag: takeTag(), "LOGIN ")
            builder.appendString(credentials.username)
            builder.append(" ")
            builder.appendString(credentials.password)
        }
        let result = try await run(builder, timeout: configuration.commandTimeout, while: "logging in")
        guard result.completion.condition == .ok else {
            let transient = result.completion.code == "UNAVAILABLE" || result.completion.code == "INUSE"
            throw IMAPError(
                kind: .authenticationFailed,
                isTransient: transient,
                message: "\(server) refused the login of \(MailMessageError.quoted(credentials.username)) "
                    + "(\(result.completion)); "
                    + (transient
                        ? "the server says it is unavailable, try again later"
                        : "check the user name and password in the mailbox settings"),
                serverText: result.completion.text
            )
        }
    }

    // MARK: - Mailbox operations

    /// Opens `mailbox` read-write.
    public func select(_ mailbox: String) async throws(IMAPError) -> IMAPMailboxStatus {
        var builder = IMAPCommandBuilder(tag: takeTag(), "SELECT ")
        try appendMailbox(mailbox, to: &builder)
        let result = try await run(builder, timeout: configuration.commandTimeout, while: "selecting \(mailbox)")
        guard result.completion.condition == .ok else {
            throw failed(result, doing: "open the folder \(MailMessageError.quoted(mailbox))",
                         hint: "check the folder name in the mailbox settings")
        }
        var uidValidity: UInt32?
        var uidNext: UInt32?
        var count = 0
        for response in result.responses {
            switch response {
            case .status(let status):
                uidValidity = status.number(ofCode: "UIDVALIDITY") ?? uidValidity
                uidNext = status.number(ofCode: "UIDNEXT") ?? uidNext
            case .exists(let number):
                count = number
            default:
                break
            }
        }
        guard let uidValidity, uidValidity > 0 else {
            throw IMAPError(
                kind: .protocolViolation,
                isTransient: false,
                message: "\(server) opened \(MailMessageError.quoted(mailbox)) without saying its UIDVALIDITY, which "
                    + "RFC 3501 requires; the collector cannot track messages on this server"
            )
        }
        return IMAPMailboxStatus(uidValidity: uidValidity, uidNext: uidNext, messageCount: count)
    }

    /// The UIDs, ascending, of the messages in the selected mailbox with a UID of at least `first` and no
    /// \Deleted flag.
    public func uids(from first: UInt32) async throws(IMAPError) -> [UInt32] {
        let start = max(first, 1)
        // `n:*` always includes the last message, even when its UID is below n.
        return try await search("UID \(start):* UNDELETED").filter { $0 >= start }
    }

    /// The UIDs, ascending and without repeats, that `UID SEARCH criteria` returns; `criteria` is raw IMAP.
    func search(_ criteria: String) async throws(IMAPError) -> [UInt32] {
        let result = try await run("UID SEARCH \(criteria)", while: "listing new messages")
        guard result.completion.condition == .ok else {
            throw failed(result, doing: "list the messages", hint: "look at the IMAP server's log")
        }
        var uids: [UInt32] = []
        for case .search(let numbers) in result.responses {
            uids += numbers
        }
        return Array(Set(uids)).sorted()
    }

    /// The sizes of the given messages, in the order the server lists them; messages expunged meanwhile are absent.
    public func sizes(of uids: [UInt32]) async throws(IMAPError) -> [IMAPMessageSize] {
        var sizes: [IMAPMessageSize] = []
        var start = 0
        while start < uids.count {
            let batch = uids[start..<min(start + 500, uids.count)]
            start += batch.count
            let set = batch.map(String.init).joined(separator: ",")
            let result = try await run("UID FETCH \(set) (UID RFC822.SIZE)", while: "reading message sizes")
            guard result.completion.condition == .ok else {
                throw failed(result, doing: "read message sizes", hint: "look at the IMAP server's log")
            }
            for case .fetch(_, let attributes) in result.responses {
                if let uid = attributes.uid, let size = attributes.size, batch.contains(uid) {
                    sizes.append(IMAPMessageSize(uid: uid, size: size))
                }
            }
        }
        return sizes
    }

    /// The whole message with this UID, without setting \Seen; nil when it no longer exists. Fails with
    /// ``IMAPError/Kind/messageTooLarge`` for a message over the size limit, before reading it.
    public func fetch(uid: UInt32) async throws(IMAPError) -> [UInt8]? {
        let result: IMAPCommandResult
        do {
            result = try await run(
                IMAPCommandBuilder(tag: takeTag(), "UID FETCH \(uid) (UID BODY.PEEK[])"),
                timeout: configuration.fetchTimeout,
                while: "fetching message \(uid)"
            )
        } catch let error where error.kind == .protocolViolation && error.isLiteralTooLarge {
            throw IMAPError(
                kind: .messageTooLarge,
                isTransient: false,
                message: "message \(uid) on \(server) is larger than the limit of \(configuration.maximumMessageSize) "
                    + "bytes; it was not read (the connection was closed)",
                underlyingError: error
            )
        }
        guard result.completion.condition == .ok else {
            throw failed(result, doing: "fetch message \(uid)", hint: "look at the IMAP server's log")
        }
        for case .fetch(_, let attributes) in result.responses where attributes.uid == uid {
            guard let body = attributes.body else {
                continue
            }
            guard body.count <= configuration.maximumMessageSize else {
                throw IMAPError(
                    kind: .messageTooLarge,
                    isTransient: false,
                    message: "message \(uid) on \(server) is \(body.count) bytes, more than the limit of "
                        + "\(configuration.maximumMessageSize)"
                )
            }
            return body
        }
        return nil
    }

    /// Adds \Seen to a message.
    public func markSeen(uid: UInt32) async throws(IMAPError) {
        let result = try await run("UID STORE \(uid) +FLAGS.SILENT (\\Seen)", while: "marking message \(uid) seen")
        guard result.completion.condition == .ok else {
            throw failed(result, doing: "mark message \(uid) as seen", hint: "check that the account may change flags")
        }
    }

    /// Moves a message to `folder`, creating the folder if the server says it is missing. Uses MOVE (RFC 6851)
    /// when offered; otherwise COPY, then \Deleted and, with UIDPLUS, UID EXPUNGE of that message alone.
    public func move(uid: UInt32, to folder: String) async throws(IMAPError) {
        let verb = capabilities.contains("MOVE") ? "UID MOVE" : "UID COPY"
        var result = try await transfer(verb, uid: uid, to: folder)
        if result.completion.condition == .no && result.completion.code == "TRYCREATE" {
            try await create(folder)
            result = try await transfer(verb, uid: uid, to: folder)
        }
        guard result.completion.condition == .ok else {
            throw failed(result, doing: "move message \(uid) to \(MailMessageError.quoted(folder))",
                         hint: "check the processed folder in the mailbox settings")
        }
        guard verb == "UID COPY" else {
            return
        }
        let store = try await run("UID STORE \(uid) +FLAGS.SILENT (\\Deleted \\Seen)", while: "flagging message \(uid)")
        guard store.completion.condition == .ok else {
            throw failed(store, doing: "flag message \(uid) as deleted", hint: "check the account's rights")
        }
        if capabilities.contains("UIDPLUS") {
            let expunge = try await run("UID EXPUNGE \(uid)", while: "expunging message \(uid)")
            guard expunge.completion.condition == .ok else {
                throw failed(expunge, doing: "expunge message \(uid)", hint: "check the account's rights")
            }
        }
    }

    private func transfer(_ verb: String, uid: UInt32, to folder: String) async throws(IMAPError) -> IMAPCommandResult {
        var builder = IMAPCommandBuilder(tag: takeTag(), "\(verb) \(uid) ")
        try appendMailbox(folder, to: &builder)
        return try await run(builder, timeout: configuration.commandTimeout, while: "moving message \(uid)")
    }

    /// Creates a folder; one that already exists is fine.
    public func create(_ folder: String) async throws(IMAPError) {
        var builder = IMAPCommandBuilder(tag: takeTag(), "CREATE ")
        try appendMailbox(folder, to: &builder)
        let result = try await run(builder, timeout: configuration.commandTimeout, while: "creating \(folder)")
        guard result.completion.condition == .ok || result.completion.code == "ALREADYEXISTS" else {
            throw failed(result, doing: "create the folder \(MailMessageError.quoted(folder))",
                         hint: "create it by hand or check the account's rights")
        }
    }

    /// Stores a message in `mailbox` (tests, and copies of outgoing mail); `flags` such as `\Seen`.
    public func append(_ message: [UInt8], to mailbox: String, flags: [String] = []) async throws(IMAPError) {
        var builder = IMAPCommandBuilder(tag: takeTag(), "APPEND ")
        try appendMailbox(mailbox, to: &builder)
        builder.append(" (\(flags.joined(separator: " "))) ")
        builder.appendLiteral(message)
        let result = try await run(builder, timeout: configuration.fetchTimeout, while: "appending a message")
        guard result.completion.condition == .ok else {
            throw failed(result, doing: "append a message to \(MailMessageError.quoted(mailbox))",
                         hint: "check the folder name and the server's size limit")
        }
    }

    /// Says LOGOUT and closes; errors are irrelevant by then.
    public func logout() async {
        if channel.isActive {
            _ = try? await run("LOGOUT", while: "logging out")
        }
        await close()
    }

    /// Closes without LOGOUT, for a connection in an unknown state.
    public func close() async {
        try? await channel.close()
    }

    // MARK: - Plumbing

    private func takeTag() -> String {
        defer { nextTag += 1 }
        return "P\(nextTag)"
    }

    private func appendMailbox(_ name: String, to builder: inout IMAPCommandBuilder) throws(IMAPError) {
        // Non-ASCII names need modified UTF-7 (RFC 3501 5.1.3), which this client does not write.
        guard !name.isEmpty, name.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
            throw IMAPError(
                kind: .invalidConfiguration,
                isTransient: false,
                message: "the folder name \(MailMessageError.quoted(name)) is empty or not plain ASCII; use an ASCII "
                    + "name such as INBOX or Parc/Processed"
            )
        }
        builder.appendString(name)
    }

    private func run(_ words: String, while phrase: String) async throws(IMAPError) -> IMAPCommandResult {
        try await run(IMAPCommandBuilder(tag: takeTag(), words), timeout: configuration.commandTimeout, while: phrase)
    }

    private func run(
        _ builder: IMAPCommandBuilder,
        startTLS: MailTLSClientContext? = nil,
        timeout: Duration,
        while phrase: String
    ) async throws(IMAPError) -> IMAPCommandResult {
        let promise = channel.eventLoop.makePromise(of: IMAPCommandResult.self)
        let tag = String(decoding: builder.segments[0].prefix { $0 != UInt8(ascii: " ") }, as: UTF8.self)
        let command = IMAPCommand(
            tag: tag,
            segments: builder.buffers(allocator: channel.allocator),
            startTLS: startTLS.map { ($0.context, $0.serverHostname) },
            timeout: TimeAmount(timeout),
            promise: promise
        )
        channel.writeAndFlush(command).whenFailure { error in
            promise.fail(error)
        }
        let result: IMAPCommandResult
        do {
            result = try await promise.futureResult.get()
        } catch {
            throw IMAPError.transport(error, while: phrase, configuration: configuration)
        }
        if result.completion.condition == .bad {
            throw IMAPError(
                kind: .protocolViolation,
                isTransient: false,
                message: "\(server) rejected a command as invalid while \(phrase) (\(result.completion)); the server "
                    + "may not support IMAP4rev1 fully",
                serverText: result.completion.text
            )
        }
        return result
    }

    private func failed(_ result: IMAPCommandResult, doing action: String, hint: String) -> IMAPError {
        let transient = ["UNAVAILABLE", "INUSE", "SERVERBUG", "LIMIT"].contains(result.completion.code ?? "")
        return IMAPError(
            kind: .commandFailed,
            isTransient: transient,
            message: "\(server) could not \(action) (\(result.completion)); \(hint)",
            serverText: result.completion.text
        )
    }
}

extension IMAPCommandResult {
    /// The capabilities listed by an untagged CAPABILITY response or the completion's code.
    fileprivate var capabilityList: [String] {
        for case .capability(let list) in responses {
            return list
        }
        if completion.code == "CAPABILITY" {
            return completion.codeArguments.split(separator: " ").map { $0.uppercased() }
        }
        return []
    }
}
