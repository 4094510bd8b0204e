import Foundation
import ParcCore
import Fluent
import Vapor

extension Request {
    /// The interface language: the user's setting, else the `parc_lang` cookie (anonymous pages),
    /// else `Accept-Language`, else English.
    var language: Language {
        if let language = currentUser?.language { return language }
        if let cookie = cookies["parc_lang"]?.string, let language = Language(rawValue: cookie) { return language }
        return Language.negotiate(acceptLanguage: headers.first(name: .acceptLanguage)) ?? .en
    }

    /// The user's time zone (the server's for anonymous pages).
    var timeZone: TimeZone { currentUser?.timeZone ?? .current }

    /// A translated text.
    func t(_ key: String, _ arguments: String...) -> String {
        parc.catalog.text(key, language, arguments)
    }

    /// Field errors from a service, in the user's language (see `Catalog.translateMessage`).
    func localized(_ fields: [String: String]) -> [String: String] {
        fields.mapValues { parc.catalog.translateMessage($0, to: language) }
    }

    /// A service's message (a conflict, say) in the user's language when the catalogue has it.
    func localized(_ message: String) -> String { parc.catalog.translateMessage(message, to: language) }

    /// An error's message in the user's language: by its key when it carries one, else by its English text. An
    /// argument (or an item of a comma-separated argument) written `@key` is itself translated.
    func localized(_ error: ParcError) -> String {
        guard let (key, arguments) = error.messageKey else { return localized(error.message) }
        let translated = arguments.map { argument in
            argument.components(separatedBy: ", ").map {
                $0.hasPrefix("@") ? parc.catalog.text(String($0.dropFirst()), language) : $0
            }.joined(separator: ", ")
        }
        return parc.catalog.text(key, language, translated)
    }

    /// Date and time for display: `29/11/2026 14:05` in French, `2026-11-29 2:05 PM` in English.
    func formatDateTime(_ date: Date?) -> String {
        guard let date else { return "—" }
        return ParcFormat.dateTime(date, language: language, timeZone: timeZone)
    }
}

/// Display formats for each language.
enum ParcFormat {
    static func dateTime(_ date: Date, language: Language, timeZone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = language.locale
        formatter.timeZone = timeZone
        formatter.dateFormat = language == .fr ? "dd/MM/yyyy HH:mm" : "yyyy-MM-dd h:mm a"
        return formatter.string(from: date)
    }

    static func number(_ value: Int, language: Language) -> String {
        let formatter = NumberFormatter()
        formatter.locale = language.locale
        formatter.numberStyle = .decimal
        return formatter.string(from: NSNumber(value: value)) ?? String(value)
    }

    /// An amount with two decimals, in the language's style, without a currency sign (Parc keeps amounts in
    /// the organisation's currency): `1 234,50` in French, `1,234.50` in English.
    static func money(_ amount: Double, language: Language) -> String {
        let formatter = NumberFormatter()
        formatter.locale = language.locale
        formatter.numberStyle = .decimal
        formatter.minimumFractionDigits = 2
        formatter.maximumFractionDigits = 2
        return formatter.string(from: NSNumber(value: amount)) ?? String(format: "%.2f", amount)
    }
}
