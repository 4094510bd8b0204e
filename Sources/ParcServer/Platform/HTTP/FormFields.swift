import Foundation
import Vapor

/// A URL-encoded form as it was posted, every value of a name kept in order (a multiple select sends its name once
/// per chosen option, which a `[String: String]` decoding would refuse).
struct FormFields: Sendable {
    private(set) var values: [String: [String]] = [:]

    /// The most pairs read: a hostile form cannot make the server hold more.
    static let maximumPairs = 5_000

    init(_ pairs: [(String, String)]) {
        for (name, value) in pairs.prefix(Self.maximumPairs) { values[name, default: []].append(value) }
    }

    /// The fields of the request's body (empty when it is not a URL-encoded form).
    init(_ req: Request) {
        guard req.headers.contentType == .urlEncodedForm, let body = req.body.string else {
            self.init([])
            return
        }
        self.init(body.split(separator: "&", omittingEmptySubsequences: true).prefix(Self.maximumPairs).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decoded(_ text: Substring) -> String {
                let spaced = text.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            return (decoded(parts[0]), parts.count > 1 ? decoded(parts[1]) : "")
        })
    }

    /// The first value sent under `name`, or nil.
    subscript(name: String) -> String? { values[name]?.first }

    /// Every value sent under `name`.
    func all(_ name: String) -> [String] { values[name] ?? [] }
}
