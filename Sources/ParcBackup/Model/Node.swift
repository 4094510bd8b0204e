import Foundation

/// What a tree node is.
public enum NodeType: String, Sendable, Codable, CaseIterable {
    case file, dir, symlink, fifo, chardev, blockdev, socket
}

/// One extended attribute: raw name and value bytes.
public struct ExtendedAttribute: Sendable, Hashable, Codable {
    /// The attribute's name (`user.comment`, `security.selinux`…), raw bytes.
    public var name: Data
    /// Its value, raw bytes.
    public var value: Data

    /// An attribute.
    public init(name: Data, value: Data) {
        self.name = name
        self.value = value
    }
}

/// One entry of a directory in a snapshot (format §8): its metadata and, for a file, its content
/// as data blobs, for a directory, its tree blob.
public struct Node: Sendable, Hashable, Codable {
    /// The entry's name in its directory: raw bytes, so names that are not UTF-8 survive.
    public var name: Data
    /// File, directory, symbolic link…
    public var type: NodeType
    /// The full `st_mode` (type and permission bits, setuid/setgid/sticky).
    public var mode: UInt32
    /// Owner and group IDs.
    public var uid: UInt32
    public var gid: UInt32
    /// Owner and group names when the system knows them (restore prefers IDs).
    public var user: String?
    public var group: String?
    /// Modification and status-change times, nanoseconds since the Unix epoch.
    public var mtime: Int64
    public var ctime: Int64
    /// Device (`st_dev`) and inode: with `links` > 1, files sharing both are hard links of each other.
    public var deviceID: UInt64
    public var inode: UInt64
    /// Number of hard links (`st_nlink`).
    public var links: UInt64
    /// Size in bytes (files: the content length; symlinks: the target length).
    public var size: UInt64
    /// Files: the data blobs of the content, in order.
    public var content: [ObjectID]?
    /// Directories: the tree blob of their entries.
    public var subtree: ObjectID?
    /// Symbolic links: the target, raw bytes.
    public var target: Data?
    /// Character and block devices: `st_rdev`.
    public var device: UInt64?
    /// Extended attributes, sorted by name bytes.
    public var xattrs: [ExtendedAttribute]?
    /// Files: whether the source had holes (restore recreates runs of zeros as holes).
    public var sparse: Bool?
    /// Files: SHA-256 of the whole content, checked by restore and drills. From format version 2
    /// only files of at most one blob record it (it is then that blob's ID, or the hash of nothing);
    /// a file of several blobs is checked against their IDs (``hasContentCheck``).
    public var contentSHA256: ObjectID?

    /// Files: whether the node records what a restore or drill checks the content against: the
    /// whole-file SHA-256, or the IDs of several blobs (format version 2).
    public var hasContentCheck: Bool {
        contentSHA256 != nil || (content?.count ?? 0) > 1
    }

    /// A node; the optional parts default to absent.
    public init(
        name: Data, type: NodeType, mode: UInt32, uid: UInt32 = 0, gid: UInt32 = 0, user: String? = nil,
        group: String? = nil, mtime: Int64 = 0, ctime: Int64 = 0, deviceID: UInt64 = 0, inode: UInt64 = 0,
        links: UInt64 = 1, size: UInt64 = 0, content: [ObjectID]? = nil, subtree: ObjectID? = nil,
        target: Data? = nil, device: UInt64? = nil, xattrs: [ExtendedAttribute]? = nil, sparse: Bool? = nil,
        contentSHA256: ObjectID? = nil
    ) {
        self.name = name
        self.type = type
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.user = user
        self.group = group
        self.mtime = mtime
        self.ctime = ctime
        self.deviceID = deviceID
        self.inode = inode
        self.links = links
        self.size = size
        self.content = content
        self.subtree = subtree
        self.target = target
        self.device = device
        self.xattrs = xattrs
        self.sparse = sparse
        self.contentSHA256 = contentSHA256
    }

    /// The name as text for people: UTF-8 when it is, otherwise with each invalid byte as `\xNN`.
    public var displayName: String { Node.display(name) }

    /// Renders raw path bytes for people: valid UTF-8 as is, other bytes as `\xNN`.
    public static func display(_ bytes: Data) -> String {
        if let text = String(data: bytes, encoding: .utf8) { return text }
        var out = ""
        var index = bytes.startIndex
        while index < bytes.endIndex {
            // Take the longest valid UTF-8 sequence starting here (1…4 bytes), else escape one byte.
            var matched = false
            for length in (1...4).reversed() where bytes.distance(from: index, to: bytes.endIndex) >= length {
                let end = bytes.index(index, offsetBy: length)
                if let text = String(data: bytes[index..<end], encoding: .utf8), text.unicodeScalars.count == 1 {
                    out += text
                    index = end
                    matched = true
                    break
                }
            }
            if !matched {
                out += String(format: "\\x%02x", bytes[index])
                index = bytes.index(after: index)
            }
        }
        return out
    }

    private enum CodingKeys: String, CodingKey {
        case name, type, mode, uid, gid, user, group, mtime, ctime, inode, links, size, content, subtree, target
        case device, xattrs, sparse
        case deviceID = "device_id"
        case contentSHA256 = "content_sha256"
    }
}
