import Foundation
import ParcCore
import Vapor

/// Builds the OpenAPI 3.1 document from the registered operations.
enum OpenAPIDocument {
    static func build(_ routes: APIRoutes, version: String) -> [String: Any] {
        var paths: [String: [String: Any]] = [:]
        for operation in routes.allOperations {
            var parameters: [[String: Any]] = operation.path.split(separator: "/")
                .filter { $0.hasPrefix("{") }
                .map { ["name": String($0.dropFirst().dropLast()), "in": "path", "required": true,
                        "schema": ["type": "string"]] }
            parameters += operation.query.map {
                ["name": $0.name, "in": "query", "required": false, "schema": $0.schema.json, "description": $0.description]
            }
            var entry: [String: Any] = [
                "summary": operation.summary,
                "tags": [operation.tag],
                "operationId": operationID(operation),
                "responses": responses(operation),
            ]
            if !parameters.isEmpty { entry["parameters"] = parameters }
            if let body = operation.requestBody {
                entry["requestBody"] = ["required": true, "content": [operation.requestMediaType: ["schema": body.json]]]
            }
            paths[operation.path, default: [:]][operation.method.rawValue.lowercased()] = entry
        }
        var schemas = routes.allSchemas.mapValues(\.json)
        schemas["Error"] = OpenAPISchema.object([
            "error": .object([
                "code": .string(description: "Stable machine-readable code"),
                "message": .string(description: "What was wrong and what to do"),
                "fields": .map(.string()),
            ], required: ["code", "message"]),
        ], required: ["error"]).json
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "Parc API",
                "version": version,
                "description": "REST API of Parc. Authenticate with 'Authorization: Bearer <token>' "
                    + "(create a token on your account page or with 'parc admin create-token').",
            ],
            "servers": [["url": "/"]],
            "security": [["bearerAuth": [String]()]],
            "paths": paths,
            "components": [
                "schemas": schemas,
                "securitySchemes": ["bearerAuth": ["type": "http", "scheme": "bearer"]],
            ],
        ]
    }

    private static func operationID(_ operation: APIRoutes.Operation) -> String {
        let words = operation.path.split(separator: "/").dropFirst(2)
            .map { $0.hasPrefix("{") ? "By" + $0.dropFirst().dropLast().capitalized : $0.capitalized }
        return operation.method.rawValue.lowercased() + words.joined().replacingOccurrences(of: "-", with: "")
    }

    private static func responses(_ operation: APIRoutes.Operation) -> [String: Any] {
        let error: [String: Any] = ["description": "Error", "content": ["application/json": ["schema":
            ["$ref": "#/components/schemas/Error"]]]]
        var responses: [String: Any] = ["400": error, "401": error, "403": error, "404": error]
        if operation.requestBody != nil { responses["409"] = error; responses["422"] = error }
        if operation.requestMediaType != "application/json" { responses["413"] = error; responses["415"] = error }
        if operation.responseMediaType != "application/json" {
            responses[String(operation.successStatus)] = [
                "description": "The file", "content": [operation.responseMediaType: ["schema":
                    ["type": "string", "format": "binary"]]],
            ]
        } else if let schema = operation.response {
            responses[String(operation.successStatus)] = [
                "description": "Success", "content": ["application/json": ["schema": schema.json]],
            ]
        } else {
            responses[String(operation.successStatus)] = ["description": "Success, no content"]
        }
        return responses
    }
}
