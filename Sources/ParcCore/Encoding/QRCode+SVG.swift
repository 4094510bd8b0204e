import Foundation

extension QRCode {
    /// Renders the symbol as a compact, self-contained SVG image.
    ///
    /// Dark modules are one `<path>` of horizontal runs, drawn in module units and scaled by the `viewBox`, over a
    /// white background rectangle that covers the quiet zone too, so the code still scans on a dark page.
    ///
    /// - Parameters:
    ///   - moduleSize: Width and height of one module in pixels, at least 1.
    ///   - quietZone: Light margin around the symbol, in modules; the standard asks for 4.
    ///   - darkColor: CSS colour of the dark modules. Keep it dark: readers need strong contrast with white.
    ///   - title: Accessible name of the image, placed in a `<title>` element; `nil` leaves the image unnamed.
    /// - Returns: The SVG document, without an XML declaration, ready to embed in HTML or serve as `image/svg+xml`.
    public func svg(moduleSize: Int = 4, quietZone: Int = 4, darkColor: String = "#000", title: String?) -> String {
        precondition(moduleSize >= 1, "moduleSize must be at least 1")
        precondition(quietZone >= 0, "quietZone must not be negative")
        let extent = size + 2 * quietZone
        let pixels = extent * moduleSize
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(pixels)\" height=\"\(pixels)\" "
            + "viewBox=\"0 0 \(extent) \(extent)\" shape-rendering=\"crispEdges\" role=\"img\">"
        if let title {
            svg += "<title>\(XMLText.escape(title))</title>"
        }
        svg += "<rect width=\"\(extent)\" height=\"\(extent)\" fill=\"#fff\"/>"
        svg += "<path fill=\"\(XMLText.escape(darkColor))\" d=\"\(darkModulePath(offset: quietZone))\"/>"
        svg += "</svg>"
        return svg
    }

    /// One `M x y h w v1 h-w z` rectangle per horizontal run of dark modules.
    private func darkModulePath(offset: Int) -> String {
        var path = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard isDark(x: x, y: y) else {
                    x += 1
                    continue
                }
                let start = x
                while x < size, isDark(x: x, y: y) {
                    x += 1
                }
                let width = x - start
                path += "M\(start + offset) \(y + offset)h\(width)v1h-\(width)z"
            }
        }
        return path
    }
}
