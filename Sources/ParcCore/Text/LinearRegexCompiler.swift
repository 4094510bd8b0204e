/// Turns a ``LinearRegexNode`` tree into ``LinearRegex/Instruction``s (Thompson's construction).
enum LinearRegexCompiler {
    static func compile(_ tree: LinearRegexNode) throws(LinearRegexError) -> [LinearRegex.Instruction] {
        let size = programSize(tree)
        guard size < LinearRegex.maximumProgramSize else {
            throw LinearRegexError(
                .tooComplex, position: 0,
                "the pattern's repetitions expand to more than \(LinearRegex.maximumProgramSize) steps; "
                    + "use smaller {n,m} counts or * and +")
        }
        var program: [LinearRegex.Instruction] = []
        program.reserveCapacity(size + 1)
        emit(tree, into: &program)
        program.append(.match)
        return program
    }

    /// The number of instructions `node` compiles to, stopping a little past the limit.
    static func programSize(_ node: LinearRegexNode) -> Int {
        let cap = LinearRegex.maximumProgramSize + 1
        switch node {
        case .empty:
            return 0
        case .scalar, .any, .set, .start, .end, .wordBoundary:
            return 1
        case .concatenation(let nodes):
            return nodes.reduce(0) { min(cap, $0 + programSize($1)) }
        case .alternation(let branches):
            return min(cap, branches.reduce(0) { min(cap, $0 + programSize($1)) } + 2 * (branches.count - 1))
        case .repetition(let inner, let low, let high):
            let body = programSize(inner)
            let required = low * body
            let optional = high.map { ($0 - low) * (body + 1) } ?? (body + 2)
            return min(cap, required + optional)
        }
    }

    static func emit(_ node: LinearRegexNode, into program: inout [LinearRegex.Instruction]) {
        switch node {
        case .empty:
            break
        case .scalar(let scalar):
            program.append(.scalar(scalar))
        case .any:
            program.append(.any)
        case .set(let set):
            program.append(.set(set))
        case .start:
            program.append(.assertStart)
        case .end:
            program.append(.assertEnd)
        case .wordBoundary(let wanted):
            program.append(.wordBoundary(wanted))
        case .concatenation(let nodes):
            for inner in nodes { emit(inner, into: &program) }
        case .alternation(let branches):
            var exits: [Int] = []
            for (position, branch) in branches.enumerated() {
                guard position < branches.count - 1 else {
                    emit(branch, into: &program)
                    break
                }
                let split = program.count
                program.append(.split(split + 1, -1))
                emit(branch, into: &program)
                exits.append(program.count)
                program.append(.jump(-1))
                program[split] = .split(split + 1, program.count)
            }
            for exit in exits { program[exit] = .jump(program.count) }
        case .repetition(let inner, let low, let high):
            for _ in 0..<low { emit(inner, into: &program) }
            if let high {
                var splits: [Int] = []
                for _ in low..<high {
                    splits.append(program.count)
                    program.append(.split(program.count + 1, -1))
                    emit(inner, into: &program)
                }
                for split in splits { program[split] = .split(split + 1, program.count) }
            } else {
                let loop = program.count
                program.append(.split(loop + 1, -1))
                emit(inner, into: &program)
                program.append(.jump(loop))
                program[loop] = .split(loop + 1, program.count)
            }
        }
    }
}
