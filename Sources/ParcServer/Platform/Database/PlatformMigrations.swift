import FluentKit

/// The platform's migrations, in the order they run. Append only: never edit or reorder one that
/// has been released. Features add theirs through `ParcFeature.migrations`, after these.
enum PlatformMigrations {
    static let all: [any Migration] = [
        CreateEntities(),
        CreateUsers(),
        CreateProfiles(),
        CreateSessions(),
        CreateAPITokens(),
        CreateRecoveryCodes(),
        CreateLoginAttempts(),
        CreateAuditLog(),
        CreateJobs(),
        CreateMailOutbox(),
        AddTOTPCounterToUsers(),
        AddCaseInsensitiveLoginIndex(),
        CreateSavedViews(),
        AddMessageIDToMailOutbox(),
    ]
}
