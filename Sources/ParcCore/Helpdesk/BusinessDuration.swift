/// An SLA target in business time: minutes, hours or business days.
public enum BusinessDuration: Hashable, Sendable, Codable {
    /// Minutes of working time.
    case minutes(Int)
    /// Hours of working time.
    case hours(Int)
    /// Business days, each ``BusinessCalendar/standardDaySeconds`` of working time.
    case days(Int)

    /// The working time in seconds under `calendar`.
    public func seconds(in calendar: BusinessCalendar) -> Int {
        switch self {
        case .minutes(let minutes): minutes * 60
        case .hours(let hours): hours * 3600
        case .days(let days): days * calendar.standardDaySeconds
        }
    }
}
