extension NamingPattern {
    /// The next free name for an asset with `context`: one more than the highest sequence number among the
    /// `existing` names that conform with the same fixed parts (case-insensitively), starting at 1.
    ///
    /// Gaps are not filled: the number of a retired or renamed machine stays unused, so a label, a ticket or a log
    /// line that names it never points at another machine. Without `{seq:N}` the pattern gives one name, returned
    /// when no existing name takes it.
    ///
    /// - Throws: ``NamingPatternError/missingContext(token:)`` when the context lacks a value the pattern needs,
    ///   ``NamingPatternError/sequenceExhausted(width:)`` when the highest number already fills the width, and
    ///   ``NamingPatternError/nameTaken(_:)`` for a pattern without sequence whose name is taken.
    public func suggestNext(existing: some Sequence<String>, context: NamingContext) throws(NamingPatternError)
        -> String
    {
        let resolved = try resolve(context)
        let state = Self.scan(existing, for: resolved)
        return try Self.next(after: state.highest, taken: state.taken, in: resolved)
    }

    /// A rename proposal for every asset whose name breaks the plan, in a deterministic order.
    ///
    /// Assets are taken in order of current name (by Unicode scalar values, then by their position in `assets`
    /// for equal names), and each receives the next free name as ``suggestNext(existing:context:)`` would give it,
    /// counting the names already proposed, so no two proposals collide and none takes a name in `existing`
    /// (the names of the whole fleet; the names being replaced may be included, they conform to nothing). Assets
    /// that conform are left out.
    public func renameProposal(
        for assets: [(name: String, context: NamingContext)], existing: some Sequence<String>
    ) -> [RenameProposal] {
        let offenders = assets.enumerated()
            .compactMap { index, asset in
                validate(asset.name, context: asset.context).map { (index, asset.name, asset.context, $0) }
            }
            .sorted { lhs, rhs in
                lhs.1.unicodeScalars.lexicographicallyPrecedes(rhs.1.unicodeScalars)
                    || (lhs.1.unicodeScalars.elementsEqual(rhs.1.unicodeScalars) && lhs.0 < rhs.0)
            }
        guard !offenders.isEmpty else { return [] }
        let existingNames = Array(existing)
        // Highest sequence per resolved prefix and suffix, found once per key, then advanced as names are given.
        var highestByKey: [String: (highest: Int, taken: Bool)] = [:]
        var proposals: [RenameProposal] = []
        for (_, name, context, violation) in offenders {
            do throws(NamingPatternError) {
                let resolved = try resolve(context)
                let key = resolved.key
                var state = highestByKey[key] ?? Self.scan(existingNames, for: resolved)
                let proposed = try Self.next(after: state.highest, taken: state.taken, in: resolved)
                state = (resolved.width == nil ? 0 : state.highest + 1, true)
                highestByKey[key] = state
                proposals.append(
                    RenameProposal(currentName: name, violation: violation, proposedName: proposed, blocker: nil))
            } catch {
                proposals.append(
                    RenameProposal(currentName: name, violation: violation, proposedName: nil, blocker: error))
            }
        }
        return proposals
    }

    private static func scan(_ names: some Sequence<String>, for resolved: ResolvedPattern) -> (
        highest: Int, taken: Bool
    ) {
        var highest = 0
        var taken = false
        for name in names {
            guard case .success(let number) = resolved.sequence(in: name) else { continue }
            highest = max(highest, number)
            taken = true
        }
        return (highest, taken)
    }

    private static func next(after highest: Int, taken: Bool, in resolved: ResolvedPattern)
        throws(NamingPatternError) -> String
    {
        guard let width = resolved.width else {
            if taken { throw .nameTaken(resolved.prefix) }
            return resolved.prefix
        }
        let limit = (0..<width).reduce(1) { product, _ in product * 10 } - 1
        guard highest < limit else { throw .sequenceExhausted(width: width) }
        return resolved.name(sequence: highest + 1)
    }
}
