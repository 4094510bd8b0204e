import Foundation
import ParcCore

/// Mounted file systems from `/proc/self/mountinfo`, with size and free space (`statvfs`), label and UUID (the
/// links in `/dev/disk/by-label` and `by-uuid`). Kernel and memory file systems (proc, sysfs, tmpfs, cgroup…),
/// snap images and container layers are left out, and a file system mounted twice at the same root is listed once.
/// A network file system's usage is asked for with a time limit: a server that is gone must not hang the agent.
struct VolumeCollector: InventoryCollector {
    let environment: InventoryEnvironment
    var name: String { "volumes" }
    var sections: Set<InventorySection> { [.volumes] }

    static let pseudoFileSystems: Set<String> = [
        "autofs", "binfmt_misc", "bpf", "cgroup", "cgroup2", "configfs", "debugfs", "devpts", "devtmpfs", "efivarfs",
        "fusectl", "hugetlbfs", "mqueue", "nsfs", "proc", "pstore", "ramfs", "rpc_pipefs", "securityfs", "selinuxfs",
        "sysfs", "tmpfs", "tracefs", "squashfs", "nfsd", "fuse.lxcfs", "fuse.gvfsd-fuse", "fuse.portal",
        "fuse.snapfuse", "fuse.xdg-document-portal", "overlay", "aufs", "devfs", "usbfs",
    ]

    static let networkFileSystems: Set<String> = [
        "nfs", "nfs4", "cifs", "smb3", "smbfs", "ceph", "glusterfs", "fuse.glusterfs", "fuse.sshfs", "sshfs", "afs",
        "davfs", "fuse.rclone", "9p", "fuse.s3fs", "lustre", "gpfs",
    ]

    func collect(into report: inout InventoryReport, notes: inout [CollectorNote]) {
        guard let text = environment.text("/proc/self/mountinfo", for: name, notes: &notes, limit: 16 << 20) else {
            notes.append(.init(collector: name, reason: .unavailable, message: "no /proc/self/mountinfo: volumes unknown"))
            return
        }
        let uuids = links(in: "/dev/disk/by-uuid")
        let labels = links(in: "/dev/disk/by-label")
        var seen: Set<String> = []
        var volumes: [InventoryReport.Volume] = []
        for mount in MountInfoParser.parse(text) where Self.isKept(mount) {
            guard seen.insert(mount.device + " " + mount.root).inserted else { continue }
            var volume = InventoryReport.Volume()
            volume.type = InventoryText.clean(mount.mountPoint)
            volume.volume = InventoryText.clean(mount.source)
            volume.fileSystem = InventoryText.clean(mount.fileSystem)
            let device = mount.source.hasPrefix("/dev/") ? environment.files.resolvedPath(mount.source) ?? mount.source : nil
            volume.serial = device.flatMap { uuids[$0] }
            volume.label = device.flatMap { labels[$0] }
            let isNetwork = Self.networkFileSystems.contains(mount.fileSystem)
            if let usage = environment.fileSystemUsage(mount.mountPoint, isNetwork ? 3 : 0) {
                volume.totalBytes = usage.totalBytes
                volume.freeBytes = usage.freeBytes
            } else if isNetwork {
                notes.append(
                    .init(
                        collector: name, reason: .unreadable,
                        message: "no answer about the size of \(mount.mountPoint) (\(mount.source)) within 3 s"))
            }
            volumes.append(volume)
        }
        report.volumes = volumes
        report.sections.insert(.volumes)
    }

    /// A file system worth listing: not a kernel or memory one, and overlay only as a container's root.
    static func isKept(_ mount: MountInfoParser.Mount) -> Bool {
        if mount.fileSystem == "overlay" { return mount.mountPoint == "/" }
        return !pseudoFileSystems.contains(mount.fileSystem) && !mount.fileSystem.isEmpty
    }

    /// The device each link of a `/dev/disk/by-…` directory leads to → the link's name (`\x20` decoded).
    func links(in directory: String) -> [String: String] {
        var map: [String: String] = [:]
        for entry in environment.files.list(directory) ?? [] {
            guard let device = environment.files.resolvedPath(directory + "/" + entry) else { continue }
            map[device] = InventoryText.clean(entry.replacingOccurrences(of: "\\x20", with: " "))
        }
        return map
    }
}
