import Foundation

/// The rules of saved views (saved searches): what a name may be, how a list's query is kept, and who sees and
/// changes a view. The server stores the views; any list (assets, tickets…) declares its ``ListQuerySpec``.
public enum SavedViewRules {
    /// Longest name, in characters.
    public static let maximumNameLength = 80
    /// Longest query string, in characters.
    public static let maximumQueryLength = 2_000
    /// Views one user may keep per list.
    public static let maximumViewsPerList = 50

    /// Why `name` cannot name a view, or nil when it can. The name is compared trimmed.
    public static func nameProblem(_ name: String) -> String? {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return "Give the view a name." }
        if trimmed.count > maximumNameLength { return "At most \(maximumNameLength) characters." }
        if trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "Control characters are not allowed."
        }
        return nil
    }

    /// `query` — a list's query string, with or without its `?` — checked against the list's `spec` and written the
    /// one way a view keeps it: filters by name, then `q`, then `sort` and `per_page` when they differ from the list's
    /// defaults; never `page`, nor the parameters the page itself uses (`format`).
    ///
    /// - Throws: ``SavedViewQueryError`` naming the parameter at fault and what the list accepts.
    public static func canonicalQuery(_ query: String, spec: ListQuerySpec) throws(SavedViewQueryError) -> String {
        guard query.count <= maximumQueryLength else { throw .tooLong(limit: maximumQueryLength) }
        let text = query.hasPrefix("?") ? query.dropFirst() : Substring(query)
        let pairs: [(String, String)]
        do {
            pairs = try QueryString.pairs(text)
        } catch {
            throw .malformed(error.description)
        }
        let parsed: ListQuery
        do {
            parsed = try spec.parse(pairs.filter { !spec.passthrough.contains($0.0) })
        } catch {
            throw .refused(error.description)
        }
        return QueryString.encode(canonicalItems(parsed, spec: spec))
    }

    /// The items of ``canonicalQuery(_:spec:)`` for an already parsed query (the list page's current one, to tell
    /// which saved view it shows).
    public static func canonicalItems(_ query: ListQuery, spec: ListQuerySpec) -> [(String, String)] {
        var items = query.filters.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        if let search = query.search { items.append(("q", search)) }
        if query.sort != spec.defaultSort { items.append(("sort", query.sort.map(\.token).joined(separator: ","))) }
        if query.perPage != spec.defaultPerPage { items.append(("per_page", String(query.perPage))) }
        return items
    }
}

/// Why a saved view's query was refused.
public enum SavedViewQueryError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Longer than ``SavedViewRules/maximumQueryLength``.
    case tooLong(limit: Int)
    /// A malformed escape.
    case malformed(String)
    /// A parameter the list does not take, or a value it refuses; the message says which and what it takes.
    case refused(String)

    /// What was wrong.
    public var description: String {
        switch self {
        case .tooLong(let limit): "The query is longer than \(limit) characters."
        case .malformed(let message), .refused(let message): message
        }
    }
}
