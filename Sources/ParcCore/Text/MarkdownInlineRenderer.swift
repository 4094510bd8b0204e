/// Writes the inline Markdown of one block: emphasis, code spans, links, autolinks, escapes and line breaks.
///
/// One pass over the text. Brackets are paired beforehand with a stack, code-span closers are found through a list of
/// backtick runs per length, emphasis is resolved with one stack per delimiter character, and every forward scan is
/// bounded or stops at the next `[`, `<` or space: the work stays linear whatever the text.
struct MarkdownInlineRenderer {
    let mode: MarkdownHTMLWriter.Mode
    var allowsLinks = true

    private enum Piece {
        case text(String)
        case delimiter(Int)
    }

    private struct Delimiter {
        let character: Unicode.Scalar
        var count: Int
        var closeTags = ""
        var openTags = ""
    }

    private static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.isWhitespace }

    private static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".unicodeScalars.contains(scalar) }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation, .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return true
        default:
            return false
        }
    }

    func render(_ source: String, into out: inout String) {
        let s = Array(source.unicodeScalars)
        let n = s.count
        var pieces: [Piece] = []
        var delimiters: [Delimiter] = []
        var stars: [Int] = []
        var underscores: [Int] = []
        var buffer = ""

        func flush() {
            if !buffer.isEmpty {
                pieces.append(.text(buffer))
                buffer = ""
            }
        }
        func emit(_ scalar: Unicode.Scalar) {
            if mode == .plain { buffer.unicodeScalars.append(scalar) } else { MarkdownHTMLWriter.appendEscaped(scalar, to: &buffer) }
        }
        func emitAll(_ scalars: ArraySlice<Unicode.Scalar>) { for scalar in scalars { emit(scalar) } }
        func markup(_ text: String) { if mode == .html { buffer += text } }

        // Brackets paired in advance (an unpaired `[` is text).
        var bracketClose = [Int](repeating: -1, count: allowsLinks ? n : 0)
        // Backtick runs by length, to find a code span's closer without scanning the rest each time.
        var runs: [Int: [Int]] = [:]
        do {
            var open: [Int] = []
            var index = 0
            while index < n {
                let scalar = s[index]
                if scalar == "\\" {
                    index += 2
                    continue
                }
                if scalar == "`" {
                    var end = index
                    while end < n, s[end] == "`" { end += 1 }
                    runs[end - index, default: []].append(index)
                    index = end
                    continue
                }
                if allowsLinks {
                    if scalar == "[" { open.append(index) }
                    if scalar == "]", let start = open.popLast() { bracketClose[start] = index }
                }
                index += 1
            }
        }
        var runCursor: [Int: Int] = [:]

        var i = 0
        while i < n {
            let scalar = s[i]
            switch scalar {
            case "\\":
                if i + 1 < n, s[i + 1].isASCII, Self.isPunctuation(s[i + 1]) {
                    emit(s[i + 1])
                    i += 2
                } else if i + 1 < n, s[i + 1] == "\n" {
                    markup("<br>")
                    buffer += "\n"
                    i += 2
                } else {
                    emit(scalar)
                    i += 1
                }
            case "\n":
                while buffer.last == " " { buffer.removeLast() }
                markup("<br>")
                buffer += "\n"
                i += 1
                while i < n, s[i] == " " { i += 1 }
            case "`":
                var end = i
                while end < n, s[end] == "`" { end += 1 }
                let length = end - i
                let positions = runs[length] ?? []
                var cursor = runCursor[length] ?? 0
                while cursor < positions.count, positions[cursor] <= i { cursor += 1 }
                runCursor[length] = cursor
                guard cursor < positions.count else {
                    emitAll(s[i..<end])
                    i = end
                    continue
                }
                let closer = positions[cursor]
                var code = s[end..<closer].map { $0 == "\n" ? " " : $0 }[...]
                if code.count >= 2, code.first == " ", code.last == " ", !code.allSatisfy({ $0 == " " }) {
                    code = code.dropFirst().dropLast()
                }
                markup("<code>")
                emitAll(code)
                markup("</code>")
                i = closer + length
            case "*", "_":
                var end = i
                while end < n, s[end] == scalar { end += 1 }
                let before: Unicode.Scalar = i > 0 ? s[i - 1] : " "
                let after: Unicode.Scalar = end < n ? s[end] : " "
                let left = !Self.isWhitespace(after)
                    && (!Self.isPunctuation(after) || Self.isWhitespace(before) || Self.isPunctuation(before))
                let right = !Self.isWhitespace(before)
                    && (!Self.isPunctuation(before) || Self.isWhitespace(after) || Self.isPunctuation(after))
                let canOpen = scalar == "*" ? left : left && (!right || Self.isPunctuation(before))
                let canClose = scalar == "*" ? right : right && (!left || Self.isPunctuation(after))
                flush()
                let current = delimiters.count
                delimiters.append(Delimiter(character: scalar, count: end - i))
                pieces.append(.delimiter(current))
                if canClose {
                    while delimiters[current].count > 0 {
                        guard let opener = (scalar == "*" ? stars : underscores).last else { break }
                        let use = delimiters[opener].count >= 2 && delimiters[current].count >= 2 ? 2 : 1
                        // Delimiters of the other kind opened inside stay text: the tags must nest.
                        if scalar == "*" {
                            while let last = underscores.last, last > opener { underscores.removeLast() }
                        } else {
                            while let last = stars.last, last > opener { stars.removeLast() }
                        }
                        if mode == .html {
                            let name = use == 2 ? "strong" : "em"
                            delimiters[opener].openTags = "<\(name)>" + delimiters[opener].openTags
                            delimiters[current].closeTags += "</\(name)>"
                        }
                        delimiters[opener].count -= use
                        delimiters[current].count -= use
                        if delimiters[opener].count == 0 {
                            if scalar == "*" { stars.removeLast() } else { underscores.removeLast() }
                        }
                    }
                }
                if canOpen, delimiters[current].count > 0 {
                    if scalar == "*" { stars.append(current) } else { underscores.append(current) }
                }
                i = end
            case "<":
                if let found = autolink(s, at: i) {
                    markup(found.markup)
                    if mode == .plain { buffer += String(String.UnicodeScalarView(s[(i + 1)..<(found.end - 1)])) }
                    i = found.end
                } else {
                    emit(scalar)
                    i += 1
                }
            case "!" where allowsLinks && i + 1 < n && s[i + 1] == "[":
                if let end = link(s, bracket: i + 1, close: bracketClose[i + 1], image: true, into: &buffer) {
                    i = end
                } else {
                    emit(scalar)
                    i += 1
                }
            case "[" where allowsLinks:
                if let end = link(s, bracket: i, close: bracketClose[i], image: false, into: &buffer) {
                    i = end
                } else {
                    emit(scalar)
                    i += 1
                }
            default:
                emit(scalar)
                i += 1
            }
        }
        flush()
        for piece in pieces {
            switch piece {
            case .text(let text):
                out += text
            case .delimiter(let index):
                let delimiter = delimiters[index]
                out += delimiter.closeTags
                for _ in 0..<delimiter.count { out.unicodeScalars.append(delimiter.character) }
                out += delimiter.openTags
            }
        }
    }

    /// `<https://…>` or `<name@host>` at `start`: the anchor's markup and the index after `>`.
    private func autolink(_ s: [Unicode.Scalar], at start: Int) -> (markup: String, end: Int)? {
        var end = start + 1
        while end < s.count, end - start <= 2048, !" \n<>".unicodeScalars.contains(s[end]) { end += 1 }
        guard end < s.count, s[end] == ">", end > start + 1 else { return nil }
        let text = String(String.UnicodeScalarView(s[(start + 1)..<end]))
        var target: String
        if text.contains(":") {
            target = text
        } else if text.contains("@"), !text.hasPrefix("@"), !text.hasSuffix("@") {
            target = "mailto:" + text
        } else {
            return nil
        }
        guard let safe = SafeMarkdown.safeURL(target) else { return nil }
        target = safe
        return ("<a href=\"\(SafeMarkdown.escape(target))\" rel=\"nofollow noopener noreferrer\">"
                    + SafeMarkdown.escape(text) + "</a>", end + 1)
    }

    /// `[text](target "title")` (or `![alt](target)`) with its `[` at `bracket`: written to `buffer`, and the index
    /// after `)`; nil when it is no link. An unsafe target leaves the text alone; an image becomes a link to it.
    private func link(_ s: [Unicode.Scalar], bracket: Int, close: Int, image: Bool, into buffer: inout String) -> Int? {
        let n = s.count
        guard close > bracket, close + 1 < n, s[close + 1] == "(" else { return nil }
        var j = close + 2
        func skipSpaces() {
            var skipped = 0
            while j < n, s[j] == " " || s[j] == "\n", skipped < 16 {
                j += 1
                skipped += 1
            }
        }
        skipSpaces()
        var target: String
        if j < n, s[j] == "<" {
            var k = j + 1
            while k < n, k - j <= 2048, s[k] != ">", s[k] != "\n", s[k] != "<" { k += 1 }
            guard k < n, s[k] == ">" else { return nil }
            target = String(String.UnicodeScalarView(s[(j + 1)..<k]))
            j = k + 1
        } else {
            var k = j
            var depth = 0
            while k < n, k - j <= 2048 {
                let scalar = s[k]
                if scalar.value <= 0x20 || scalar == "[" || scalar == "]" || scalar == "<" { break }
                if scalar == "(" { depth += 1 }
                if scalar == ")" {
                    if depth == 0 { break }
                    depth -= 1
                }
                k += 1
            }
            target = String(String.UnicodeScalarView(s[j..<k]))
            j = k
        }
        skipSpaces()
        if j < n, s[j] == "\"" || s[j] == "'" {
            let quote = s[j]
            var k = j + 1
            while k < n, k - j <= 512, s[k] != quote { k += 1 }
            guard k < n, s[k] == quote else { return nil }
            j = k + 1
            skipSpaces()
        }
        guard j < n, s[j] == ")" else { return nil }
        var label = ""
        MarkdownInlineRenderer(mode: mode, allowsLinks: false)
            .render(String(String.UnicodeScalarView(s[(bracket + 1)..<close])), into: &label)
        var safe = SafeMarkdown.safeURL(target)
        if image, let url = safe, !(url.lowercased().hasPrefix("https:") || url.lowercased().hasPrefix("http:")) {
            safe = nil
        }
        if image && label.isEmpty, let url = safe { label = mode == .html ? SafeMarkdown.escape(url) : url }
        if mode == .html, let url = safe {
            buffer += "<a href=\"\(SafeMarkdown.escape(url))\" rel=\"nofollow noopener noreferrer\">\(label)</a>"
        } else {
            buffer += label
        }
        return j + 1
    }
}
