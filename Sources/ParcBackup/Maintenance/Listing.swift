import Foundation

/// One entry of a snapshot as `ls` shows it: its full path inside the snapshot and its node.
public struct ListedNode: Sendable, Hashable {
    /// The absolute path inside the snapshot, raw bytes (`/home/ana/notes.txt`).
    public let path: Data
    /// The node: type, mode, owner, size, times, content…
    public let node: Node

    /// A listed node.
    public init(path: Data, node: Node) {
        self.path = path
        self.node = node
    }

    /// The path for people: UTF-8 as is, other bytes as `\xNN`.
    public var displayPath: String { Node.display(path) }

    /// `ls -l` style line: mode, owner/group, size, modification time in `timeZone`, path
    /// (and `-> target` for a symbolic link).
    public func line(timeZone: TimeZone = .current) -> String {
        let owner = (node.user ?? String(node.uid)) + "/" + (node.group ?? String(node.gid))
        let size = String(node.size)
        var text = node.modeString + "  " + owner + "  " + String(repeating: " ", count: max(0, 12 - size.count)) + size
        text += "  " + maintenanceLocalTime(nanoseconds: node.mtime, timeZone: timeZone) + "  " + displayPath
        if let target = node.target { text += " -> " + Node.display(target) }
        return text
    }

    /// The structured form (for JSON).
    public var record: ListedNodeRecord { ListedNodeRecord(self) }
}

/// A listed node in a form for JSON: text fields as people read them, numbers as stored.
public struct ListedNodeRecord: Sendable, Hashable, Codable {
    /// Full path inside the snapshot (non-UTF-8 bytes as `\xNN`).
    public var path: String
    /// `file`, `dir`, `symlink`, `fifo`, `chardev`, `blockdev`, `socket`.
    public var type: String
    /// The full `st_mode`, and its `ls` form (`-rw-r--r--`).
    public var mode: UInt32
    public var permissions: String
    public var uid: UInt32
    public var gid: UInt32
    public var user: String?
    public var group: String?
    public var size: UInt64
    /// Modification time, RFC 3339 UTC with milliseconds, and in nanoseconds since the epoch.
    public var mtime: String
    public var mtimeNanoseconds: Int64
    public var links: UInt64
    public var inode: UInt64
    /// Symbolic links: the target (non-UTF-8 bytes as `\xNN`).
    public var target: String?
    /// Devices: `st_rdev`.
    public var device: UInt64?

    init(_ listed: ListedNode) {
        let node = listed.node
        path = listed.displayPath
        type = node.type.rawValue
        mode = node.mode
        permissions = node.modeString
        uid = node.uid
        gid = node.gid
        user = node.user
        group = node.group
        size = node.size
        mtime = SnapshotTime.format(Date(timeIntervalSince1970: Double(node.mtime) / 1e9))
        mtimeNanoseconds = node.mtime
        links = node.links
        inode = node.inode
        target = node.target.map(Node.display)
        device = node.device
    }

    private enum CodingKeys: String, CodingKey {
        case path, type, mode, permissions, uid, gid, user, group, size, mtime, links, inode, target, device
        case mtimeNanoseconds = "mtime_ns"
    }
}

extension Node {
    /// The mode as `ls -l` prints it: type letter and permissions with setuid, setgid and sticky
    /// (`-rw-r--r--`, `drwxr-xr-x`, `lrwxrwxrwx`, `-rwsr-xr-x`, `drwxrwxrwt`).
    public var modeString: String {
        let letter: Character =
            switch type {
            case .file: "-"
            case .dir: "d"
            case .symlink: "l"
            case .fifo: "p"
            case .chardev: "c"
            case .blockdev: "b"
            case .socket: "s"
            }
        var text = String(letter)
        let specials: [(bit: UInt32, set: Character, unset: Character)] = [
            (0o4000, "s", "S"), (0o2000, "s", "S"), (0o1000, "t", "T"),
        ]
        for who in 0..<3 {
            let bits = (mode >> UInt32(6 - 3 * who)) & 0o7
            text.append(bits & 0o4 != 0 ? "r" : "-")
            text.append(bits & 0o2 != 0 ? "w" : "-")
            let special = mode & specials[who].bit != 0
            let execute = bits & 0o1 != 0
            text.append(special ? (execute ? specials[who].set : specials[who].unset) : (execute ? "x" : "-"))
        }
        return text
    }
}

extension Repository {
    /// Visits the nodes of a snapshot depth first, in name order: the whole tree, or the entry at
    /// `path` (raw bytes, absolute inside the snapshot) and, for a directory, what it holds.
    /// With `recursive` false, only one level below the directory is visited.
    ///
    /// - Throws: ``MaintenanceError/pathNotFound(path:snapshot:)`` when `path` is not in the
    ///   snapshot, a repository error when a tree cannot be read.
    public func forEachNode(
        in snapshot: Snapshot, under path: Data? = nil, recursive: Bool = true, index: BlobIndex,
        _ visit: (ListedNode) -> Void
    ) throws(MaintenanceError) {
        let components = (path ?? Data()).split(separator: UInt8(ascii: "/")).map { Data($0) }
        var directory = snapshot.tree
        var current = maintenanceRootPath
        for (position, component) in components.enumerated() {
            let tree = try maintenanceLoadTree(directory, index: index)
            guard let node = tree.node(named: component) else {
                throw .pathNotFound(path: Node.display(path ?? Data()), snapshot: nil)
            }
            current = maintenanceJoinPath(current, component)
            let isLast = position == components.count - 1
            if isLast { visit(ListedNode(path: current, node: node)) }
            guard let subtree = node.subtree else {
                if isLast { return }
                throw .pathNotFound(path: Node.display(path ?? Data()), snapshot: nil)
            }
            directory = subtree
        }
        try visitTree(directory, at: current, recursive: recursive, index: index, visit)
    }

    /// The nodes ``forEachNode(in:under:recursive:index:_:)`` visits, as a list.
    public func listNodes(
        in snapshot: Snapshot, under path: Data? = nil, recursive: Bool = true, index: BlobIndex
    ) throws(MaintenanceError) -> [ListedNode] {
        var nodes: [ListedNode] = []
        try forEachNode(in: snapshot, under: path, recursive: recursive, index: index) { nodes.append($0) }
        return nodes
    }

    /// Like ``listNodes(in:under:recursive:index:)`` with a path typed as text; `\xNN` escapes,
    /// as ls prints names that are not UTF-8, are accepted when the text itself is not found.
    public func listNodes(
        in snapshot: Snapshot, under path: String, recursive: Bool = true, index: BlobIndex
    ) throws(MaintenanceError) -> [ListedNode] {
        do {
            return try listNodes(in: snapshot, under: Data(path.utf8), recursive: recursive, index: index)
        } catch .pathNotFound {
            guard let raw = maintenanceUnescape(path), raw != Data(path.utf8) else {
                throw .pathNotFound(path: path, snapshot: nil)
            }
            return try listNodes(in: snapshot, under: raw, recursive: recursive, index: index)
        }
    }

    private func visitTree(
        _ id: ObjectID, at path: Data, recursive: Bool, index: BlobIndex, _ visit: (ListedNode) -> Void
    ) throws(MaintenanceError) {
        let tree = try maintenanceLoadTree(id, index: index)
        for node in tree.nodes {
            let child = maintenanceJoinPath(path, node.name)
            visit(ListedNode(path: child, node: node))
            if recursive, let subtree = node.subtree {
                try visitTree(subtree, at: child, recursive: true, index: index, visit)
            }
        }
    }

    func maintenanceLoadTree(_ id: ObjectID, index: BlobIndex) throws(MaintenanceError) -> Tree {
        do {
            return try loadTree(id, index: index)
        } catch {
            throw .repository(error)
        }
    }
}

/// Text with `\xNN` escapes back to raw bytes; nil when it has none.
func maintenanceUnescape(_ text: String) -> Data? {
    let bytes = Array(text.utf8)
    var out = Data()
    var index = 0
    var found = false
    while index < bytes.count {
        if bytes[index] == UInt8(ascii: "\\"), index + 3 < bytes.count, bytes[index + 1] == UInt8(ascii: "x"),
            bytes[index + 2...index + 3].allSatisfy({ Character(Unicode.Scalar($0)).isHexDigit }),
            let value = UInt8(String(decoding: bytes[index + 2...index + 3], as: UTF8.self), radix: 16)
        {
            out.append(value)
            index += 4
            found = true
        } else {
            out.append(bytes[index])
            index += 1
        }
    }
    return found ? out : nil
}

/// `2026-11-29 13:10:00` in `timeZone`, from nanoseconds since the epoch.
func maintenanceLocalTime(nanoseconds: Int64, timeZone: TimeZone) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = timeZone
    let seconds = nanoseconds >= 0 ? nanoseconds / 1_000_000_000 : (nanoseconds - 999_999_999) / 1_000_000_000
    let parts = calendar.dateComponents(
        [.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(seconds)))
    func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
    return "\(String(format: "%04d", parts.year ?? 0))-\(two(parts.month))-\(two(parts.day)) "
        + "\(two(parts.hour)):\(two(parts.minute)):\(two(parts.second))"
}
