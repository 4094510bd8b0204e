/// The lines two versions of a text share, and those one removed or added: what the revisions tab shows.
///
/// Common leading and trailing lines are matched first; the middle is compared line by line (longest common
/// subsequence) when it is small enough, else shown as removed then added. The work is therefore bounded by
/// ``maximumCells`` whatever the texts.
public enum LineDiff {
    public enum Line: Equatable, Sendable {
        case same(String)
        case removed(String)
        case added(String)
    }

    /// The largest middle (lines before × lines after) compared line by line.
    public static let maximumCells = 1_000_000

    public static func lines(from old: String, to new: String) -> [Line] {
        let before = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let after = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var prefix = 0
        while prefix < before.count, prefix < after.count, before[prefix] == after[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < before.count - prefix, suffix < after.count - prefix,
              before[before.count - 1 - suffix] == after[after.count - 1 - suffix] { suffix += 1 }
        let a = Array(before[prefix..<(before.count - suffix)])
        let b = Array(after[prefix..<(after.count - suffix)])
        var result = before[..<prefix].map(Line.same)
        if a.count * b.count > maximumCells || a.isEmpty || b.isEmpty {
            result += a.map(Line.removed) + b.map(Line.added)
        } else {
            // lengths[i][j]: the longest common subsequence of a[i...] and b[j...], in one flat array.
            let width = b.count + 1
            var lengths = [Int32](repeating: 0, count: (a.count + 1) * width)
            for i in stride(from: a.count - 1, through: 0, by: -1) {
                for j in stride(from: b.count - 1, through: 0, by: -1) {
                    lengths[i * width + j] = a[i] == b[j] ? lengths[(i + 1) * width + j + 1] + 1
                        : max(lengths[(i + 1) * width + j], lengths[i * width + j + 1])
                }
            }
            var i = 0
            var j = 0
            while i < a.count, j < b.count {
                if a[i] == b[j] {
                    result.append(.same(a[i]))
                    i += 1
                    j += 1
                } else if lengths[(i + 1) * width + j] >= lengths[i * width + j + 1] {
                    result.append(.removed(a[i]))
                    i += 1
                } else {
                    result.append(.added(b[j]))
                    j += 1
                }
            }
            result += a[i...].map(Line.removed) + b[j...].map(Line.added)
        }
        result += before[(before.count - suffix)...].map(Line.same)
        return result
    }
}
