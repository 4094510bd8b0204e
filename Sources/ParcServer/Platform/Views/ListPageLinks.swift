import Foundation
import ParcCore
import Fluent
import Vapor

/// Sort headers, pagination and the CSV link of a list page, from its `ListQuery` (the same
/// parameters as the API list, so a page URL and an API URL filter alike).
struct ListPageLinks: Encodable {
    struct SortLink: Encodable {
        let field: String
        let label: String
        let href: String
        let ariaSort: String
        let numeric: Bool
    }

    let headers: [SortLink]
    let rangeText: String
    let previous: String?
    let next: String?
    let csv: String
    let total: Int

    /// `columns`: (sort field, label key, numeric).
    init(_ req: Request, query: ListQuery, total: Int, columns: [(String, String, Bool)]) {
        self.init(req, query: query, total: total, capped: false, hasMore: query.hasNextPage(total: total),
                  columns: columns)
    }

    /// Links for a page whose total may be capped: "1–50 of more than 1,000" (decision 0059).
    init<Item>(_ req: Request, query: ListQuery, page: CountedPage<Item>, columns: [(String, String, Bool)]) {
        self.init(req, query: query, total: page.total, capped: page.isCapped, hasMore: page.hasMore,
                  columns: columns)
    }

    private init(_ req: Request, query: ListQuery, total: Int, capped: Bool, hasMore: Bool,
                 columns: [(String, String, Bool)]) {
        let base = req.url.path
        func link(_ items: [(String, String)]) -> String { base + "?" + Self.encode(items) }
        headers = columns.map { field, key, numeric in
            let current = query.sort.first
            let ascending = current?.field == field && !(current?.descending ?? false)
            var next = query
            next.sort = [.init(field, descending: ascending)]
            next.page = 1
            return SortLink(field: field, label: req.t(key), href: link(next.queryItems()),
                            ariaSort: current?.field == field ? (ascending ? "ascending" : "descending") : "none",
                            numeric: numeric)
        }
        let first = total == 0 ? 0 : query.offset + 1
        // A capped total may lie before this page (deep pages are not counted): the page is full when more follow.
        let last = min(query.offset + query.perPage, hasMore ? max(total, query.offset + query.perPage) : total)
        rangeText = req.t(capped ? "list.range_more" : "list.range", ParcFormat.number(first, language: req.language),
                          ParcFormat.number(last, language: req.language),
                          ParcFormat.number(total, language: req.language))
        previous = query.page > 1 ? link(query.queryItems(page: query.page - 1)) : nil
        next = hasMore ? link(query.queryItems(page: query.page + 1)) : nil
        var csvItems = query.queryItems(page: 1).filter { $0.0 != "page" && $0.0 != "per_page" }
        csvItems.append(("format", "csv"))
        csv = link(csvItems)
        self.total = total
    }

    static func encode(_ items: [(String, String)]) -> String {
        var components = URLComponents()
        components.queryItems = items.map { URLQueryItem(name: $0.0, value: $0.1) }
        return components.percentEncodedQuery ?? ""
    }
}

/// An `<option>` of a select.
struct SelectOption: Encodable {
    let value: String
    let label: String
    let selected: Bool
}

extension Request {
    /// Whether the page was asked as CSV (`?format=csv`).
    var wantsCSV: Bool { (try? query.get(String.self, at: "format")) == "csv" }

    /// A CSV download.
    func csvResponse(_ rows: [[String]], filename: String) -> Response {
        let body = rows.map(CSV.row).joined()
        let response = Response(status: .ok, body: .init(string: body))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.contentDisposition = .init(.attachment, filename: filename)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    /// Entities where the user holds a permission, as select options (tree order, full paths).
    func entityOptions(for permission: Permission, selected: UUID?) async throws -> [SelectOption] {
        let scope = try await accessScope()
        let tree = try await entityTree()
        return tree.ordered.filter { scope.allows(permission, in: $0) }.map {
            SelectOption(value: $0.uuidString, label: tree.path(of: $0), selected: $0 == selected)
        }
    }
}

extension ParcFormat {
    /// A byte count for people: `1 234,5 Go` in French, `1,234.5 GB` in English (powers of 1000).
    static func bytes(_ value: Int?, language: Language) -> String {
        guard let value else { return "—" }
        let units = language == .fr ? ["o", "ko", "Mo", "Go", "To", "Po"] : ["B", "kB", "MB", "GB", "TB", "PB"]
        var amount = Double(value)
        var unit = 0
        while abs(amount) >= 1000, unit < units.count - 1 {
            amount /= 1000
            unit += 1
        }
        let formatter = NumberFormatter()
        formatter.locale = language.locale
        formatter.numberStyle = .decimal
        formatter.maximumFractionDigits = unit == 0 ? 0 : 1
        formatter.minimumFractionDigits = 0
        let number = formatter.string(from: NSNumber(value: amount)) ?? String(amount)
        return number + "\u{00A0}" + units[unit]
    }
}
