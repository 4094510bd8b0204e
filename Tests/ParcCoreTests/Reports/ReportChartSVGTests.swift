import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

@testable import ParcCore

@Suite("Report charts as SVG")
struct ReportChartSVGTests {
    @Test("hostile category and series names are escaped everywhere they appear; the document stays well-formed")
    func escaping() throws {
        let hostile = #"<script>alert(1)</script>" onload="x" & ']]>"#
        let chart = ReportChart(title: "Temps de résolution — \(hostile)", kind: .bars, categories: [hostile, "Réseau"],
                                series: [.init(name: hostile, values: [3, 4.5]), .init(name: "p90", values: [nil, 9])],
                                unit: " h", decimalSeparator: ",")
        let svg = ReportChartSVG.render(chart, id: #"x" onclick="y"#)
        #expect(!svg.contains("<script") && !svg.contains(#"" onload="#) && !svg.contains("]]>"))
        #expect(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot; onload=&quot;x&quot; &amp; &apos;]]&gt;"))
        #expect(svg.contains(#"aria-labelledby="xonclicky-title xonclicky-desc""#), "the id keeps only safe characters")
        #expect(svg.contains("4,5 h"), "French decimals")
        let parser = XMLParser(data: Data(svg.utf8))
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
    }

    @Test("a line chart: one polyline per series, a gap where a value is missing, a dot for a lone point, dashes")
    func lines() {
        let chart = ReportChart(title: "Backlog", kind: .lines, categories: ["W1", "W2", "W3", "W4"],
                                series: [.init(name: "Open", values: [10, 20, nil, 40]),
                                         .init(name: "Other", values: [1, 2, 3, 4])])
        let svg = ReportChartSVG.render(chart, id: "backlog")
        #expect(svg.components(separatedBy: #"<polyline class="line s1""#).count - 1 == 1,
                "the first series is broken by the gap: two points joined, the last one alone")
        #expect(svg.components(separatedBy: #"<polyline class="line s2""#).count - 1 == 1)
        #expect(svg.contains("<circle class=\"s1\""), "the lone last point of the first series")
        #expect(svg.contains("class=\"line s2\"") && svg.contains("stroke-dasharray=\"6 3\""))
        #expect(svg.contains("<title id=\"backlog-title\">Backlog</title>"))
        #expect(svg.contains("Open: W1 10, W2 20, W3 —, W4 40"), "the values in words for screen readers")
        // The top of the axis is a nice number at or above the largest value.
        #expect(svg.contains(">50</text>"))
    }

    @Test("an empty chart still renders a valid picture with a title")
    func empty() {
        let svg = ReportChartSVG.render(ReportChart(title: "Nothing", kind: .bars, categories: [], series: []), id: "e")
        #expect(XMLParser(data: Data(svg.utf8)).parse() && svg.contains(">Nothing</title>"))
    }
}
