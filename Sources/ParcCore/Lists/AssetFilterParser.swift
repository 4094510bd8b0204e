import Foundation

/// Reads the filters of an asset list from its query parameters (`/api/v1/assets?…`, the list pages, saved
/// searches): `field=value`, `field[operator]=value`, values separated by commas (`\,` for a comma in a value, `\\`
/// for a backslash). The fields, and what each holds, are the server's (``fields``).
///
/// Values read by kind (``AssetFilterFieldKind``):
/// - sizes with a unit, **KB, MB, GB, TB, PB in powers of 1000** and KiB, MiB, GiB, TiB, PiB in powers of 1024, any
///   case, decimals allowed (`1.5TB`), a bare number being bytes: "RAM under 8 GB" is `memory_bytes[lt]=8GB`, and a
///   machine sold as 8 GB that reports 7.7 GiB usable (8.3 × 10⁹ bytes) is not under it;
/// - versions as ``SoftwareVersion`` (`software_version[lt]=120` holds for 119.0.1, not for 120.0);
/// - dates as an age, `12h`, `30d`, `2w` (hours, days, weeks before the caller's "now", kept relative), or as a
///   date `2024-01-31` (midnight UTC) or an instant `2024-01-31T08:00:00Z` (`+02:00` offsets too; none means UTC);
/// - booleans as `true`/`false`, `yes`/`no`, `1`/`0`; `[null]` takes one of them;
/// - choices lower-cased and checked against the list.
///
/// Parameters the list itself reads (`page`, `per_page`, `sort`, `q`) are skipped; anything else that is not a
/// declared field is refused, so that a typo never returns an unfiltered list.
public struct AssetFilterParser: Sendable {
    /// The most filters one request may hold.
    public static let maximumFilterCount = 50
    /// The most values one filter may list.
    public static let maximumValueCount = 100
    /// The longest parameter value, in characters.
    public static let maximumValueLength = 500
    /// The longest parameter name, in characters.
    public static let maximumNameLength = 100
    /// The list parameters of ``ListQuery``, skipped by default.
    public static let listParameters: Set<String> = ["page", "per_page", "sort", "q"]

    /// The fields that exist, and what each holds.
    public let fields: [String: AssetFilterFieldKind]

    /// A parser for these fields.
    public init(fields: [String: AssetFilterFieldKind]) {
        self.fields = fields
    }

    /// The filters of `parameters` (name, value pairs in URL order), skipping `ignoring`; throws on the first bad
    /// one.
    public func parse(
        _ parameters: [(String, String)], ignoring ignored: Set<String> = listParameters
    ) throws(AssetFilterError) -> [AssetFilter] {
        var filters: [AssetFilter] = []
        var seen = Set<String>()
        for (name, value) in parameters where !ignored.contains(name) {
            guard seen.insert(name).inserted else { throw .repeatedParameter(name) }
            guard filters.count < Self.maximumFilterCount else { throw .tooManyFilters(limit: Self.maximumFilterCount) }
            filters.append(try parse(name: name, value: value))
        }
        return filters
    }

    /// The filter of one parameter.
    public func parse(name: String, value: String) throws(AssetFilterError) -> AssetFilter {
        let (field, operatorName) = try Self.split(name)
        guard let kind = fields[field] else { throw .unknownField(field, allowed: fields.keys.sorted()) }
        var op = AssetFilterOperator.eq
        if let operatorName {
            guard let named = AssetFilterOperator(rawValue: operatorName.lowercased()) else {
                throw .unsupportedOperator(parameter: name, operator: operatorName, allowed: kind.operators)
            }
            op = named
        }
        guard kind.operators.contains(op) else {
            throw .unsupportedOperator(parameter: name, operator: operatorName ?? "eq", allowed: kind.operators)
        }
        guard value.utf8.count <= Self.maximumValueLength * 4, value.count <= Self.maximumValueLength else {
            throw .valueTooLong(parameter: name, limit: Self.maximumValueLength)
        }
        let items = try Self.items(of: value, parameter: name)
        if op.takesOneValue, items.count > 1 { throw .tooManyValues(parameter: name, limit: 1) }
        var values: [AssetFilterValue] = []
        for item in items {
            values.append(try Self.value(item, kind: kind, op: op, parameter: name))
        }
        if op == .eq, values.count > 1 { op = .in }
        return AssetFilter(field: field, op: op, values: values)
    }

    /// `field` and `operator` of `field[operator]`, or `field` alone.
    public static func split(_ name: String) throws(AssetFilterError) -> (field: String, operator: String?) {
        guard !name.isEmpty, name.count <= maximumNameLength else { throw .malformedParameter(name) }
        guard let open = name.firstIndex(of: "[") else {
            guard !name.contains("]") else { throw .malformedParameter(name) }
            return (name, nil)
        }
        let field = name[..<open]
        let inner = name[name.index(after: open)...].dropLast()
        guard !field.isEmpty, name.hasSuffix("]"), !inner.isEmpty, !inner.contains("["), !inner.contains("]") else {
            throw .malformedParameter(name)
        }
        return (String(field), String(inner))
    }

    /// The values of a parameter: split at commas not escaped, `\,` and `\\` unescaped, each trimmed and non-empty.
    static func items(of value: String, parameter: String) throws(AssetFilterError) -> [String] {
        var items: [String] = []
        var current = ""
        var escaped = false
        for character in value {
            if escaped {
                if character != "," && character != "\\" { current.append("\\") }
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "," {
                items.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        if escaped { current.append("\\") }
        items.append(current)
        let trimmed = items.map { $0.trimmingCharacters(in: .whitespaces) }
        guard !trimmed.contains(where: \.isEmpty) else { throw .emptyValue(parameter: parameter) }
        guard trimmed.count <= maximumValueCount else {
            throw .tooManyValues(parameter: parameter, limit: maximumValueCount)
        }
        return trimmed
    }

    static func value(
        _ item: String, kind: AssetFilterFieldKind, op: AssetFilterOperator, parameter: String
    ) throws(AssetFilterError) -> AssetFilterValue {
        func invalid(_ expected: String) -> AssetFilterError {
            .invalidValue(parameter: parameter, value: item, expected: expected)
        }
        if op == .isNull {
            guard let flag = boolean(item) else { throw invalid("true (no value) or false (any value)") }
            return .boolean(flag)
        }
        if op == .like { return .pattern(item) }
        switch kind {
        case .text:
            return .text(item)
        case .integer:
            guard let number = integer(item) else { throw invalid(kind.expectedValue) }
            return .integer(number)
        case .size:
            guard let bytes = size(item) else { throw invalid(kind.expectedValue) }
            return .bytes(bytes)
        case .version:
            do {
                return .version(try SoftwareVersion(parsing: item))
            } catch {
                throw invalid(kind.expectedValue + " (" + error.message + ")")
            }
        case .date:
            if let seconds = age(item) { return .age(seconds: seconds) }
            guard let date = instant(item) else { throw invalid(kind.expectedValue) }
            return .instant(date)
        case .boolean:
            guard let flag = boolean(item) else { throw invalid(kind.expectedValue) }
            return .boolean(flag)
        case .choice(let allowed):
            let word = item.lowercased()
            guard allowed.contains(word) else { throw invalid(kind.expectedValue) }
            return .text(word)
        }
    }
}
