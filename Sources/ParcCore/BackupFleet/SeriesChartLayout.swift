import Foundation

/// Places time series in a chart's drawing area: the pure geometry behind the server-rendered SVG
/// charts (repository growth). Times run left to right, values bottom to top from zero.
public struct SeriesChartLayout: Sendable {
    public struct Point: Sendable, Equatable {
        public let date: Date
        public let value: Double

        public init(date: Date, value: Double) {
            self.date = date
            self.value = value
        }
    }

    /// The drawing area inside the SVG's view box.
    public let left: Double, top: Double, width: Double, height: Double
    public let start: Date, end: Date
    /// The top of the value axis: a "nice" number at or above the largest value.
    public let maxValue: Double

    /// nil when there is nothing to draw.
    public init?(series: [[Point]], left: Double, top: Double, width: Double, height: Double) {
        let all = series.flatMap { $0 }
        guard let first = all.map(\.date).min(), let last = all.map(\.date).max() else { return nil }
        self.left = left
        self.top = top
        self.width = width
        self.height = height
        // A single instant still gets a span, so the point lands in the middle rather than dividing by zero.
        start = first == last ? first.addingTimeInterval(-3600) : first
        end = first == last ? last.addingTimeInterval(3600) : last
        maxValue = Self.niceCeiling(max(all.map(\.value).max() ?? 0, 1))
    }

    public func x(_ date: Date) -> Double {
        left + width * date.timeIntervalSince(start) / end.timeIntervalSince(start)
    }

    public func y(_ value: Double) -> Double {
        top + height - height * min(max(value, 0), maxValue) / maxValue
    }

    /// `x,y x,y …` for an SVG polyline, rounded to one decimal; points sorted by date.
    public func polyline(_ points: [Point]) -> String {
        points.sorted { $0.date < $1.date }.map { "\(Self.format(x($0.date))),\(Self.format(y($0.value)))" }
            .joined(separator: " ")
    }

    /// Values for horizontal grid lines: 0, ¼, ½, ¾ and all of `maxValue`.
    public var gridValues: [Double] { (0...4).map { maxValue * Double($0) / 4 } }

    /// The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above `value`.
    public static func niceCeiling(_ value: Double) -> Double {
        guard value > 0, value.isFinite else { return 1 }
        let magnitude = pow(10, floor(log10(value)))
        for step in [1.0, 2.0, 2.5, 5.0, 10.0] where step * magnitude >= value * (1 - 1e-12) {
            return step * magnitude
        }
        return 10 * magnitude
    }

    public static func format(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
