/// Reads the login records of `/var/run/utmp` (utmp(5)): fixed-size `struct utmp` records of glibc on Linux,
/// 384 bytes each on every architecture glibc supports (the time fields are 32-bit there, for this very file),
/// in the machine's byte order.
public enum UtmpParser {
    /// A login session.
    public struct Session: Sendable, Equatable {
        /// The user's login.
        public var user: String
        /// The terminal (`pts/0`, `tty1`, `:0`).
        public var terminal: String?
        /// Where from: a remote host name or address, or a display.
        public var host: String?
        /// When the session began, seconds since 1970 (UTC).
        public var loginTime: Int
    }

    /// The size of one record.
    public static let recordSize = 384
    /// `ut_type` of a user's session.
    static let userProcess: Int16 = 7

    /// The user sessions (`USER_PROCESS` records with a login), in file order. A partial record at the end and
    /// records of other types are ignored.
    public static func sessions(_ bytes: [UInt8]) -> [Session] {
        var sessions: [Session] = []
        var offset = 0
        while offset + recordSize <= bytes.count {
            defer { offset += recordSize }
            let type = Int16(bitPattern: native16(bytes, offset))
            guard type == userProcess, let user = text(bytes, offset + 44, 32) else { continue }
            let seconds = Int32(bitPattern: native32(bytes, offset + 340))
            sessions.append(
                Session(
                    user: user, terminal: text(bytes, offset + 8, 32), host: text(bytes, offset + 76, 256),
                    loginTime: Int(seconds)))
        }
        return sessions
    }

    /// A NUL-padded field as text, cleaned; nil when empty or not printable.
    static func text(_ bytes: [UInt8], _ start: Int, _ length: Int) -> String? {
        let field = bytes[start..<(start + length)]
        let value = field.prefix { $0 != 0 }
        guard !value.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return nil }
        return InventoryText.clean(bytes: value)
    }

    static func native16(_ bytes: [UInt8], _ start: Int) -> UInt16 {
        let little = UInt16(bytes[start]) | UInt16(bytes[start + 1]) << 8
        return UInt16(littleEndian: little)
    }

    static func native32(_ bytes: [UInt8], _ start: Int) -> UInt32 {
        let little =
            UInt32(bytes[start]) | UInt32(bytes[start + 1]) << 8 | UInt32(bytes[start + 2]) << 16
            | UInt32(bytes[start + 3]) << 24
        return UInt32(littleEndian: little)
    }
}
