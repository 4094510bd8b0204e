import Foundation

/// One page of a list whose matches are counted only up to a limit (decision 0059): the total is exact while it is
/// at most the limit; past it, the list says "more than `total`" instead of visiting every match to count them.
struct CountedPage<Item> {
    let items: [Item]
    /// Exact when `isCapped` is false; otherwise more than this many match.
    let total: Int
    let isCapped: Bool
    /// Whether a later page has items.
    let hasMore: Bool

    /// - Parameters:
    ///   - items: the page, at most `perPage` items.
    ///   - hasMore: whether a row beyond the page was found.
    ///   - counted: how many matches a count stopped at `countLimit + 1` found; nil when nothing was counted
    ///     (see ``needsCount(itemCount:offset:perPage:hasMore:countLimit:)``).
    init(items: [Item], offset: Int, hasMore: Bool, counted: Int?, countLimit: Int) {
        self.items = items
        self.hasMore = hasMore
        if let counted {
            total = min(counted, countLimit)
            isCapped = counted > countLimit
        } else if hasMore {
            // Past the limit, nothing was counted: more than everything up to this page match.
            total = offset + items.count
            isCapped = true
        } else {
            // The last page: everything before it plus what it holds.
            total = offset + items.count
            isCapped = false
        }
    }

    /// Whether the page alone does not tell the total and a count is worth making: a later page exists and the
    /// count limit lies beyond this page, or the page is past the end (an empty page after the first).
    static func needsCount(itemCount: Int, offset: Int, perPage: Int, hasMore: Bool, countLimit: Int) -> Bool {
        (hasMore && offset + perPage < countLimit) || (itemCount == 0 && offset > 0)
    }
}
