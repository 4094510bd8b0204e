import Foundation

/// The languages the interface speaks.
public enum Language: String, Sendable, CaseIterable, Codable {
    case en
    case fr

    /// The best supported language for an `Accept-Language` header (RFC 9110 §12.5.4),
    /// or nil when it names none of them.
    public static func negotiate(acceptLanguage header: String?) -> Language? {
        guard let header, header.count <= 1000 else { return nil }
        var ranked: [(Language, Double, Int)] = []
        for (index, part) in header.split(separator: ",").enumerated() {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased(), !tag.isEmpty else { continue }
            var quality = 1.0
            for parameter in pieces.dropFirst() where parameter.hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 0
            }
            guard quality > 0 else { continue }
            let primary = tag.split(separator: "-").first.map(String.init) ?? tag
            if let language = Language(rawValue: primary) {
                ranked.append((language, quality, index))
            }
        }
        return ranked.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.2 < $1.2 }.first?.0
    }

    /// The locale used to format dates and numbers.
    public var locale: Locale { Locale(identifier: self == .fr ? "fr_FR" : "en_US") }
}
