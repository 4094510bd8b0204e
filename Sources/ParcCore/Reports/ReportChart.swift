/// A report's chart as plain values: categories along the horizontal axis (days, weeks, months, categories,
/// technicians) and up to five series of values, drawn as lines or grouped bars by ``ReportChartSVG``.
public struct ReportChart: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable { case lines, bars }

    public struct Series: Hashable, Sendable {
        public let name: String
        /// One value per category; nil where there is none (a gap in a line, no bar).
        public let values: [Double?]

        public init(name: String, values: [Double?]) {
            self.name = name
            self.values = values
        }
    }

    /// Read by screen readers and shown as a tooltip: what the chart is, over which period.
    public let title: String
    public let kind: Kind
    public let categories: [String]
    public let series: [Series]
    /// Added to every value shown on the axis (`%`, ` h`).
    public let unit: String
    /// The decimal separator of the reader's language (`,` in French).
    public let decimalSeparator: String

    public init(title: String, kind: Kind, categories: [String], series: [Series], unit: String = "",
                decimalSeparator: String = ".") {
        self.title = title
        self.kind = kind
        self.categories = categories
        self.series = Array(series.prefix(5))
        self.unit = unit
        self.decimalSeparator = decimalSeparator
    }
}
