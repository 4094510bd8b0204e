import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The live parts of ``InventoryEnvironment``: system calls and processes.
enum LiveSystem {
    /// `uname(2)`.
    static func kernel() -> InventoryEnvironment.Kernel {
        var name = utsname()
        guard uname(&name) == 0 else {
            return .init(name: "", hostName: ProcessInfo.processInfo.hostName, release: "", version: "", machine: "")
        }
        func text<Field>(_ field: inout Field) -> String {
            withUnsafePointer(to: &field) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
        }
        return .init(
            name: text(&name.sysname), hostName: text(&name.nodename), release: text(&name.release),
            version: text(&name.version), machine: text(&name.machine))
    }

    /// `getifaddrs(3)`: every IPv4 and IPv6 address with its mask.
    static func interfaceAddresses() -> [InventoryEnvironment.InterfaceAddress] {
        var first: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&first) == 0 else { return [] }
        defer { freeifaddrs(first) }
        var addresses: [InventoryEnvironment.InterfaceAddress] = []
        var cursor = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard let address = entry.pointee.ifa_addr, let name = entry.pointee.ifa_name else { continue }
            let family = Int32(address.pointee.sa_family)
            guard family == AF_INET || family == AF_INET6, let text = numeric(address) else { continue }
            addresses.append(
                .init(
                    interface: String(cString: name), address: text, mask: entry.pointee.ifa_netmask.flatMap(numeric),
                    isIPv6: family == AF_INET6))
        }
        return addresses
    }

    /// An IPv4 or IPv6 socket address as text.
    static func numeric(_ address: UnsafeMutablePointer<sockaddr>) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let family = Int32(address.pointee.sa_family)
        let written: UnsafePointer<CChar>?
        switch family {
        case AF_INET:
            written = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { inet in
                withUnsafePointer(to: &inet.pointee.sin_addr) {
                    inet_ntop(AF_INET, $0, &buffer, socklen_t(buffer.count))
                }
            }
        case AF_INET6:
            written = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { inet6 in
                withUnsafePointer(to: &inet6.pointee.sin6_addr) {
                    inet_ntop(AF_INET6, $0, &buffer, socklen_t(buffer.count))
                }
            }
        default:
            return nil
        }
        guard written != nil else { return nil }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// `statvfs(3)`; with a time limit above zero, on a thread of its own, given up on when it takes longer (the
    /// blocked thread is left behind: a hung NFS mount cannot be interrupted).
    static func fileSystemUsage(_ mountPoint: String, timeLimit: Double) -> InventoryEnvironment.FileSystemUsage? {
        guard timeLimit > 0 else { return statFileSystem(mountPoint) }
        let result = UsageBox()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            result.set(statFileSystem(mountPoint))
            done.signal()
        }
        guard done.wait(timeout: .now() + timeLimit) == .success else { return nil }
        return result.get()
    }

    static func statFileSystem(_ mountPoint: String) -> InventoryEnvironment.FileSystemUsage? {
        var info = statvfs()
        guard statvfs(mountPoint, &info) == 0 else { return nil }
        let unit = Int(info.f_frsize > 0 ? info.f_frsize : info.f_bsize)
        guard let total = InventoryText.multiply(Int(exactly: info.f_blocks), by: unit),
            let free = InventoryText.multiply(Int(exactly: info.f_bavail), by: unit)
        else { return nil }
        return .init(totalBytes: total, freeBytes: free)
    }

    /// Runs a command with `LC_ALL=C`, a minimal `PATH`, no standard input and default signal handling, both
    /// outputs captured (at most 64 MiB each); nil when it cannot start, or outlives the time limit (it is then
    /// killed).
    ///
    /// `posix_spawn` and `poll` in the calling thread rather than Foundation's `Process`, which starts two threads
    /// and costs the agent 1.5 MB of memory (docs/benchmarks.md), and whose children inherit the spawning thread's
    /// blocked signals.
    static func run(_ executable: String, _ arguments: [String], timeLimit: Double) -> InventoryEnvironment
        .CommandResult?
    {
        var outputPipe: [Int32] = [-1, -1]
        var errorPipe: [Int32] = [-1, -1]
        guard pipe(&outputPipe) == 0 else { return nil }
        guard pipe(&errorPipe) == 0 else {
            outputPipe.forEach { close($0) }
            return nil
        }
        // Only the child's standard output and error get them (posix_spawn's dup2 clears the flag there).
        (outputPipe + errorPipe).forEach { _ = fcntl($0, F_SETFD, FD_CLOEXEC) }
        guard let pid = spawn(executable, arguments, output: outputPipe[1], errorOutput: errorPipe[1]) else {
            (outputPipe + errorPipe).forEach { close($0) }
            return nil
        }
        close(outputPipe[1])
        close(errorPipe[1])
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(max(0, timeLimit) * 1e9)
        let captured = drain([outputPipe[0], errorPipe[0]], until: deadline)
        guard let captured, let status = waitForExit(pid, until: deadline) else {
            kill(pid, SIGKILL)
            var ignored: Int32 = 0
            waitpid(pid, &ignored, 0)
            return nil
        }
        return .init(status: status, output: captured[0], errorOutput: captured[1])
    }

    /// Starts `executable` with its standard output and error on the given descriptors; the child's process id.
    static func spawn(_ executable: String, _ arguments: [String], output: Int32, errorOutput: Int32) -> pid_t? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, errorOutput, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let words: [String] = [executable] + arguments
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        let settings: [String] = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C"]
        let envp: [UnsafeMutablePointer<CChar>?] = settings.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, executable, &actions, &attributes, argv, envp) == 0 else { return nil }
        return pid
    }

    /// Reads the descriptors until each ends (then closes it); nil at the deadline or beyond 64 MiB.
    static func drain(_ descriptors: [Int32], until deadline: UInt64) -> [[UInt8]]? {
        var polled = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        var captured = descriptors.map { _ in [UInt8]() }
        defer { polled.filter { $0.fd >= 0 }.forEach { close($0.fd) } }
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while polled.contains(where: { $0.fd >= 0 }) {
            let now = DispatchTime.now().uptimeNanoseconds
            guard now < deadline else { return nil }
            let ready = poll(&polled, nfds_t(polled.count), Int32(min(1_000, (deadline - now) / 1_000_000 + 1)))
            if ready < 0 && errno != EINTR { return nil }
            for index in polled.indices where polled[index].fd >= 0 && polled[index].revents != 0 {
                let count = read(polled[index].fd, &chunk, chunk.count)
                if count > 0 {
                    captured[index].append(contentsOf: chunk[0..<count])
                    guard captured[index].count <= 64 << 20 else { return nil }
                } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                    close(polled[index].fd)
                    polled[index].fd = -1
                }
            }
        }
        return captured
    }

    /// The child's exit status (128 + the signal when a signal ended it); nil when it still runs at the deadline.
    static func waitForExit(_ pid: pid_t, until deadline: UInt64) -> Int32? {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { break }
            if result < 0 && errno != EINTR { return nil }
            guard DispatchTime.now().uptimeNanoseconds < deadline else { return nil }
            usleep(2_000)
        }
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }
}

/// A value handed from one thread to another.
private final class UsageBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: InventoryEnvironment.FileSystemUsage?

    func set(_ value: InventoryEnvironment.FileSystemUsage?) { lock.withLock { self.value = value } }
    func get() -> InventoryEnvironment.FileSystemUsage? { lock.withLock { value } }
}
