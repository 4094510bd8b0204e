import Foundation
import ParcBackup

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Printing for the backup commands: text for people on standard output, JSON for scripts,
/// progress and warnings on standard error.
public enum Output {
    /// Prints a line on standard output.
    public static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Prints a line on standard error.
    public static func warn(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Prints a value as JSON (sorted keys, pretty) on standard output.
    public static func json<Value: Encodable>(_ value: Value) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        // One naming for every command's JSON, whatever the engine's types call their fields.
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(SnapshotTime.format(date))
        }
        do {
            line(String(decoding: try encoder.encode(value), as: UTF8.self))
        } catch {
            warn("cannot encode the JSON output: \(error)")
        }
    }

    /// `1.5 GiB`, `312 KiB`, `17 B`.
    public static func bytes(_ count: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f %@", value, units[unit])
    }

    /// `1:02:03` or `2:03`.
    public static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60)
        return hours > 0
            ? String(format: "%d:%02d:%02d", hours, minutes, secs) : String(format: "%d:%02d", minutes, secs)
    }
}

/// A progress line redrawn in place on standard error, at most four times a second.
public final class ProgressLine: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private var lastDraw = Date.distantPast
    private var width = 0

    /// A line drawn only when `enabled` (standard error is a terminal and no --json/--quiet).
    public init(enabled: Bool) {
        self.enabled = enabled
    }

    /// Redraws the line unless it was drawn less than 250 ms ago (or `force`).
    public func update(_ text: @autoclosure () -> String, force: Bool = false) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard force || now.timeIntervalSince(lastDraw) >= 0.25 else { return }
        lastDraw = now
        var shown = text()
        let columns = Self.terminalColumns()
        if shown.count > columns - 1 { shown = String(shown.prefix(columns - 2)) + "…" }
        FileHandle.standardError.write(Data(("\r\u{1B}[2K" + shown).utf8))
        width = shown.count
    }

    /// Erases the line.
    public func finish() {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        if width > 0 { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
        width = 0
    }

    private static func terminalColumns() -> Int {
        var size = winsize()
        if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 { return Int(size.ws_col) }
        return 80
    }

    /// `1 234 files · 512.3 MiB · 85.2 MiB/s · ETA 0:12 · /path`.
    public static func describe(
        files: Int, bytes: UInt64, totalBytes: UInt64?, elapsed: Double, current: String
    ) -> String {
        let rate = elapsed > 0 ? Double(bytes) / elapsed : 0
        var parts = ["\(files) files", Output.bytes(bytes)]
        if let totalBytes, totalBytes > 0 {
            parts[1] += " / " + Output.bytes(totalBytes)
        }
        parts.append(Output.bytes(UInt64(rate)) + "/s")
        if let totalBytes, rate > 0, totalBytes > bytes {
            parts.append("ETA " + Output.duration(Double(totalBytes - bytes) / rate))
        }
        if !current.isEmpty { parts.append(current) }
        return parts.joined(separator: " · ")
    }
}
