/// A reason `parc` cannot start, with what to do about it. The CLI prints the message and exits 1.
public struct ParcStartupError: Error, CustomStringConvertible, Sendable {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
