extension KeyedDecodingContainer {
    /// A field of a `PATCH` body that can be cleared: nil when it is left out, `.some(nil)` when it is `null`, the
    /// value otherwise.
    func decodeNullable<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T?? {
        guard contains(key) else { return nil }
        if try decodeNil(forKey: key) { return .some(nil) }
        return .some(try decode(T.self, forKey: key))
    }
}
