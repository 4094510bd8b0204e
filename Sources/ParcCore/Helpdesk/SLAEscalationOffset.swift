import Foundation

/// An escalation offset: minutes, hours or business days of the policy's calendar, or zero (at the deadline).
public struct SLAEscalationOffset: Hashable, Sendable, Codable, CustomStringConvertible {
    /// nil: zero, the deadline itself.
    public var duration: BusinessDuration?

    public init(_ duration: BusinessDuration?) { self.duration = duration }

    /// The longest offset, nominally: 30 days, 720 hours or 43,200 minutes.
    public static let maximumMinutes = 30 * 24 * 60

    /// Reads `0`, `30m`, `4h`, `2d`; nil for anything else (negative, empty, too long to be a number).
    public init?(text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if ["0", "0m", "0h", "0d"].contains(trimmed) {
            duration = nil
        } else if let value = BusinessDuration(text: trimmed) {
            duration = value
        } else {
            return nil
        }
    }

    /// Nominal minutes (a business day counts 24 hours here, for the bound only).
    public var minutes: Int { duration?.nominalMinutes ?? 0 }

    /// The working time in seconds under `calendar`.
    public func seconds(in calendar: BusinessCalendar) -> Int { duration?.seconds(in: calendar) ?? 0 }

    public var description: String { duration?.text ?? "0" }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = SLAEscalationOffset(text: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "an offset is 0, 30m, 4h or 2d"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
