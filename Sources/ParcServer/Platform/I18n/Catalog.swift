import Foundation
import ParcCore

/// The translation catalogues (Resources/Translations/<lang>.json): flat maps from key to text.
///
/// Texts may hold positional placeholders `{0}`, `{1}`… Missing keys fall back to English, then
/// to the key itself; a test checks that both catalogues hold the same keys.
struct Catalog: Sendable {
    let texts: [Language: [String: String]]

    init(texts: [Language: [String: String]]) { self.texts = texts }

    /// Loads every language's file from the bundled resources.
    static func loadBundled() throws -> Catalog {
        var texts: [Language: [String: String]] = [:]
        for language in Language.allCases {
            guard let url = ParcResources.url("Translations/\(language.rawValue).json") else {
                throw ParcStartupError("Translation catalogue \(language.rawValue).json is missing from the resources.")
            }
            let data = try Data(contentsOf: url)
            texts[language] = try JSONDecoder().decode([String: String].self, from: data)
        }
        return Catalog(texts: texts)
    }

    /// A message the services wrote in English (validation and conflict texts, which the API and
    /// the CLI show as they are), in the user's language when the catalogue knows it under
    /// `validation.*`; otherwise unchanged.
    func translateMessage(_ english: String, to language: Language) -> String {
        guard language != .en, let entries = texts[.en] else { return english }
        for (key, text) in entries where key.hasPrefix("validation.") && text == english {
            return self.text(key, language)
        }
        return english
    }

    func text(_ key: String, _ language: Language, _ arguments: [String] = []) -> String {
        var text = texts[language]?[key] ?? texts[.en]?[key] ?? key
        for (index, argument) in arguments.enumerated() {
            text = text.replacingOccurrences(of: "{\(index)}", with: argument)
        }
        return text
    }
}
