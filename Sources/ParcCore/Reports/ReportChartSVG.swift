import Foundation

/// Draws a ``ReportChart`` as a standalone SVG document: every text escaped, a `<title>` and a `<desc>` listing the
/// values for screen readers, colours as presentation attributes (the page's stylesheet overrides them with the
/// theme's; a downloaded file or a printout keeps them), lines told apart by their dash pattern as well as their
/// colour, and the legend inside the picture so that it survives being copied out of the page.
public enum ReportChartSVG {
    static let width = 720.0, height = 300.0, left = 64.0, right = 12.0, top = 12.0, bottom = 64.0
    static let colours = ["#2563eb", "#16a34a", "#d97706", "#dc2626", "#7c3aed"]
    static let dashes = ["", "6 3", "2 3", "8 3 2 3", "1 2"]
    static let gridColour = "#d4d4d8", labelColour = "#52525b", textColour = "#27272a"

    /// `id` must be unique in the page that shows the chart (it names the title and description).
    public static func render(_ chart: ReportChart, id: String) -> String {
        let safeID = String(id.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-") }
            .map(Character.init))
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let values = chart.series.flatMap { $0.values.compactMap { $0 } }.filter(\.isFinite)
        let maxValue = SeriesChartLayout.niceCeiling(max(values.max() ?? 0, 1))
        func y(_ value: Double) -> Double { top + plotHeight - plotHeight * min(max(value, 0), maxValue) / maxValue }
        let count = max(chart.categories.count, 1)
        let slot = plotWidth / Double(count)
        func centre(_ index: Int) -> Double { left + slot * (Double(index) + 0.5) }
        var svg = #"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \#(Int(width)) \#(Int(height))" "#
            + #"role="img" aria-labelledby="\#(safeID)-title \#(safeID)-desc" class="report-chart" "#
            + #"font-family="sans-serif" font-size="11">"#
        svg += #"<title id="\#(safeID)-title">\#(XMLText.escape(chart.title))</title>"#
        svg += #"<desc id="\#(safeID)-desc">\#(XMLText.escape(description(chart)))</desc>"#
        for step in 0...4 {
            let value = maxValue * Double(step) / 4
            let lineY = format(y(value))
            svg += #"<line class="grid" x1="\#(format(left))" x2="\#(format(width - right))" y1="\#(lineY)" "#
                + #"y2="\#(lineY)" stroke="\#(gridColour)" stroke-width="1"/>"#
            svg += #"<text x="\#(format(left - 6))" y="\#(lineY)" text-anchor="end" dominant-baseline="middle" "#
                + #"fill="\#(labelColour)">\#(XMLText.escape(number(value, chart) + chart.unit))</text>"#
        }
        // At most about twelve labels along the axis, evenly spaced, the last one always shown.
        let labelStep = max(1, Int((Double(chart.categories.count) / 12).rounded(.up)))
        for (index, category) in chart.categories.enumerated()
        where index % labelStep == 0 || index == chart.categories.count - 1 {
            let shown = category.count > 18 ? String(category.prefix(17)) + "…" : category
            svg += #"<text x="\#(format(centre(index)))" y="\#(format(height - bottom + 16))" text-anchor="middle" "#
                + #"fill="\#(labelColour)">\#(XMLText.escape(shown))</text>"#
        }
        switch chart.kind {
        case .bars:
            let groupWidth = slot * 0.8
            let barWidth = groupWidth / Double(max(chart.series.count, 1))
            for (seriesIndex, series) in chart.series.enumerated() {
                svg += #"<g class="s\#(seriesIndex + 1)" fill="\#(colours[seriesIndex])">"#
                for (index, value) in series.values.enumerated() where index < count {
                    guard let value, value.isFinite else { continue }
                    let x = centre(index) - groupWidth / 2 + barWidth * Double(seriesIndex)
                    svg += #"<rect class="bar s\#(seriesIndex + 1)" x="\#(format(x))" y="\#(format(y(value)))" "#
                        + #"width="\#(format(max(barWidth - 1, 1)))" height="\#(format(top + plotHeight - y(value)))">"#
                        + #"<title>\#(XMLText.escape(series.name + " — " + chart.categories[index] + ": " + number(value, chart) + chart.unit))</title></rect>"#
                }
                svg += "</g>"
            }
        case .lines:
            for (seriesIndex, series) in chart.series.enumerated() {
                // A nil value breaks the line; a point alone gets a dot so that it shows.
                var runs: [[(Double, Double)]] = [[]]
                for (index, value) in series.values.enumerated() where index < count {
                    if let value, value.isFinite { runs[runs.count - 1].append((centre(index), y(value))) }
                    else if !runs[runs.count - 1].isEmpty { runs.append([]) }
                }
                let dash = dashes[seriesIndex].isEmpty ? "" : #" stroke-dasharray="\#(dashes[seriesIndex])""#
                for run in runs where !run.isEmpty {
                    if run.count == 1 {
                        svg += #"<circle class="s\#(seriesIndex + 1)" cx="\#(format(run[0].0))" cy="\#(format(run[0].1))" "#
                            + #"r="3" fill="\#(colours[seriesIndex])"/>"#
                    } else {
                        let points = run.map { "\(format($0.0)),\(format($0.1))" }.joined(separator: " ")
                        svg += #"<polyline class="line s\#(seriesIndex + 1)" points="\#(points)" fill="none" "#
                            + #"stroke="\#(colours[seriesIndex])" stroke-width="2"\#(dash)/>"#
                    }
                }
            }
        }
        // The legend, under the axis labels.
        var legendX = left
        for (seriesIndex, series) in chart.series.enumerated() {
            let name = series.name.count > 32 ? String(series.name.prefix(31)) + "…" : series.name
            let legendY = height - 18
            if chart.kind == .lines {
                let dash = dashes[seriesIndex].isEmpty ? "" : #" stroke-dasharray="\#(dashes[seriesIndex])""#
                svg += #"<line class="line s\#(seriesIndex + 1)" x1="\#(format(legendX))" x2="\#(format(legendX + 18))" "#
                    + #"y1="\#(format(legendY))" y2="\#(format(legendY))" stroke="\#(colours[seriesIndex])" stroke-width="2"\#(dash)/>"#
            } else {
                svg += #"<rect class="s\#(seriesIndex + 1)" x="\#(format(legendX + 4))" y="\#(format(legendY - 5))" "#
                    + #"width="10" height="10" fill="\#(colours[seriesIndex])"/>"#
            }
            svg += #"<text x="\#(format(legendX + 24))" y="\#(format(legendY))" dominant-baseline="middle" "#
                + #"fill="\#(textColour)">\#(XMLText.escape(name))</text>"#
            legendX += 34 + Double(name.count) * 6.5
        }
        return svg + "</svg>"
    }

    /// The values in words, for screen readers: "Created: 2026-W49 4, 2026-W50 2; Solved: …".
    static func description(_ chart: ReportChart) -> String {
        chart.series.map { series in
            series.name + ": " + zip(chart.categories, series.values).map { category, value in
                category + " " + (value.map { number($0, chart) + chart.unit } ?? "—")
            }.joined(separator: ", ")
        }.joined(separator: "; ")
    }

    /// At most one decimal, none when the value is whole.
    static func number(_ value: Double, _ chart: ReportChart) -> String {
        format(value).replacingOccurrences(of: ".", with: chart.decimalSeparator)
    }

    static func format(_ value: Double) -> String { SeriesChartLayout.format(value) }
}
