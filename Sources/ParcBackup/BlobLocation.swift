/// Where a blob is stored: its pack and its entry there.
public struct BlobLocation: Sendable, Hashable {
    /// The pack's ID.
    public let pack: ObjectID
    /// The blob's entry in that pack.
    public let entry: PackEntry

    /// A location.
    public init(pack: ObjectID, entry: PackEntry) {
        self.pack = pack
        self.entry = entry
    }
}
