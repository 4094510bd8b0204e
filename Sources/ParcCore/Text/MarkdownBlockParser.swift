import Foundation

/// Splits a Markdown text into blocks, line by line.
///
/// Each line is looked at once per level of nesting, and nesting stops at ``SafeMarkdown/maximumDepth``: the work is
/// linear in the text's length, and the recursion bounded.
enum MarkdownBlockParser {
    typealias Lines = ArraySlice<Substring>

    static func parse(_ text: String) -> [MarkdownBlock] {
        var normalized = text
        if normalized.contains("\r") {
            normalized = normalized.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        }
        if normalized.contains("\t") { normalized = normalized.replacingOccurrences(of: "\t", with: "    ") }
        if normalized.contains("\0") { normalized = normalized.replacingOccurrences(of: "\0", with: "\u{FFFD}") }
        let lines = normalized.split(separator: "\n", omittingEmptySubsequences: false)
        return blocks(lines[...], depth: 0)
    }

    // MARK: line tests

    static func indentation(_ line: Substring) -> Int {
        var count = 0
        for character in line {
            guard character == " " else { break }
            count += 1
        }
        return count
    }

    static func isBlank(_ line: Substring) -> Bool { line.allSatisfy { $0 == " " } }

    /// A fence (three or more backticks or tildes) opening or closing a code block: its character and length.
    static func fence(_ line: Substring) -> (character: Character, length: Int, info: Substring)? {
        guard indentation(line) <= 3 else { return nil }
        let rest = line.drop { $0 == " " }
        guard let first = rest.first, first == "`" || first == "~" else { return nil }
        let length = rest.prefix { $0 == first }.count
        guard length >= 3 else { return nil }
        let info = rest.dropFirst(length)
        if first == "`" && info.contains("`") { return nil }
        return (first, length, info)
    }

    static func heading(_ line: Substring) -> (level: Int, text: String)? {
        guard indentation(line) <= 3 else { return nil }
        let rest = line.drop { $0 == " " }
        let level = rest.prefix { $0 == "#" }.count
        guard (1...6).contains(level) else { return nil }
        var text = rest.dropFirst(level)
        guard text.isEmpty || text.first == " " else { return nil }
        text = text.drop { $0 == " " }
        while text.last == " " { text = text.dropLast() }
        // A closing run of #, when a space separates it from the text.
        let closing = text.reversed().prefix { $0 == "#" }.count
        if closing > 0 {
            let before = text.dropLast(closing)
            if before.isEmpty || before.last == " " { text = before }
        }
        while text.last == " " { text = text.dropLast() }
        return (level, String(text))
    }

    static func isRule(_ line: Substring) -> Bool {
        guard indentation(line) <= 3 else { return false }
        var marker: Character?
        var count = 0
        for character in line where character != " " {
            guard character == "-" || character == "*" || character == "_" else { return false }
            if marker == nil { marker = character }
            guard character == marker else { return false }
            count += 1
        }
        return count >= 3
    }

    static func isQuote(_ line: Substring) -> Bool {
        indentation(line) <= 3 && line.drop { $0 == " " }.first == ">"
    }

    struct ListMarker {
        let ordered: Bool
        /// `-`, `*`, `+`, or `.` / `)` after the number.
        let delimiter: Character
        let start: Int
        /// Columns from the start of the line to the item's text.
        let contentIndent: Int
        let content: Substring
    }

    static func listMarker(_ line: Substring) -> ListMarker? {
        let indent = indentation(line)
        let rest = line.dropFirst(indent)
        guard let first = rest.first else { return nil }
        var ordered = false
        var start = 1
        var delimiter = first
        var width = 1
        if first == "-" || first == "*" || first == "+" {
            width = 1
        } else if first.isASCII, first.isNumber {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard digits.count <= 9, let after = rest.dropFirst(digits.count).first, after == "." || after == ")" else {
                return nil
            }
            ordered = true
            start = Int(digits) ?? 1
            delimiter = after
            width = digits.count + 1
        } else {
            return nil
        }
        let afterMarker = rest.dropFirst(width)
        if afterMarker.isEmpty { return ListMarker(ordered: ordered, delimiter: delimiter, start: start,
                                                   contentIndent: indent + width + 1, content: afterMarker) }
        guard afterMarker.first == " " else { return nil }
        let spaces = indentation(afterMarker)
        if isBlank(afterMarker) {
            return ListMarker(ordered: ordered, delimiter: delimiter, start: start, contentIndent: indent + width + 1,
                              content: afterMarker.dropFirst(afterMarker.count))
        }
        // Five spaces or more: the item starts after one, the rest is the text's own indentation.
        let gap = spaces > 4 ? 1 : spaces
        return ListMarker(ordered: ordered, delimiter: delimiter, start: start, contentIndent: indent + width + gap,
                          content: afterMarker.dropFirst(gap))
    }

    /// Whether a line starts a block that ends a paragraph.
    static func interruptsParagraph(_ line: Substring) -> Bool {
        if fence(line) != nil || heading(line) != nil || isRule(line) || isQuote(line) { return true }
        if indentation(line) <= 3, let marker = listMarker(line), !isBlank(marker.content) {
            return !marker.ordered || marker.start == 1
        }
        return false
    }

    // MARK: tables

    static func cells(_ line: Substring) -> [String] {
        var row = line.trimmingCharacters(in: .whitespaces)[...]
        if row.hasPrefix("|") { row = row.dropFirst() }
        if row.hasSuffix("|") && !row.hasSuffix("\\|") { row = row.dropLast() }
        var cells: [String] = []
        var current = ""
        var escaped = false
        for character in row {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                current.append(character)
                escaped = true
            } else if character == "|" {
                cells.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            } else {
                current.append(character)
            }
            if cells.count > 64 { break }
        }
        cells.append(current.trimmingCharacters(in: .whitespaces))
        return cells
    }

    static func alignments(_ line: Substring) -> [MarkdownBlock.Alignment]? {
        guard line.contains("-"), line.allSatisfy({ "|:- ".contains($0) }) else { return nil }
        var result: [MarkdownBlock.Alignment] = []
        for cell in cells(line) {
            guard !cell.isEmpty, cell.contains("-") else { return nil }
            let left = cell.hasPrefix(":")
            let right = cell.hasSuffix(":")
            guard cell.dropFirst(left ? 1 : 0).dropLast(right ? 1 : 0).allSatisfy({ $0 == "-" }) else { return nil }
            result.append(left && right ? .center : right ? .right : left ? .left : .none)
        }
        return result
    }

    // MARK: blocks

    static func blocks(_ lines: Lines, depth: Int) -> [MarkdownBlock] {
        var result: [MarkdownBlock] = []
        var index = lines.startIndex
        while index < lines.endIndex {
            let line = lines[index]
            if isBlank(line) {
                index += 1
                continue
            }
            if let open = fence(line) {
                let indent = indentation(line)
                var body: [Substring] = []
                index += 1
                while index < lines.endIndex {
                    let current = lines[index]
                    if let close = fence(current), close.character == open.character, close.length >= open.length,
                       isBlank(close.info) {
                        index += 1
                        break
                    }
                    body.append(current.dropFirst(min(indent, indentation(current))))
                    index += 1
                }
                let word = open.info.drop { $0 == " " }.prefix { $0 != " " }
                let language = word.isEmpty || word.count > 30
                    || !word.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-_".contains($0)) })
                    ? nil : String(word)
                result.append(.code(language: language, text: body.joined(separator: "\n")))
                continue
            }
            if let heading = heading(line) {
                result.append(.heading(level: heading.level, text: heading.text))
                index += 1
                continue
            }
            if isRule(line) {
                result.append(.rule)
                index += 1
                continue
            }
            if isQuote(line) {
                var inner: [Substring] = []
                while index < lines.endIndex, isQuote(lines[index]) {
                    var content = lines[index].drop { $0 == " " }.dropFirst()
                    if content.first == " " { content = content.dropFirst() }
                    inner.append(content)
                    index += 1
                }
                if depth + 1 >= SafeMarkdown.maximumDepth {
                    result.append(.paragraph(inner.joined(separator: "\n")))
                } else {
                    result.append(.quote(blocks(inner[...], depth: depth + 1)))
                }
                continue
            }
            if indentation(line) <= 3, let first = listMarker(line) {
                result.append(list(lines, from: &index, first: first, depth: depth))
                continue
            }
            if index + 1 < lines.endIndex, line.contains("|"), let alignments = alignments(lines[index + 1]) {
                let header = cells(line)
                if header.count == alignments.count {
                    index += 2
                    var rows: [[String]] = []
                    while index < lines.endIndex, !isBlank(lines[index]), !interruptsParagraph(lines[index]) {
                        var row = cells(lines[index])
                        row = Array(row.prefix(header.count))
                        while row.count < header.count { row.append("") }
                        rows.append(row)
                        index += 1
                    }
                    result.append(.table(header: header, alignments: alignments, rows: rows))
                    continue
                }
            }
            var paragraph: [Substring] = [line.drop { $0 == " " }]
            index += 1
            while index < lines.endIndex, !isBlank(lines[index]), !interruptsParagraph(lines[index]) {
                paragraph.append(lines[index].drop { $0 == " " })
                index += 1
            }
            result.append(.paragraph(paragraph.joined(separator: "\n")))
        }
        return result
    }

    /// A list starting at `index`: its items until a line that belongs to none; `index` moves past it.
    static func list(_ lines: Lines, from index: inout Int, first: ListMarker, depth: Int) -> MarkdownBlock {
        var items: [[Substring]] = []
        var current: [Substring] = [first.content]
        var contentIndent = first.contentIndent
        let markerIndent = indentation(lines[index])
        var previousBlank = false
        index += 1
        while index < lines.endIndex {
            let line = lines[index]
            if isBlank(line) {
                var next = index
                while next < lines.endIndex, isBlank(lines[next]) { next += 1 }
                guard next < lines.endIndex else { break }
                let following = lines[next]
                let continues = indentation(following) >= contentIndent
                let sibling = listMarker(following).map {
                    $0.ordered == first.ordered && $0.delimiter == first.delimiter && indentation(following) < contentIndent
                } ?? false
                guard continues || sibling else { break }
                current.append(contentsOf: repeatElement("", count: next - index))
                index = next
                previousBlank = true
                continue
            }
            let indent = indentation(line)
            if indent >= contentIndent {
                current.append(line.dropFirst(contentIndent))
            } else if let marker = listMarker(line), marker.ordered == first.ordered, marker.delimiter == first.delimiter,
                      indent <= markerIndent + 3 {
                items.append(current)
                current = [marker.content]
                contentIndent = marker.contentIndent
            } else if !previousBlank, !interruptsParagraph(line), !(current.last.map(isBlank) ?? true) {
                // A lazy continuation of the item's paragraph.
                current.append(line.drop { $0 == " " })
            } else {
                break
            }
            previousBlank = false
            index += 1
        }
        items.append(current)
        let blocks = items.map { item -> [MarkdownBlock] in
            depth + 1 >= SafeMarkdown.maximumDepth
                ? [.paragraph(item.joined(separator: "\n"))] : Self.blocks(item[...], depth: depth + 1)
        }
        return .list(ordered: first.ordered, start: first.start, items: blocks)
    }
}
