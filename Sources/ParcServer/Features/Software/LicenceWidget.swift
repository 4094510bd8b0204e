import Fluent
import Foundation
import ParcCore
import Vapor

/// Dashboard cards of the licences the user may see: those under-licensed, and those expiring soon. Each links to the
/// licence list filtered the same way; neither shows for a user who sees no licence.
struct LicenceWidget: DashboardWidget {
    enum Kind: String, CaseIterable {
        case underLicensed, expiring
    }

    /// "Expiring soon": within this many days.
    static let expiringDays = 30

    let kind: Kind
    var id: String { "licences-" + kind.rawValue }

    func render(on request: Request) async throws -> WidgetCard? {
        guard try await request.accessScope().allowsAnywhere(.assetsRead) else { return nil }
        let licences = try await Self.licences(request)
        guard !licences.isEmpty else { return nil }
        let number = { (value: Int) in ParcFormat.number(value, language: request.language) }
        switch kind {
        case .underLicensed:
            let short = licences.filter { $0.compliance.status == .underLicensed }
            let missing = short.reduce(0) { $0 + $1.compliance.shortfall }
            return WidgetCard(title: request.t("widget.licences.under_licensed"), value: number(short.count),
                              detail: request.t("widget.licences.under_licensed.detail", number(missing)),
                              url: "/licences?compliance=under_licensed", tone: short.isEmpty ? nil : "alert")
        case .expiring:
            let today = LicenceStanding.today(request)
            let soon = licences.filter { $0.licence.terms.expires(within: Self.expiringDays, from: today) }
            return WidgetCard(title: request.t("widget.licences.expiring"), value: number(soon.count),
                              detail: request.t("widget.licences.expiring.detail", String(Self.expiringDays)),
                              url: "/licences?expiring_within_days=\(Self.expiringDays)&sort=expires_on",
                              tone: soon.isEmpty ? nil : "alert")
        }
    }

    /// The licences the user may see, with their standing: both cards read them, so they are loaded once per request.
    private static func licences(_ request: Request) async throws -> [LicenceStanding] {
        if let loaded = request.storage[LoadedKey.self] { return loaded }
        let loaded = try await LicenceQuery(request: request, query: ListQuery()).all()
        request.storage[LoadedKey.self] = loaded
        return loaded
    }

    private struct LoadedKey: StorageKey { typealias Value = [LicenceStanding] }
}
