import NIOConcurrencyHelpers

/// The application's inbound-mail handler. Until one is set with ``use(_:)``, collection is off (mailboxes are
/// left untouched) and `parc mail ingest` answers EX_TEMPFAIL, so the MTA keeps the mail: no message is ever
/// dropped for want of a handler.
final class InboundMailServices: Sendable {
    private let current = NIOLockedValueBox<(any InboundMailSink)?>(nil)

    /// The handler, or nil when mail-to-ticket is not wired.
    var sink: (any InboundMailSink)? {
        current.withLockedValue { $0 }
    }

    /// Sets the handler every collected or piped message goes to. `configure` sets the helpdesk's
    /// (``TicketMailSink``).
    func use(_ sink: any InboundMailSink) {
        current.withLockedValue { $0 = sink }
    }

    /// Turns mail-to-ticket off: mailboxes are left untouched and piped mail is deferred (EX_TEMPFAIL).
    func stop() {
        current.withLockedValue { $0 = nil }
    }
}
