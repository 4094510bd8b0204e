import Foundation

/// What a ticket category asks of a new ticket: values the form starts from, and fields that must be filled.
///
/// The description's starting text is the category's Markdown template; when the category has one, a ticket whose
/// description is still that text, unchanged, counts as not described.
public struct TicketTemplate: Hashable, Sendable, Codable {
    /// A field a template may require.
    public enum Field: String, CaseIterable, Hashable, Sendable, Codable {
        /// Where the problem is (office, room).
        case location
        /// At least one linked asset.
        case assets = "asset_ids"
        /// At least one tag.
        case tags
    }

    /// Values a new ticket of the category starts from; nil leaves the form's own default.
    public struct Predefined: Hashable, Sendable, Codable {
        /// `incident` or `request`.
        public var type: String?
        /// 1–5.
        public var urgency: Int?
        /// 1–5.
        public var impact: Int?
        /// The start of the title ("Arrivée : ").
        public var title: String?
        public var location: String?
        public var tags: [String]?

        public init(type: String? = nil, urgency: Int? = nil, impact: Int? = nil, title: String? = nil,
                    location: String? = nil, tags: [String]? = nil) {
            self.type = type
            self.urgency = urgency
            self.impact = impact
            self.title = title
            self.location = location
            self.tags = tags
        }

        /// Whether nothing is predefined.
        public var isEmpty: Bool { self == Predefined() }
    }

    /// What a ticket holds, as far as a template looks at it.
    public struct Values: Hashable, Sendable {
        public var description: String
        public var location: String?
        public var tags: [String]
        public var assetCount: Int

        public init(description: String, location: String?, tags: [String], assetCount: Int) {
            self.description = description
            self.location = location
            self.tags = tags
            self.assetCount = assetCount
        }
    }

    public var predefined: Predefined
    /// The fields that must be filled, in ``Field/allCases`` order.
    public var mandatory: [Field]

    /// A template; `mandatory` is put in a stable order without repeats.
    public init(predefined: Predefined = Predefined(), mandatory: some Sequence<Field> = []) {
        self.predefined = predefined
        let wanted = Set(mandatory)
        self.mandatory = Field.allCases.filter(wanted.contains)
    }

    /// Whether the template neither predefines nor requires anything.
    public var isEmpty: Bool { predefined.isEmpty && mandatory.isEmpty }

    /// The problems of a template as an administrator wrote it, by field (`predefined.urgency`), with what to do.
    public func problems(titleLimit: Int, locationLimit: Int, tagLimit: Int, tagCount: Int) -> [String: String] {
        var problems: [String: String] = [:]
        if let type = predefined.type, type != "incident", type != "request" {
            problems["predefined.type"] = "Use incident or request."
        }
        for (name, level) in [("urgency", predefined.urgency), ("impact", predefined.impact)] {
            if let level, !(1...5).contains(level) { problems["predefined.\(name)"] = "Use 1 to 5." }
        }
        if let title = predefined.title {
            if title.count > titleLimit { problems["predefined.title"] = "Keep it under \(titleLimit) characters." }
            if title.contains(where: \.isNewline) { problems["predefined.title"] = "Keep it on one line." }
        }
        if let location = predefined.location {
            if location.count > locationLimit {
                problems["predefined.location"] = "Keep it under \(locationLimit) characters."
            }
            if location.contains(where: \.isNewline) { problems["predefined.location"] = "Keep it on one line." }
        }
        if let tags = predefined.tags {
            if tags.count > tagCount { problems["predefined.tags"] = "Give at most \(tagCount) tags." }
            if tags.contains(where: { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || $0.count > tagLimit || $0.contains(where: \.isNewline) }) {
                problems["predefined.tags"] = "Give tags of 1 to \(tagLimit) characters, on one line each."
            }
        }
        return problems
    }

    /// The fields a ticket leaves empty that the template requires, plus `description` when the category's
    /// starting text (`descriptionTemplate`) was sent back unchanged — line ends aside: a browser sends a textarea's
    /// lines ended by CR LF.
    public func missingFields(in values: Values, descriptionTemplate: String?) -> [String] {
        var missing: [String] = []
        func normalized(_ text: String) -> String {
            text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if let start = descriptionTemplate.map(normalized), !start.isEmpty, normalized(values.description) == start {
            missing.append("description")
        }
        for field in mandatory {
            let empty = switch field {
            case .location: (values.location?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "").isEmpty
            case .assets: values.assetCount == 0
            case .tags: values.tags.allSatisfy { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
            }
            if empty { missing.append(field.rawValue) }
        }
        return missing
    }

    /// The required fields a person's change of an existing ticket leaves empty (decision 0064): every one when the
    /// change moves the ticket into the category (`entering`), else only those the change emptied — a ticket that
    /// came in by mail without a location is not blocked until someone gives one, but nobody clears it afterwards.
    /// The description's starting text is not looked at: it was written for the category the ticket was opened in.
    public func missingAfterChange(before: Values, after: Values, entering: Bool) -> [Field] {
        let missing = missingFields(in: after, descriptionTemplate: nil)
        let wasMissing = entering ? [] : Set(missingFields(in: before, descriptionTemplate: nil))
        return mandatory.filter { missing.contains($0.rawValue) && !wasMissing.contains($0.rawValue) }
    }
}
