/// Reads `/proc/self/mountinfo` (proc(5)): one line per mount, `ID PARENT MAJOR:MINOR ROOT MOUNT-POINT OPTIONS
/// [OPTIONAL…] - TYPE SOURCE SUPER-OPTIONS`, with spaces and other bytes in paths written as octal escapes (`\040`).
public enum MountInfoParser {
    /// One mount.
    public struct Mount: Sendable, Equatable {
        /// `major:minor` of the device.
        public var device: String
        /// The directory of the file system mounted here (`/` unless a bind mount or a btrfs subvolume).
        public var root: String
        /// Where it is mounted.
        public var mountPoint: String
        /// `ext4`, `nfs4`, `tmpfs`.
        public var fileSystem: String
        /// `/dev/sda1`, `server:/export`, `tmpfs`.
        public var source: String
    }

    /// The mounts, in order; lines that do not have the format are skipped.
    public static func parse(_ text: String) -> [Mount] {
        var mounts: [Mount] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 10, let dash = fields[6...].firstIndex(of: "-"), dash + 2 < fields.count else {
                continue
            }
            mounts.append(
                Mount(
                    device: String(fields[2]), root: unescape(fields[3]), mountPoint: unescape(fields[4]),
                    fileSystem: String(fields[dash + 1]), source: unescape(fields[dash + 2])))
        }
        return mounts
    }

    /// `\040` → space, `\011` → tab, `\012` → new line, `\134` → backslash.
    static func unescape(_ field: Substring) -> String {
        guard field.contains("\\") else { return String(field) }
        var bytes: [UInt8] = []
        let utf8 = Array(field.utf8)
        var index = 0
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "\\"), index + 3 < utf8.count, let value = octal(utf8[(index + 1)...(index + 3)]) {
                bytes.append(value)
                index += 4
            } else {
                bytes.append(utf8[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Three octal digits → their byte; nil for anything else.
    static func octal(_ digits: ArraySlice<UInt8>) -> UInt8? {
        guard digits.count == 3 else { return nil }
        var value = 0
        for digit in digits {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "7") else { return nil }
            value = value * 8 + Int(digit - UInt8(ascii: "0"))
        }
        return value <= 255 ? UInt8(value) : nil
    }
}
