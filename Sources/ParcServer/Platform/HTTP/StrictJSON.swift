import Foundation
import Fluent
import Vapor

/// A request body type that names the fields it accepts, so that unknown fields are refused
/// instead of silently ignored (a typo in a script must not lose the value it meant to set).
protocol StrictContent: Decodable {
    static var acceptedFields: Set<String> { get }
    /// The fields accepted inside an object field (`changes` of a bulk edit → its fields), refused alike.
    static var nestedAcceptedFields: [String: Set<String>] { get }
}

extension StrictContent {
    static var nestedAcceptedFields: [String: Set<String>] { [:] }
}

extension Request {
    /// Decodes the JSON body into `T`, refusing invalid UTF-8, malformed JSON, non-objects, unknown
    /// fields and wrong types with a 400/422 in the API's error format.
    ///
    /// The agent API passes its own decoder (RFC 3339 dates with or without fractions) and answers
    /// unknown fields with 400 instead of 422 (docs/agent-api.md).
    func decodeStrict<T: StrictContent>(_ type: T.Type, decoder: JSONDecoder = .parc,
                                        unknownFieldsStatus: HTTPResponseStatus = .unprocessableEntity) throws -> T {
        guard let contentType = headers.contentType, contentType == .json || contentType.subType.hasSuffix("+json")
        else {
            throw ParcError(.unsupportedMediaType, code: "unsupported_media_type",
                            "Send the body as JSON with 'Content-Type: application/json'.")
        }
        guard let buffer = body.data else {
            throw ParcError.badRequest("empty_body", "The request body is empty; send a JSON object.")
        }
        let data = Data(buffer.readableBytesView)
        guard String(data: data, encoding: .utf8) != nil else {
            throw ParcError.badRequest("invalid_utf8", "The request body is not valid UTF-8.")
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            throw ParcError.badRequest("malformed_json", "The request body is not valid JSON.")
        }
        guard let dictionary = object as? [String: Any] else {
            throw ParcError.badRequest("malformed_json", "The request body must be a JSON object.")
        }
        let unknown = Set(dictionary.keys).subtracting(T.acceptedFields).sorted()
        if !unknown.isEmpty {
            throw ParcError(unknownFieldsStatus, code: "unknown_fields",
                "Unknown field(s): \(unknown.map { String($0.prefix(60)) }.joined(separator: ", ")). "
                    + "Accepted fields: \(T.acceptedFields.sorted().joined(separator: ", ")).")
        }
        for (field, accepted) in T.nestedAcceptedFields.sorted(by: { $0.key < $1.key }) {
            guard let nested = dictionary[field] as? [String: Any] else { continue }
            let unknown = Set(nested.keys).subtracting(accepted).sorted()
            if !unknown.isEmpty {
                throw ParcError(unknownFieldsStatus, code: "unknown_fields",
                    "Unknown field(s) in \(field): \(unknown.map { String($0.prefix(60)) }.joined(separator: ", ")). "
                        + "Accepted fields: \(accepted.sorted().joined(separator: ", ")).")
            }
        }
        do {
            return try decoder.decode(T.self, from: data)
        } catch let DecodingError.typeMismatch(expected, context), let DecodingError.valueNotFound(expected, context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw ParcError.validation([field: "expected \(Self.describe(expected))"])
        } catch let DecodingError.keyNotFound(key, _) {
            throw ParcError.validation([key.stringValue: "is required"])
        } catch let DecodingError.dataCorrupted(context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw ParcError.validation([field.isEmpty ? "body" : field: context.debugDescription])
        } catch {
            throw ParcError.badRequest("malformed_json", "The request body could not be read: \(error)")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Double.Type: "a number"
        case is UUID.Type: "a UUID string"
        default: "a value of type \(type)"
        }
    }
}

extension JSONDecoder {
    static var parc: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}

extension JSONEncoder {
    static var parc: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
