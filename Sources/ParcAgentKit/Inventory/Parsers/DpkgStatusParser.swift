/// Reads dpkg's database, `/var/lib/dpkg/status`, directly: what `dpkg-query --show` prints, without starting a
/// process (decision 0024). The file is deb822 paragraphs separated by blank lines; only the fields an inventory
/// keeps are turned into strings, so 3 000 packages (4 MB) read in a few milliseconds, and ``Stream`` reads it in
/// pieces, so that memory holds a piece and a paragraph rather than the file.
public enum DpkgStatusParser {
    /// An installed package.
    public struct Package: Sendable, Equatable {
        /// `libc6`.
        public var name: String
        /// `2.36-9+deb12u4`, epoch included (`1:9.0.1378-2`).
        public var version: String?
        /// `amd64`, `all`.
        public var architecture: String?
        /// `Installed-Size`, in KiB as dpkg counts it.
        public var installedSizeKiB: Int?
        /// `libs`, `admin`.
        public var section: String?
    }

    /// The packages whose state is `installed` (`Status: install ok installed`, and `hold ok installed` for a
    /// held one), in file order. Half-installed, config-files and not-installed entries, paragraphs without a
    /// `Package` field, and a last paragraph cut in the middle of a line are left out.
    public static func installed(_ bytes: [UInt8]) -> [Package] {
        var packages: [Package] = []
        packages.reserveCapacity(bytes.count / 900)
        var paragraph = Paragraph()
        var lineStart = 0
        let count = bytes.count
        while lineStart <= count {
            var lineEnd = lineStart
            while lineEnd < count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            if lineEnd == lineStart || (lineEnd == lineStart + 1 && bytes[lineStart] == UInt8(ascii: "\r")) {
                if let package = paragraph.installedPackage(bytes) { packages.append(package) }
                paragraph = Paragraph()
            } else if bytes[lineStart] != UInt8(ascii: " "), bytes[lineStart] != UInt8(ascii: "\t") {
                paragraph.take(bytes, lineStart, lineEnd)
            }
            // A file that does not end with a new line was cut inside its last line: that entry may have lost
            // fields, so it is not kept. (At the end of a complete file, the loop sees one more empty line.)
            if lineEnd == count { break }
            lineStart = lineEnd + 1
        }
        return packages
    }

    /// The database read piece by piece: ``feed(_:)`` each piece in order, then ``finish()``. The same packages as
    /// ``installed(_:)`` of the whole file.
    public struct Stream {
        /// The bytes after the last complete paragraph.
        var pending: [UInt8] = []
        var packages: [Package] = []

        public init() {}

        /// Reads the paragraphs this piece completes.
        public mutating func feed(_ piece: UnsafeRawBufferPointer) {
            pending.append(contentsOf: piece)
            guard let end = Self.endOfLastParagraph(pending) else { return }
            packages += DpkgStatusParser.installed(Array(pending[..<end]))
            pending.removeFirst(end)
        }

        /// The packages, once every piece was fed; the rest is read as the end of the file.
        public mutating func finish() -> [Package] {
            packages += DpkgStatusParser.installed(pending)
            pending = []
            return packages
        }

        /// Just after the last blank line (`\n\n`), where a paragraph ends.
        static func endOfLastParagraph(_ bytes: [UInt8]) -> Int? {
            var index = bytes.count - 1
            while index > 0 {
                if bytes[index] == UInt8(ascii: "\n"), bytes[index - 1] == UInt8(ascii: "\n") { return index + 1 }
                index -= 1
            }
            return nil
        }
    }

    /// Where the kept fields' values lie in the file, until the paragraph ends.
    struct Paragraph {
        var name: Range<Int>?
        var status: Range<Int>?
        var version: Range<Int>?
        var architecture: Range<Int>?
        var installedSize: Range<Int>?
        var section: Range<Int>?

        mutating func take(_ bytes: [UInt8], _ start: Int, _ end: Int) {
            var colon = start
            while colon < end, bytes[colon] != UInt8(ascii: ":") { colon += 1 }
            guard colon < end else { return }
            var valueStart = colon + 1
            var valueEnd = end
            while valueStart < valueEnd, InventoryText.isBlank(bytes[valueStart]) { valueStart += 1 }
            while valueEnd > valueStart, InventoryText.isBlank(bytes[valueEnd - 1]) { valueEnd -= 1 }
            let value = valueStart..<valueEnd
            let key = bytes[start..<colon]
            if DpkgStatusParser.matches(key, "package") {
                name = value
            } else if DpkgStatusParser.matches(key, "status") {
                status = value
            } else if DpkgStatusParser.matches(key, "version") {
                version = value
            } else if DpkgStatusParser.matches(key, "architecture") {
                architecture = value
            } else if DpkgStatusParser.matches(key, "installed-size") {
                installedSize = value
            } else if DpkgStatusParser.matches(key, "section") {
                section = value
            }
        }

        func installedPackage(_ bytes: [UInt8]) -> Package? {
            guard let name, !name.isEmpty, let status, DpkgStatusParser.isInstalled(bytes[status]) else { return nil }
            func text(_ range: Range<Int>?) -> String? {
                guard let range, !range.isEmpty else { return nil }
                return String(decoding: bytes[range], as: UTF8.self)
            }
            return Package(
                name: text(name)!, version: text(version), architecture: text(architecture),
                installedSizeKiB: InventoryText.integer(text(installedSize)), section: text(section))
        }
    }

    /// `want flag state`, state `installed`.
    static func isInstalled(_ status: ArraySlice<UInt8>) -> Bool {
        let words = status.split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
        return words.count == 3 && words[2].elementsEqual("installed".utf8)
    }

    /// Field names compare without regard to case (deb822).
    static func matches(_ key: ArraySlice<UInt8>, _ lowerName: StaticString) -> Bool {
        guard key.count == lowerName.utf8CodeUnitCount else { return false }
        return lowerName.withUTF8Buffer { name in
            var index = key.startIndex
            for expected in name {
                var byte = key[index]
                if byte >= UInt8(ascii: "A"), byte <= UInt8(ascii: "Z") { byte += 32 }
                if byte != expected { return false }
                index += 1
            }
            return true
        }
    }
}
