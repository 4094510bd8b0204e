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

    /// Runs a command with `LC_ALL=C` and a minimal `PATH`, both outputs captured; nil when it cannot start or
    /// outlives the time limit (it is then killed).
    static func run(_ executable: String, _ arguments: [String], timeLimit: Double) -> InventoryEnvironment
        .CommandResult?
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C"]
        let output = Pipe()
        let errorOutput = Pipe()
        process.standardOutput = output
        process.standardError = errorOutput
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return nil
        }
        let captured = OutputBox()
        let readers = DispatchGroup()
        let outputHandle = output.fileHandleForReading
        let errorHandle = errorOutput.fileHandleForReading
        DispatchQueue.global().async(group: readers) { captured.setOutput(outputHandle.readDataToEndOfFile()) }
        DispatchQueue.global().async(group: readers) { captured.setError(errorHandle.readDataToEndOfFile()) }
        guard readers.wait(timeout: .now() + timeLimit) == .success else {
            // SIGKILL: the child inherits the spawning thread's blocked signals, SIGTERM among them.
            kill(process.processIdentifier, SIGKILL)
            _ = readers.wait(timeout: .now() + 2)
            return nil
        }
        process.waitUntilExit()
        let (out, err) = captured.get()
        return .init(status: process.terminationStatus, output: [UInt8](out), errorOutput: [UInt8](err))
    }
}

/// A value handed from one thread to another.
private final class UsageBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: InventoryEnvironment.FileSystemUsage?

    func set(_ value: InventoryEnvironment.FileSystemUsage?) { lock.withLock { self.value = value } }
    func get() -> InventoryEnvironment.FileSystemUsage? { lock.withLock { value } }
}

/// A command's two outputs, filled by two reader threads.
private final class OutputBox: @unchecked Sendable {
    private let lock = NSLock()
    private var output = Data()
    private var errorOutput = Data()

    func setOutput(_ data: Data) { lock.withLock { output = data } }
    func setError(_ data: Data) { lock.withLock { errorOutput = data } }
    func get() -> (Data, Data) { lock.withLock { (output, errorOutput) } }
}
