import Foundation

/// A JSON Schema fragment for the OpenAPI document, built in Swift next to the route it documents.
indirect enum OpenAPISchema: Sendable {
    case string(format: String? = nil, description: String? = nil, enumValues: [String]? = nil)
    case integer
    case number
    case boolean
    case array(OpenAPISchema)
    case object([String: OpenAPISchema], required: [String])
    case ref(String)
    case nullable(OpenAPISchema)
    case map(OpenAPISchema)
    /// A string, a number or null, for tables whose columns differ (reports).
    case scalar(description: String)

    var json: [String: Any] {
        switch self {
        case let .string(format, description, enumValues):
            var schema: [String: Any] = ["type": "string"]
            if let format { schema["format"] = format }
            if let description { schema["description"] = description }
            if let enumValues { schema["enum"] = enumValues }
            return schema
        case .integer: return ["type": "integer"]
        case .number: return ["type": "number"]
        case .boolean: return ["type": "boolean"]
        case let .array(items): return ["type": "array", "items": items.json]
        case let .object(properties, required):
            var schema: [String: Any] = [
                "type": "object", "additionalProperties": false,
                "properties": properties.mapValues(\.json),
            ]
            if !required.isEmpty { schema["required"] = required.sorted() }
            return schema
        case let .ref(name): return ["$ref": "#/components/schemas/\(name)"]
        case let .nullable(inner):
            // OpenAPI 3.1 (JSON Schema 2020-12): a union with null.
            return ["oneOf": [inner.json, ["type": "null"]]]
        case let .map(values): return ["type": "object", "additionalProperties": values.json]
        case let .scalar(description): return ["type": ["string", "number", "null"], "description": description]
        }
    }

    static let uuid = OpenAPISchema.string(format: "uuid")
    static let dateTime = OpenAPISchema.string(format: "date-time")

    /// The list envelope (`ListResponse`) of items of the named schema.
    static func list(of name: String) -> OpenAPISchema {
        .object(["items": .array(.ref(name)), "total": .integer, "next": .nullable(.string())],
                required: ["items", "total", "next"])
    }

    /// A list whose total is counted up to a limit (``CountedPage``, decision 0059): `total` is exact unless
    /// `total_capped` is true, which says that more than `total` match.
    static func cappedList(of name: String) -> OpenAPISchema {
        .object(["items": .array(.ref(name)),
                 "total": .integer, "total_capped": .boolean, "next": .nullable(.string())],
                required: ["items", "total", "next"])
    }
}
