/// Small text helpers shared by the inbound parsers.
extension StringProtocol {
    /// The text without leading and trailing characters matching `isTrimmed`.
    func trimmed(where isTrimmed: (Character) -> Bool) -> SubSequence {
        guard let first = firstIndex(where: { !isTrimmed($0) }) else {
            return self[endIndex..<endIndex]
        }
        let last = lastIndex(where: { !isTrimmed($0) })!
        return self[first...last]
    }

    /// The text without leading and trailing spaces, tabs and line breaks.
    func trimmed() -> SubSequence {
        trimmed(where: { $0 == " " || $0 == "\t" || $0 == "\r\n" || $0 == "\n" || $0 == "\r" })
    }

    /// Lowercased for comparison; only ASCII letters change, so the result is stable whatever the locale.
    var asciiLowercased: String {
        String(
            String.UnicodeScalarView(
                unicodeScalars.map { scalar in
                    ("A"..."Z").contains(scalar) ? Unicode.Scalar(scalar.value + 32)! : scalar
                }))
    }
}
