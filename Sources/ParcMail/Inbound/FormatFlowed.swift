/// Undoes `format=flowed` (RFC 3676), which Thunderbird and Apple Mail use for plain text: a line ending in a
/// space continues on the next line, so paragraphs come back as the sender typed them instead of wrapped at 72
/// columns.
enum FormatFlowed {
    /// The text with flowed lines joined; `deleteSpace` is the `delsp=yes` parameter.
    static func unflow(_ text: String, deleteSpace: Bool) -> String {
        var output: [String] = []
        var paragraph: (depth: Int, content: String)?

        func emit() {
            guard let open = paragraph else {
                return
            }
            let quote = String(repeating: ">", count: open.depth)
            output.append(open.depth > 0 && !open.content.isEmpty ? quote + " " + open.content : quote + open.content)
            paragraph = nil
        }

        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var depth = 0
            var rest = rawLine[...]
            while rest.first == ">" {
                depth += 1
                rest = rest.dropFirst()
            }
            if rest.first == " " {
                rest = rest.dropFirst()
            }
            let isSignatureSeparator = rest == "-- "
            let isFlowed = !isSignatureSeparator && rest.last == " "
            if let open = paragraph, open.depth != depth {
                // A change of quotation depth ends a paragraph even after a flowed line (RFC 3676 section 4.5).
                emit()
            }
            var content = String(rest)
            if isFlowed && deleteSpace {
                content.removeLast()
            }
            if paragraph != nil {
                paragraph!.content += content
            } else {
                paragraph = (depth, content)
            }
            if !isFlowed {
                emit()
            }
        }
        emit()
        return output.joined(separator: "\n")
    }
}
