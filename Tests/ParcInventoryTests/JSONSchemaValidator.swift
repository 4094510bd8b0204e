import Foundation

/// A JSON Schema (draft 07) validator for the keywords inventory.schema.json uses: `type`, `properties`,
/// `required`, `additionalProperties: false`, `items`, `pattern`, `$ref` (local), `anyOf`, `oneOf`, `enum`,
/// `minimum`, `maximum`, and `format` `ipv4`/`ipv6`. Independent of the code under test: it reads the schema file
/// and the written bytes through JSONSerialization.
struct JSONSchemaValidator {
    let root: [String: Any]

    init(schema: Data) throws {
        root = try JSONSerialization.jsonObject(with: schema) as! [String: Any]
    }

    /// Every violation, as `path: problem`; empty when `document` is valid.
    func validate(_ document: Data) throws -> [String] {
        let value = try JSONSerialization.jsonObject(with: document, options: [.fragmentsAllowed])
        var problems: [String] = []
        check(value, against: root, path: "$", problems: &problems)
        return problems
    }

    private func resolve(_ reference: String) -> [String: Any] {
        precondition(reference.hasPrefix("#/"), "only local references: \(reference)")
        var node: Any = root
        for part in reference.dropFirst(2).split(separator: "/") {
            node = (node as! [String: Any])[String(part)]!
        }
        return node as! [String: Any]
    }

    private func typeName(_ value: Any) -> String {
        if value is NSNull { return "null" }
        if let number = value as? NSNumber {
            if String(cString: number.objCType) == "c" {
                return "boolean"
            }
            return number.doubleValue.rounded() == number.doubleValue ? "integer" : "number"
        }
        if value is String { return "string" }
        if value is [Any] { return "array" }
        if value is [String: Any] { return "object" }
        return "unknown"
    }

    private func check(_ value: Any, against schema: [String: Any], path: String, problems: inout [String]) {
        if let reference = schema["$ref"] as? String {
            check(value, against: resolve(reference), path: path, problems: &problems)
        }
        if let type = schema["type"] {
            let allowed = (type as? [String]) ?? [type as! String]
            let actual = typeName(value)
            let ok = allowed.contains(actual) || (actual == "integer" && allowed.contains("number"))
            if !ok {
                problems.append("\(path): \(actual) where the schema wants \(allowed.joined(separator: "|"))")
                return
            }
        }
        if let options = schema["enum"] as? [Any] {
            if !options.contains(where: { "\($0)" == "\(value)" }) { problems.append("\(path): \(value) not in enum") }
        }
        if let anyOf = schema["anyOf"] as? [[String: Any]] {
            let passes = anyOf.contains { option in
                var local: [String] = []
                check(value, against: option, path: path, problems: &local)
                return local.isEmpty
            }
            if !passes { problems.append("\(path): matches none of anyOf") }
        }
        if let oneOf = schema["oneOf"] as? [[String: Any]] {
            let passing = oneOf.filter { option in
                var local: [String] = []
                check(value, against: option, path: path, problems: &local)
                return local.isEmpty
            }
            if passing.count != 1 { problems.append("\(path): matches \(passing.count) of oneOf") }
        }
        if let text = value as? String {
            if let pattern = schema["pattern"] as? String {
                let regex = try! NSRegularExpression(pattern: pattern)
                let range = NSRange(text.startIndex..., in: text)
                if regex.firstMatch(in: text, range: range) == nil {
                    problems.append("\(path): \"\(text)\" does not match \(pattern)")
                }
            }
            if let format = schema["format"] as? String {
                if format == "ipv4" && !Self.isIPv4(text) || format == "ipv6" && !Self.isIPv6(text) {
                    problems.append("\(path): \"\(text)\" is not \(format)")
                }
            }
        }
        if let number = value as? NSNumber, typeName(value) != "boolean" {
            if let minimum = schema["minimum"] as? Double, number.doubleValue < minimum {
                problems.append("\(path): \(number) < \(minimum)")
            }
            if let maximum = schema["maximum"] as? Double, number.doubleValue > maximum {
                problems.append("\(path): \(number) > \(maximum)")
            }
        }
        if let object = value as? [String: Any] {
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for key in schema["required"] as? [String] ?? [] where object[key] == nil {
                problems.append("\(path): required \(key) is missing")
            }
            if let additional = schema["additionalProperties"] as? Bool, !additional {
                for key in object.keys where properties[key] == nil {
                    problems.append("\(path): \(key) is not allowed")
                }
            }
            for (key, child) in object {
                if let childSchema = properties[key] as? [String: Any] {
                    check(child, against: childSchema, path: path + "." + key, problems: &problems)
                }
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (index, element) in array.enumerated() {
                check(element, against: items, path: path + "[\(index)]", problems: &problems)
            }
        }
    }

    static func isIPv4(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCII) && part.allSatisfy(\.isNumber)
                && Int(part)! <= 255
        }
    }

    static func isIPv6(_ text: String) -> Bool {
        var address = in6_addr()
        return inet_pton(AF_INET6, text, &address) == 1
    }
}
