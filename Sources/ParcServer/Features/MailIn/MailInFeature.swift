import FluentKit
import Foundation
import Vapor

/// Mail in, the transport side of mail-to-ticket (docs/mail-in.md, decisions 0023, 0048, 0049): the mailboxes the
/// collector polls over IMAP, the collection job, and the record of every message taken in, by the collector or by
/// `parc mail ingest`. The ticket rules live behind ``InboundMailSink``, which the helpdesk provides.
struct MailInFeature: ParcFeature {
    var migrations: [any Migration] { [CreateMailIn()] }

    func register(_ registry: FeatureRegistry, routes: any RoutesBuilder, api: APIRoutes) throws {
        registry.addJob(MailCollectionJob())
        registry.addSchedule(MailCollectionJob.schedule)
        MailboxesAPIController().register(api)
    }
}
