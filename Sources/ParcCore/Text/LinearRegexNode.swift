/// The syntax tree of a ``LinearRegex``.
indirect enum LinearRegexNode: Equatable {
    case empty
    case scalar(Unicode.Scalar)
    case any
    case set(LinearRegexCharacterClass)
    case start
    case end
    case wordBoundary(Bool)
    case concatenation([LinearRegexNode])
    case alternation([LinearRegexNode])
    case repetition(LinearRegexNode, min: Int, max: Int?)

    /// Whether every match must begin at the start of the text.
    var isAnchoredAtStart: Bool {
        switch self {
        case .start: true
        case .concatenation(let nodes): nodes.first?.isAnchoredAtStart ?? false
        case .alternation(let branches): branches.allSatisfy(\.isAnchoredAtStart)
        case .repetition(let node, let min, _): min >= 1 && node.isAnchoredAtStart
        default: false
        }
    }
}
