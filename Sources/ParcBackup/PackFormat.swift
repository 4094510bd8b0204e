/// Constants of the pack file layout (see docs/backup-format.md).
enum PackFormat {
    /// The last 8 bytes of every pack.
    static let magic: [UInt8] = Array("PARCPAK1".utf8)
    /// Trailer: encrypted header length (u32 LE) ‖ magic.
    static let trailerSize = 12
    /// Header plaintext prefix: version u8 ‖ entry count u32 LE.
    static let headerPrefixSize = 5
    /// Header format version.
    static let headerVersion: UInt8 = 1
    /// More entries than this in one pack is refused (a 64 MiB pack of 512 KiB chunks holds 128).
    static let maxEntries = 1 << 20

    /// Associated data of a blob: label ‖ type ‖ id, binding the ciphertext to its address.
    static func blobContext(type: BlobType, id: ObjectID) -> [UInt8] {
        Array("parc-backup v1 blob".utf8) + [type.rawValue] + id.bytes
    }

    /// Associated data of a pack header.
    static let headerContext: [UInt8] = Array("parc-backup v1 pack header".utf8)
}
