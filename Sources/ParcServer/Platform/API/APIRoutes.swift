import Foundation
import NIOConcurrencyHelpers
import ParcCore
import Fluent
import Vapor

/// Registers `/api/v1` routes together with their OpenAPI description, so the document cannot
/// drift from the routes (a test checks both directions).
final class APIRoutes: @unchecked Sendable {
    struct Operation: Sendable {
        let method: HTTPMethod
        let path: String
        let summary: String
        let tag: String
        let query: [QueryParameter]
        let requestBody: OpenAPISchema?
        let response: OpenAPISchema?
        let successStatus: Int
        /// `application/json`, or `multipart/form-data` for uploads.
        let requestMediaType: String
        /// `application/json`, or the type of a file download (its schema is then binary).
        let responseMediaType: String
    }

    struct QueryParameter: Sendable {
        let name: String
        let schema: OpenAPISchema
        let description: String
    }

    private let builder: any RoutesBuilder
    private let operations = NIOLockedValueBox<[Operation]>([])
    private let schemas = NIOLockedValueBox<[String: OpenAPISchema]>([:])

    init(_ builder: any RoutesBuilder) { self.builder = builder }

    var allOperations: [Operation] { operations.withLockedValue { $0 } }
    var allSchemas: [String: OpenAPISchema] { schemas.withLockedValue { $0 } }

    /// Declares a named schema under `components/schemas`.
    func schema(_ name: String, _ schema: OpenAPISchema) {
        schemas.withLockedValue { $0[name] = schema }
    }

    /// Registers one route. `path` uses `:id` for parameters, relative to `/api/v1`.
    func on<Response: AsyncResponseEncodable>(
        _ method: HTTPMethod, _ path: String, summary: String, tag: String, query: [QueryParameter] = [],
        body: OpenAPISchema? = nil, response: OpenAPISchema?, status: Int = 200,
        bodyLimit: ByteCount? = nil, bodyMediaType: String = "application/json",
        responseMediaType: String = "application/json", streamsBody: Bool = false,
        use handler: @escaping @Sendable (Request) async throws -> Response
    ) {
        let components = path.split(separator: "/").map { PathComponent(stringLiteral: String($0)) }
        let openAPIPath = "/api/v1/" + path.split(separator: "/")
            .map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
        operations.withLockedValue {
            $0.append(Operation(method: method, path: openAPIPath, summary: summary, tag: tag, query: query,
                                requestBody: body, response: response, successStatus: status,
                                requestMediaType: bodyMediaType, responseMediaType: responseMediaType))
        }
        if streamsBody {
            // The handler reads the body itself, once it knows how much it may take (an entity's upload limit).
            builder.on(method, components, body: .stream, use: handler)
        } else if let bodyLimit {
            builder.on(method, components, body: .collect(maxSize: bodyLimit), use: handler)
        } else {
            builder.on(method, components, use: handler)
        }
    }

    /// The list parameters every list endpoint accepts, plus its own filters.
    static func listParameters(sortable: [String], filters: [(String, String)] = []) -> [QueryParameter] {
        [
            .init(name: "page", schema: .integer, description: "Page number, from 1."),
            .init(name: "per_page", schema: .integer, description: "Items per page, 1–200 (default 50)."),
            .init(name: "sort", schema: .string(), description:
                "Comma-separated fields, '-' prefix for descending. One of: \(sortable.joined(separator: ", "))."),
            .init(name: "q", schema: .string(), description: "Free-text search."),
        ] + filters.map { .init(name: $0.0, schema: .string(), description: $0.1) }
    }
}

/// The list envelope every list endpoint returns.
struct ListResponse<Item: Content>: Content {
    let items: [Item]
    let total: Int
    let next: String?
    /// Present and true when counting stopped at a limit: more than `total` match (decision 0059).
    var total_capped: Bool? = nil
}

extension ListResponse {
    /// The envelope of a page whose total may be capped.
    init<Row>(_ page: CountedPage<Row>, items: [Item], request: Request, query: ListQuery) {
        self.init(items: items, total: page.total, next: request.nextPageURL(query, hasMore: page.hasMore),
                  total_capped: page.isCapped ? true : nil)
    }
}

extension Request {
    /// Parses the list query parameters of this request against a list's spec (400 on bad input).
    func listQuery(_ spec: ListQuerySpec) throws -> ListQuery {
        do {
            return try spec.parse(try queryPairs())
        } catch let error as ListQueryError {
            throw ParcError.badRequest("invalid_query", error.description)
        }
    }

    /// The query string as (name, value) pairs in order, repeats kept, `+` read as a space (HTML
    /// forms send spaces so); a malformed percent escape is a 400, never a silently ignored filter.
    func queryPairs() throws -> [(String, String)] {
        guard let query = url.query, !query.isEmpty else { return [] }
        do {
            return try QueryString.requestPairs(query)
        } catch {
            throw ParcError.badRequest("invalid_query", error.description)
        }
    }

    /// The URL of the next page, or nil on the last one.
    func nextPageURL(_ query: ListQuery, total: Int) -> String? {
        nextPageURL(query, hasMore: query.hasNextPage(total: total))
    }

    /// The URL of the next page when there is one.
    func nextPageURL(_ query: ListQuery, hasMore: Bool) -> String? {
        guard hasMore else { return nil }
        var components = URLComponents()
        components.path = url.path
        components.queryItems = query.queryItems(page: query.page + 1).map { URLQueryItem(name: $0.0, value: $0.1) }
        return components.string
    }
}
