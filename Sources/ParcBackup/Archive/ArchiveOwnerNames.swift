import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// User and group names by ID (`getpwuid_r`, `getgrgid_r`), looked up once per ID and run.
final class ArchiveOwnerNames: @unchecked Sendable {
    private let lock = NSLock()
    private var users: [UInt32: String?] = [:]
    private var groups: [UInt32: String?] = [:]

    /// The name of user `uid`, or nil when the system has none.
    func userName(_ uid: UInt32) -> String? {
        lock.lock()
        if let known = users[uid] {
            lock.unlock()
            return known
        }
        lock.unlock()
        let name = Self.lookUpUser(uid)
        lock.lock()
        users[uid] = .some(name)
        lock.unlock()
        return name
    }

    /// The name of group `gid`, or nil when the system has none.
    func groupName(_ gid: UInt32) -> String? {
        lock.lock()
        if let known = groups[gid] {
            lock.unlock()
            return known
        }
        lock.unlock()
        let name = Self.lookUpGroup(gid)
        lock.lock()
        groups[gid] = .some(name)
        lock.unlock()
        return name
    }

    private static func lookUpUser(_ uid: UInt32) -> String? {
        var entry = passwd()
        var found: UnsafeMutablePointer<passwd>?
        var size = 1024
        while size <= 1 << 20 {
            var buffer = [CChar](repeating: 0, count: size)
            let status = getpwuid_r(uid_t(uid), &entry, &buffer, size, &found)
            if status == ERANGE {
                size *= 4
                continue
            }
            guard status == 0, found != nil, let name = entry.pw_name else { return nil }
            return String(cString: name)
        }
        return nil
    }

    private static func lookUpGroup(_ gid: UInt32) -> String? {
        var entry = group()
        var found: UnsafeMutablePointer<group>?
        var size = 1024
        while size <= 1 << 20 {
            var buffer = [CChar](repeating: 0, count: size)
            let status = getgrgid_r(gid_t(gid), &entry, &buffer, size, &found)
            if status == ERANGE {
                size *= 4
                continue
            }
            guard status == 0, found != nil, let name = entry.gr_name else { return nil }
            return String(cString: name)
        }
        return nil
    }
}
