/// When an incremental or differential run may skip reading a file.
enum ArchiveChangeRule {
    /// Whether the file now described by `status` is the one `base` recorded, so its content can
    /// be reused unread: both regular files with the same size, modification and status-change
    /// times, inode and device, a content check recorded, and every content blob still in the
    /// repository (`isStored`).
    static func isUnchanged(_ status: ArchiveFileStatus, base: Node?, isStored: (Node) -> Bool) -> Bool {
        guard let base, base.type == .file, status.nodeType == .file, base.hasContentCheck else { return false }
        return base.size == status.size && base.mtime == status.mtime && base.ctime == status.ctime
            && base.inode == status.inode && base.deviceID == status.device && isStored(base)
    }
}
