/// Something a collector could not read, and why: what `parc-agent inventory` prints on standard error.
public struct CollectorNote: Hashable, Sendable, CustomStringConvertible {
    /// Why the information is missing.
    public enum Reason: String, Hashable, Sendable {
        /// Only root may read it (DMI serials, dmidecode).
        case needsRoot = "needs_root"
        /// The machine does not have it (no DMI table, no utmp, no rpm database).
        case unavailable = "unavailable"
        /// It is there but could not be read or made sense of.
        case unreadable = "unreadable"
    }

    /// The collector's name (``InventoryCollector/name``).
    public let collector: String
    /// Why.
    public let reason: Reason
    /// What could not be read, for a person: `could not read /sys/class/dmi/id/product_serial (needs root)`.
    public let message: String

    /// A note.
    public init(collector: String, reason: Reason, message: String) {
        self.collector = collector
        self.reason = reason
        self.message = message
    }

    /// `bios: could not read /sys/class/dmi/id/product_serial (needs root)`.
    public var description: String { collector + ": " + message }
}
