import Foundation

/// A small template: `{{name}}` placeholders replaced by values, for mail subjects and bodies.
///
/// Unknown placeholders are an error at render time so that a template with a typo is caught
/// by its test rather than sent with a hole in it.
public struct TextTemplate: Sendable, Equatable {
    public let source: String

    public init(_ source: String) { self.source = source }

    public enum RenderError: Error, Equatable {
        case unknownPlaceholder(String)
        case unterminatedPlaceholder
    }

    /// The placeholder names used, in order of first appearance.
    public var placeholders: [String] {
        var names: [String] = []
        var rest = Substring(source)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if !names.contains(name) { names.append(name) }
            rest = rest[close.upperBound...]
        }
        return names
    }

    /// Replaces every placeholder; `escape` is applied to each value (HTML-escaping for HTML mail).
    public func render(_ values: [String: String], escape: (String) -> String = { $0 }) throws(RenderError) -> String {
        var output = ""
        var rest = Substring(source)
        while let open = rest.range(of: "{{") {
            output += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else { throw .unterminatedPlaceholder }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            guard let value = values[name] else { throw .unknownPlaceholder(name) }
            output += escape(value)
            rest = rest[close.upperBound...]
        }
        output += rest
        return output
    }
}
