import Foundation
import ParcCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Everything a collector learns from outside itself: files, the kernel's name, network addresses, file-system
/// usage, commands, the clock and the time zone. ``live()`` reads the machine; tests build one over a temporary
/// tree with fixed answers, so every collector runs against odd and hostile machines without being one.
public struct InventoryEnvironment: Sendable {
    /// The kernel's identity (`uname`).
    public struct Kernel: Sendable, Equatable {
        /// `Linux`.
        public var name: String
        /// The host name as the kernel knows it.
        public var hostName: String
        /// `6.1.0-18-amd64`.
        public var release: String
        /// `#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1`.
        public var version: String
        /// `x86_64`, `aarch64`.
        public var machine: String

        /// A kernel identity.
        public init(name: String, hostName: String, release: String, version: String, machine: String) {
            self.name = name
            self.hostName = hostName
            self.release = release
            self.version = version
            self.machine = machine
        }
    }

    /// One address of an interface, as `getifaddrs` lists it.
    public struct InterfaceAddress: Sendable, Equatable {
        /// The interface's name (`eth0`; `eth0:1` for a labelled IPv4 alias).
        public var interface: String
        /// Dotted quad or IPv6 text.
        public var address: String
        /// The net mask as an address (`255.255.255.0`, `ffff:ffff:ffff:ffff::`).
        public var mask: String?
        /// Whether this is an IPv6 address.
        public var isIPv6: Bool

        /// An address.
        public init(interface: String, address: String, mask: String?, isIPv6: Bool) {
            self.interface = interface
            self.address = address
            self.mask = mask
            self.isIPv6 = isIPv6
        }
    }

    /// Size and free space of a mounted file system.
    public struct FileSystemUsage: Sendable, Equatable {
        /// Size in bytes.
        public var totalBytes: Int
        /// Bytes an unprivileged user may still write (what `df` calls available).
        public var freeBytes: Int

        /// A usage.
        public init(totalBytes: Int, freeBytes: Int) {
            self.totalBytes = totalBytes
            self.freeBytes = freeBytes
        }
    }

    /// What a command printed, and how it ended.
    public struct CommandResult: Sendable, Equatable {
        /// Exit status (or 128 + signal).
        public var status: Int32
        /// Standard output.
        public var output: [UInt8]
        /// Standard error.
        public var errorOutput: [UInt8]

        /// A result.
        public init(status: Int32, output: [UInt8], errorOutput: [UInt8]) {
            self.status = status
            self.output = output
            self.errorOutput = errorOutput
        }
    }

    /// The machine's files.
    public var files: SystemFiles
    /// Whether the agent runs as root (some files and `dmidecode` need it).
    public var isRoot: Bool
    /// When the inventory runs.
    public var now: Date
    /// The machine's time zone: dates in the report are its wall-clock times.
    public var timeZone: LocalTimeZone
    /// `uname`.
    public var kernel: Kernel
    /// Every address of every interface (`getifaddrs`).
    public var interfaceAddresses: @Sendable () -> [InterfaceAddress]
    /// Usage of the file system mounted at a path (`statvfs`), within a time limit in seconds: a network file
    /// system whose server is gone would otherwise block the inventory for ever. Nil when unknown.
    public var fileSystemUsage: @Sendable (_ mountPoint: String, _ timeLimit: Double) -> FileSystemUsage?
    /// Runs an executable (absolute path) with arguments, with a time limit in seconds; nil when it cannot start
    /// or does not finish in time.
    public var runCommand: @Sendable (_ executable: String, _ arguments: [String], _ timeLimit: Double) -> CommandResult?

    /// An environment with every part given.
    public init(
        files: SystemFiles, isRoot: Bool, now: Date, timeZone: LocalTimeZone, kernel: Kernel,
        interfaceAddresses: @escaping @Sendable () -> [InterfaceAddress],
        fileSystemUsage: @escaping @Sendable (String, Double) -> FileSystemUsage?,
        runCommand: @escaping @Sendable (String, [String], Double) -> CommandResult?
    ) {
        self.files = files
        self.isRoot = isRoot
        self.now = now
        self.timeZone = timeZone
        self.kernel = kernel
        self.interfaceAddresses = interfaceAddresses
        self.fileSystemUsage = fileSystemUsage
        self.runCommand = runCommand
    }

    /// This machine, now.
    public static func live() -> InventoryEnvironment {
        let files = SystemFiles()
        return InventoryEnvironment(
            files: files, isRoot: geteuid() == 0, now: Date(), timeZone: .live(files), kernel: LiveSystem.kernel(),
            interfaceAddresses: LiveSystem.interfaceAddresses, fileSystemUsage: LiveSystem.fileSystemUsage,
            runCommand: LiveSystem.run)
    }

    /// `seconds` since 1970 (UTC) as the machine's wall-clock time.
    public func localTime(_ seconds: Int) -> InventoryDateTime? {
        InventoryDateTime(secondsSinceEpoch: seconds + timeZone.offset(seconds))
    }

    /// ``now`` as the machine's wall-clock time.
    public var localNow: InventoryDateTime? { localTime(Int(now.timeIntervalSince1970)) }

    /// The first of `paths` that is an executable file, as on the machine (`/usr/sbin/dmidecode`); nil when none is.
    public func executable(_ paths: [String]) -> String? {
        paths.first { access(files.fullPath($0), X_OK) == 0 && !files.isDirectory($0) }
    }
}
