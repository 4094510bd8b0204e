import Foundation

/// The paging, sorting, search and filter conventions every list (page, API, CSV) shares.
///
/// Query parameters: `page` (1-based), `per_page` (1…`maxPerPage`), `sort` (comma-separated
/// field names, `-` in front for descending), `q` (free text), and one parameter per declared
/// filter. Anything else is refused so that a typo never silently returns an unfiltered list.
public struct ListQuery: Sendable, Equatable {
    public struct SortKey: Sendable, Equatable {
        public let field: String
        public let descending: Bool

        public init(_ field: String, descending: Bool = false) {
            self.field = field
            self.descending = descending
        }

        /// The form used in URLs: `name` or `-name`.
        public var token: String { descending ? "-\(field)" : field }
    }

    public var page: Int
    public var perPage: Int
    public var sort: [SortKey]
    public var search: String?
    public var filters: [String: String]

    public init(page: Int = 1, perPage: Int = 50, sort: [SortKey] = [], search: String? = nil,
                filters: [String: String] = [:]) {
        self.page = page
        self.perPage = perPage
        self.sort = sort
        self.search = search
        self.filters = filters
    }

    /// Rows to skip.
    public var offset: Int { (page - 1) * perPage }

    /// Whether a later page exists, given the total count.
    public func hasNextPage(total: Int) -> Bool { offset + perPage < total }

    /// Query items that reproduce this query, with another page number (for `next` links).
    public func queryItems(page: Int? = nil) -> [(String, String)] {
        var items: [(String, String)] = []
        for (name, value) in filters.sorted(by: { $0.key < $1.key }) { items.append((name, value)) }
        if let search { items.append(("q", search)) }
        if !sort.isEmpty { items.append(("sort", sort.map(\.token).joined(separator: ","))) }
        items.append(("per_page", String(perPage)))
        items.append(("page", String(page ?? self.page)))
        return items
    }
}

/// What a list accepts: the fields one may sort and filter on, and the page size limits.
public struct ListQuerySpec: Sendable {
    public let sortable: Set<String>
    public let filterable: Set<String>
    public let defaultSort: [ListQuery.SortKey]
    public let defaultPerPage: Int
    public let maxPerPage: Int
    /// Parameters the page itself uses (e.g. `format`, `view`), accepted and ignored here.
    public let passthrough: Set<String>
    /// Whether a filter may carry an operator after its name, `memory_bytes[lt]` for the filterable
    /// `memory_bytes` (the asset list, read by ``AssetFilterParser``). The filter keeps its whole name.
    public let acceptsOperators: Bool

    public init(sortable: Set<String>, filterable: Set<String> = [], defaultSort: [ListQuery.SortKey],
                defaultPerPage: Int = 50, maxPerPage: Int = 200, passthrough: Set<String> = [],
                acceptsOperators: Bool = false) {
        self.sortable = sortable
        self.filterable = filterable
        self.defaultSort = defaultSort
        self.defaultPerPage = defaultPerPage
        self.maxPerPage = maxPerPage
        self.passthrough = passthrough
        self.acceptsOperators = acceptsOperators
    }

    /// Whether `name` is a filter of this list: a filterable field, or (``acceptsOperators``) one followed by
    /// `[operator]`. Which operators exist is the filter parser's business.
    func isFilter(_ name: String) -> Bool {
        if filterable.contains(name) { return true }
        guard acceptsOperators, name.hasSuffix("]"), let open = name.firstIndex(of: "[") else { return false }
        return filterable.contains(String(name[..<open]))
    }

    static let reserved: Set<String> = ["page", "per_page", "sort", "q"]
    static let maxValueLength = 500

    /// Parses query parameters (name, value pairs in URL order) into a `ListQuery`.
    public func parse(_ parameters: [(String, String)]) throws(ListQueryError) -> ListQuery {
        var query = ListQuery(perPage: defaultPerPage, sort: defaultSort)
        var seen = Set<String>()
        for (name, rawValue) in parameters {
            guard rawValue.count <= Self.maxValueLength else {
                throw .valueTooLong(parameter: name, limit: Self.maxValueLength)
            }
            // The same parameter twice is ambiguous; say so instead of picking one.
            guard seen.insert(name).inserted else { throw .repeatedParameter(name) }
            let value = rawValue.trimmingCharacters(in: .whitespaces)
            switch name {
            case "page":
                guard let page = Int(value), page >= 1, page <= 1_000_000 else {
                    throw .invalidNumber(parameter: name, value: rawValue, range: "1–1000000")
                }
                query.page = page
            case "per_page":
                guard let size = Int(value), (1...maxPerPage).contains(size) else {
                    throw .invalidNumber(parameter: name, value: rawValue, range: "1–\(maxPerPage)")
                }
                query.perPage = size
            case "sort":
                query.sort = try parseSort(value)
            case "q":
                query.search = value.isEmpty ? nil : value
            default:
                if passthrough.contains(name) { continue }
                guard isFilter(name) else {
                    throw .unknownParameter(name, allowed: (Self.reserved.union(filterable)).sorted())
                }
                if !value.isEmpty { query.filters[name] = value }
            }
        }
        return query
    }

    private func parseSort(_ value: String) throws(ListQueryError) -> [ListQuery.SortKey] {
        if value.isEmpty { return defaultSort }
        var keys: [ListQuery.SortKey] = []
        for token in value.split(separator: ",", omittingEmptySubsequences: false) {
            let descending = token.hasPrefix("-")
            let field = String(descending ? token.dropFirst() : token)
            guard sortable.contains(field) else { throw .unknownSortField(field, allowed: sortable.sorted()) }
            keys.append(.init(field, descending: descending))
        }
        return keys
    }
}

/// Why a list's query parameters were refused; the message says what to send instead.
public enum ListQueryError: Error, Equatable, CustomStringConvertible {
    case invalidNumber(parameter: String, value: String, range: String)
    case unknownSortField(String, allowed: [String])
    case unknownParameter(String, allowed: [String])
    case repeatedParameter(String)
    case valueTooLong(parameter: String, limit: Int)

    public var description: String {
        switch self {
        case let .invalidNumber(parameter, value, range):
            "Parameter '\(parameter)' must be a whole number in \(range); got '\(value.prefix(40))'."
        case let .unknownSortField(field, allowed):
            "Cannot sort on '\(field.prefix(40))'. Sort on one of: \(allowed.joined(separator: ", ")) "
                + "(prefix with '-' for descending)."
        case let .unknownParameter(name, allowed):
            "Unknown parameter '\(name.prefix(40))'. Accepted parameters: \(allowed.joined(separator: ", "))."
        case let .repeatedParameter(name):
            "Parameter '\(name.prefix(40))' is given more than once; give it once."
        case let .valueTooLong(parameter, limit):
            "Parameter '\(parameter.prefix(40))' is longer than \(limit) characters."
        }
    }
}
