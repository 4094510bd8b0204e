import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What `lstat`/`fstat` said about one entry, in the units a ``Node`` records.
struct ArchiveFileStatus: Sendable, Equatable {
    var mode: UInt32
    var uid: UInt32
    var gid: UInt32
    var size: UInt64
    /// Nanoseconds since the Unix epoch.
    var mtime: Int64
    var ctime: Int64
    var device: UInt64
    var inode: UInt64
    var links: UInt64
    /// `st_rdev`: the device a character or block device node stands for.
    var rdev: UInt64
    /// Bytes the file system allocated (`st_blocks` × 512): fewer than `size` hints at holes.
    var allocatedBytes: UInt64

    init(_ info: stat) {
        mode = UInt32(info.st_mode)
        uid = UInt32(info.st_uid)
        gid = UInt32(info.st_gid)
        size = UInt64(max(Int64(info.st_size), 0))
        #if canImport(Darwin)
            mtime = Self.nanoseconds(info.st_mtimespec)
            ctime = Self.nanoseconds(info.st_ctimespec)
        #else
            mtime = Self.nanoseconds(info.st_mtim)
            ctime = Self.nanoseconds(info.st_ctim)
        #endif
        device = UInt64(truncatingIfNeeded: info.st_dev)
        inode = UInt64(truncatingIfNeeded: info.st_ino)
        links = UInt64(truncatingIfNeeded: info.st_nlink)
        rdev = UInt64(truncatingIfNeeded: info.st_rdev)
        allocatedBytes = UInt64(max(Int64(info.st_blocks), 0)) &* 512
    }

    /// A status built field by field (tests of pure rules).
    init(
        mode: UInt32, size: UInt64 = 0, mtime: Int64 = 0, ctime: Int64 = 0, device: UInt64 = 0, inode: UInt64 = 0,
        links: UInt64 = 1
    ) {
        self.mode = mode
        self.uid = 0
        self.gid = 0
        self.size = size
        self.mtime = mtime
        self.ctime = ctime
        self.device = device
        self.inode = inode
        self.links = links
        self.rdev = 0
        self.allocatedBytes = size
    }

    private static func nanoseconds(_ time: timespec) -> Int64 {
        Int64(time.tv_sec) &* 1_000_000_000 &+ Int64(time.tv_nsec)
    }

    /// The node type of this entry (nil for a kind Parc does not know).
    var nodeType: NodeType? {
        switch mode & 0o170000 {
        case 0o100000: .file
        case 0o040000: .dir
        case 0o120000: .symlink
        case 0o010000: .fifo
        case 0o020000: .chardev
        case 0o060000: .blockdev
        case 0o140000: .socket
        default: nil
        }
    }

    /// Whether `other` describes the same version of the same file: same inode on the same
    /// device, same size, modification and status-change times. A write changes `mtime` (and
    /// `ctime`), so a file rewritten between two looks at it differs here.
    func isSameVersion(as other: ArchiveFileStatus) -> Bool {
        size == other.size && mtime == other.mtime && ctime == other.ctime && inode == other.inode
            && device == other.device
    }

    /// The node for this entry with everything but content, subtree and target.
    func node(name: Data, type: NodeType, owners: ArchiveOwnerNames, xattrs: [ExtendedAttribute]?) -> Node {
        Node(
            name: name, type: type, mode: mode, uid: uid, gid: gid, user: owners.userName(uid), group: owners.groupName(gid),
            mtime: mtime, ctime: ctime, deviceID: device, inode: inode, links: links,
            size: type == .file || type == .symlink ? size : 0,
            device: type == .chardev || type == .blockdev ? rdev : nil,
            xattrs: xattrs)
    }
}
