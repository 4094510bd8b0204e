/// A regular expression matched in time proportional to the text's length times the pattern's, whatever both are:
/// the pattern compiles to a Thompson automaton that is run over the text once, every possible path in step (as RE2
/// and Go's `regexp` do), instead of the backtracking of ICU and NSRegularExpression, where `.*a.*a.*b` takes
/// seconds on a 256-character name and nothing can interrupt it.
///
/// The syntax is the common core of ICU, PCRE and POSIX ERE, which software-name rules use:
/// - literals, `.` (any character), `^` and `$` (start and end of the text; also `\A`, `\z`, `\Z`);
/// - bracket expressions `[abc]`, `[a-z0-9]`, `[^…]`, with `\d`, `\w`, `\s` and escapes inside;
/// - `\d`, `\D`, `\w`, `\W`, `\s`, `\S` (Unicode-aware), `\b`, `\B`, `\t`, `\n`, `\r`, `\xHH`, `\x{H…}`, `\uHHHH`, and
///   any punctuation escaped (`\.`, `\+`, `\(`);
/// - groups `(…)`, `(?:…)`, `(?<name>…)`, alternation `|`;
/// - repetition `*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}` (n, m ≤ ``maximumRepeatCount``), lazy forms (`*?`) accepted;
/// - `(?i)` or `(?-i)` at the very start: case-insensitive or not, overriding the default given to the initialiser.
///
/// Refused with a message naming the position: backreferences, lookaround, possessive repetition, atomic groups,
/// `\p{…}` and POSIX classes, inline flags elsewhere than the start, and patterns whose repetitions expand to more
/// than ``maximumProgramSize`` steps. Matching is a search (`Firefox` finds `Mozilla Firefox (x64)`); anchor with
/// `^…$` to match the whole text.
public struct LinearRegex: Sendable, CustomStringConvertible {
    /// The longest pattern, in characters.
    public static let maximumPatternLength = 500
    /// The largest `n` or `m` in `{n,m}`.
    public static let maximumRepeatCount = 100
    /// The most automaton steps a pattern may compile to.
    public static let maximumProgramSize = 5_000

    /// The pattern as written.
    public let pattern: String
    /// Whether case is ignored.
    public let isCaseInsensitive: Bool
    let program: [Instruction]
    /// Whether the pattern can only match at the start of the text (it starts with `^` outside any alternative).
    let isAnchoredAtStart: Bool

    /// Compiles `pattern`; throws a ``LinearRegexError`` naming the position of what is not supported or malformed.
    public init(_ pattern: String, caseInsensitive: Bool = true) throws(LinearRegexError) {
        let length = pattern.count
        guard length <= Self.maximumPatternLength else {
            throw LinearRegexError(
                .tooLong, position: Self.maximumPatternLength,
                "the pattern has \(length) characters; keep it to \(Self.maximumPatternLength)")
        }
        var parser = LinearRegexParser(pattern, caseInsensitive: caseInsensitive)
        let tree = try parser.parse()
        self.pattern = pattern
        isCaseInsensitive = parser.caseInsensitive
        program = try LinearRegexCompiler.compile(tree)
        isAnchoredAtStart = tree.isAnchoredAtStart
    }

    /// The pattern as written.
    public var description: String { pattern }

    /// Whether the pattern matches somewhere in `text`.
    public func matches(_ text: String) -> Bool {
        let scalars = Array((isCaseInsensitive ? text.lowercased() : text).unicodeScalars)
        return matches(scalars: scalars)
    }

    /// Whether the pattern matches somewhere in `scalars`, lower-cased already when ``isCaseInsensitive``.
    func matches(scalars text: [Unicode.Scalar]) -> Bool {
        let size = program.count
        // Two thread lists (members and index each) and the stack of `add`, in one allocation, on the stack when
        // small: the loop itself then allocates nothing.
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 6 * size + 2) { buffer in
            let base = buffer.baseAddress!
            base.initialize(repeating: -1, count: buffer.count)
            defer { base.deinitialize(count: buffer.count) }
            var current = ThreadList(members: base, index: base + size)
            var next = ThreadList(members: base + 2 * size, index: base + 3 * size)
            let stack = base + 4 * size
            var position = 0
            while true {
                if position == 0 || !isAnchoredAtStart { add(0, to: &current, at: position, in: text, stack: stack) }
                if current.containsMatch { return true }
                guard position < text.count, current.count > 0 || !isAnchoredAtStart else { return false }
                let scalar = text[position]
                next.removeAll()
                for slot in 0..<current.count {
                    let pc = current.members[slot]
                    let advances: Bool
                    switch program[pc] {
                    case .scalar(let expected): advances = scalar == expected
                    case .any: advances = true
                    case .set(let set): advances = set.contains(scalar, caseInsensitive: isCaseInsensitive)
                    default: advances = false
                    }
                    if advances { add(pc + 1, to: &next, at: position + 1, in: text, stack: stack) }
                }
                swap(&current, &next)
                position += 1
            }
        }
    }

    /// Adds the thread at `start` and every thread reachable from it without reading a character. Each program
    /// counter enters the list once and pushes at most two others, so `stack` never holds more than twice the
    /// program's size.
    private func add(
        _ start: Int, to list: inout ThreadList, at position: Int, in text: [Unicode.Scalar],
        stack: UnsafeMutablePointer<Int>
    ) {
        var depth = 1
        stack[0] = start
        while depth > 0 {
            depth -= 1
            let pc = stack[depth]
            guard list.insert(pc) else { continue }
            switch program[pc] {
            case .jump(let target):
                stack[depth] = target
                depth += 1
            case .split(let first, let second):
                stack[depth] = second
                stack[depth + 1] = first
                depth += 2
            case .assertStart:
                if position == 0 {
                    stack[depth] = pc + 1
                    depth += 1
                }
            case .assertEnd:
                if position == text.count {
                    stack[depth] = pc + 1
                    depth += 1
                }
            case .wordBoundary(let wanted):
                let before = position > 0 && LinearRegexCharacterClass.isWord(text[position - 1])
                let after = position < text.count && LinearRegexCharacterClass.isWord(text[position])
                if (before != after) == wanted {
                    stack[depth] = pc + 1
                    depth += 1
                }
            case .match:
                list.containsMatch = true
            case .scalar, .any, .set:
                break
            }
        }
    }

    /// One step of the automaton.
    enum Instruction: Sendable, Equatable {
        case scalar(Unicode.Scalar)
        case any
        case set(LinearRegexCharacterClass)
        case split(Int, Int)
        case jump(Int)
        case assertStart
        case assertEnd
        case wordBoundary(Bool)
        case match
    }

    /// The threads alive at one position: a sparse set of program counters, each once (Briggs and Torczon), over
    /// memory the caller owns. `index` need not be cleared: a slot counts only when `members` points back at it.
    struct ThreadList {
        let members: UnsafeMutablePointer<Int>
        let index: UnsafeMutablePointer<Int>
        private(set) var count = 0
        var containsMatch = false

        init(members: UnsafeMutablePointer<Int>, index: UnsafeMutablePointer<Int>) {
            self.members = members
            self.index = index
        }

        /// Inserts `pc`; false when it was there already.
        mutating func insert(_ pc: Int) -> Bool {
            let slot = index[pc]
            if slot >= 0, slot < count, members[slot] == pc { return false }
            index[pc] = count
            members[count] = pc
            count += 1
            return true
        }

        mutating func removeAll() {
            count = 0
            containsMatch = false
        }
    }
}
