/// The `oneFileSystem` rule: which directories are descended into.
enum ArchiveFileSystemBoundary {
    /// Whether to list a directory on device `directoryDevice` found under a backed-up path on
    /// device `backedUpPathDevice`. With `oneFileSystem`, a directory on another device (a mount
    /// point) is saved with its own metadata but none of its entries.
    static func descends(directoryDevice: UInt64, backedUpPathDevice: UInt64, oneFileSystem: Bool) -> Bool {
        !oneFileSystem || directoryDevice == backedUpPathDevice
    }
}
