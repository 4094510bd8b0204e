/// The Codable form of values that are written as text (addresses, ranges, patterns, versions): a JSON string, read
/// back with the same parser as user input, so a stored value can never hold what a user could not have typed.
enum TextCoding {
    /// Decodes a string and parses it with `parse`; a parse error becomes a `DecodingError` with its message.
    static func decode<Value>(from decoder: any Decoder, _ parse: (String) throws -> Value) throws -> Value {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            return try parse(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: String(describing: error))
        }
    }

    /// Encodes `text` as a single string.
    static func encode(_ text: String, to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
