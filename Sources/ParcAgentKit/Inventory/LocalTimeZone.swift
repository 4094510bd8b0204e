import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The machine's time zone as the inventory needs it: its name and its offset from UTC at an instant.
///
/// The live one asks the C library (`localtime_r`, which reads `/etc/localtime` or `TZ`) rather than Foundation's
/// `TimeZone`, whose ICU tables cost the agent about 4 MB of memory for two numbers (docs/benchmarks.md).
public struct LocalTimeZone: Sendable {
    /// `Europe/Paris`, `Etc/UTC`; nil when the machine does not say.
    public var identifier: String?
    /// Seconds to add to a UTC time (seconds since 1970) to get the machine's wall-clock time then.
    public var offset: @Sendable (_ utcSeconds: Int) -> Int

    /// A time zone from its parts.
    public init(identifier: String?, offset: @escaping @Sendable (Int) -> Int) {
        self.identifier = identifier
        self.offset = offset
    }

    /// Foundation's time zone (tests).
    public init(_ timeZone: TimeZone) {
        self.init(identifier: timeZone.identifier) { seconds in
            timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
        }
    }

    /// The machine's: the C library's rules; the name from `TZ`, else `/etc/timezone` (Debian), else the link
    /// `/etc/localtime` → `…/zoneinfo/Europe/Paris`.
    public static func live(_ files: SystemFiles) -> LocalTimeZone {
        tzset()
        return LocalTimeZone(identifier: identifier(files, environment: ProcessInfo.processInfo.environment["TZ"])) {
            seconds in
            var time = time_t(seconds)
            var parts = tm()
            guard localtime_r(&time, &parts) != nil else { return 0 }
            return Int(parts.tm_gmtoff)
        }
    }

    static func identifier(_ files: SystemFiles, environment tz: String?) -> String? {
        if let tz = tz.map({ $0.hasPrefix(":") ? String($0.dropFirst()) : $0 }), !tz.isEmpty, !tz.hasPrefix("/") {
            return InventoryText.clean(tz)
        }
        if let name = files.value("/etc/timezone") { return name }
        guard let target = files.linkTarget("/etc/localtime"), let range = target.range(of: "zoneinfo/") else {
            return nil
        }
        return InventoryText.clean(target[range.upperBound...])
    }
}
