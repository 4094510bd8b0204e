/// The header fields of an inbound message or MIME part, in the order received; repeated fields are all kept.
public struct InboundHeaderFields: Sendable, Hashable, RandomAccessCollection {
    /// The fields in order.
    public var fields: [InboundHeaderField]

    /// Creates a header from fields.
    public init(_ fields: [InboundHeaderField] = []) {
        self.fields = fields
    }

    /// The index of the first field.
    public var startIndex: Int { fields.startIndex }
    /// The index after the last field.
    public var endIndex: Int { fields.endIndex }
    /// The field at `position`.
    public subscript(position: Int) -> InboundHeaderField { fields[position] }

    /// The value of the first field called `name` (without case), or nil.
    public subscript(_ name: String) -> String? {
        first(named: name)?.value
    }

    /// The first field called `name` (without case), or nil.
    public func first(named name: String) -> InboundHeaderField? {
        fields.first { $0.hasName(name) }
    }

    /// The values of every field called `name` (without case), in order.
    public func values(named name: String) -> [String] {
        fields.filter { $0.hasName(name) }.map(\.value)
    }

    /// Whether a field called `name` is present.
    public func contains(_ name: String) -> Bool {
        fields.contains { $0.hasName(name) }
    }
}
