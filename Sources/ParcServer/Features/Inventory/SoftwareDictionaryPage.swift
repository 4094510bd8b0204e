import Fluent
import Foundation
import ParcCore
import Vapor

/// `/software/dictionary` (*dictionnaire des logiciels*): the rules that rename, merge or ignore programs before they
/// reach the catalogue, in the order they are tried, with the form that adds one, ↑/↓ and delete, and a tester
/// ("what would this program become") over the import's own matching (``SoftwareDictionary``). Reading needs
/// `assets.read`, changes `inventory.admin` on every root, as in the API (docs/inventory.md §Software dictionary,
/// decision 0069).
struct SoftwareDictionaryPage {
    func register(_ routes: any RoutesBuilder) {
        routes.get("software", "dictionary", use: page)
        routes.post("software", "dictionary", use: create)
        routes.post("software", "dictionary", ":id", "move", use: move)
        routes.post("software", "dictionary", ":id", "delete", use: delete)
    }

    struct Row: Encodable {
        let id: UUID
        let number: Int
        let condition: String
        let pattern: String
        let publisherCondition: String?
        let publisherPattern: String?
        let ignore: Bool
        let newName: String?
        let newPublisher: String?
        let comment: String?
        let first: Bool
        let last: Bool
    }

    /// The tester's answer.
    struct Outcome: Encodable {
        /// `unchanged`, `renamed`, `merged` or `ignored`.
        let kind: String
        let label: String
        let ruleNumber: String?
        let name: String?
        let publisher: String?
        /// The catalogue entry a merge goes into, when the user may see it.
        let softwareID: UUID?
        /// The name or publisher is longer than any rule looks at.
        let tooLong: Bool
    }

    struct Page: Encodable {
        let rows: [Row]
        let canManage: Bool
        let values: [String: String]
        let errors: [String: String]
        let kinds: [SelectOption]
        let publisherKinds: [SelectOption]
        let actions: [SelectOption]
        let test: [String: String]
        let outcome: Outcome?
    }

    /// The fields of the add form, cut to sizes no valid rule exceeds.
    struct Submission: Content {
        var match: String?
        var pattern: String?
        var publisher_match: String?
        var publisher_pattern: String?
        var action: String?
        var new_name: String?
        var new_publisher: String?
        var comment: String?

        var values: [String: String] {
            func cut(_ text: String?, _ limit: Int) -> String { String((text ?? "").prefix(limit)) }
            return ["match": cut(match, 40), "pattern": cut(pattern, 2_000), "publisher_match": cut(publisher_match, 40),
                    "publisher_pattern": cut(publisher_pattern, 2_000), "action": cut(action, 40),
                    "new_name": cut(new_name, 2_000), "new_publisher": cut(new_publisher, 2_000),
                    "comment": cut(comment, 5_000)]
        }
    }

    private func kindLabel(_ req: Request, _ kind: String) -> String { req.t("inventory.dictionary.match.\(kind)") }

    private func render(_ req: Request, values: [String: String] = ["match": "equals", "publisher_match": "equals",
                                                                      "action": "rename"],
                        errors: [String: String] = [:], status: HTTPResponseStatus = .ok) async throws -> Response {
        try await req.requireAnywhere(.assetsRead)
        let tree = try await req.entityTree()
        let scope = try await req.accessScope()
        let stored = try await SoftwareRuleStore.rows(on: req.db)
        let rows = stored.enumerated().map { index, row in
            Row(id: row.id, number: index + 1,
                condition: SoftwareDictionaryRule.MatchKind(rawValue: row.match) == nil ? row.match : kindLabel(req, row.match),
                pattern: row.pattern,
                publisherCondition: row.publisher_pattern == nil ? nil : kindLabel(req, row.publisher_match ?? "equals"),
                publisherPattern: row.publisher_pattern, ignore: row.action == "ignore", newName: row.new_name,
                newPublisher: row.new_publisher, comment: row.comment, first: index == 0, last: index == stored.count - 1)
        }
        // The tester: a read-only GET form, bookmarkable.
        var test: [String: String] = [:]
        for key in ["name", "publisher"] {
            test[key] = (try? req.query.get(String.self, at: "test_\(key)")).map { String($0.prefix(1_000)) }
        }
        var outcome: Outcome?
        if req.method == .GET, (try? req.query.get(String.self, at: "test")) != nil,
           let name = test["name"], !name.trimmingCharacters(in: .whitespaces).isEmpty {
            outcome = try await self.outcome(req, name: name, publisher: test["publisher"]?.nilIfEmpty, rows: stored)
        }
        let kinds = SoftwareDictionaryRule.MatchKind.allCases.map(\.rawValue)
        let page = Page(
            rows: rows, canManage: tree.roots.allSatisfy { scope.allows(.inventoryAdmin, in: $0) }, values: values,
            errors: errors,
            kinds: kinds.map { SelectOption(value: $0, label: kindLabel(req, $0), selected: values["match"] == $0) },
            publisherKinds: kinds.map {
                SelectOption(value: $0, label: kindLabel(req, $0), selected: values["publisher_match"] == $0)
            },
            actions: ["rename", "ignore"].map {
                SelectOption(value: $0, label: req.t("inventory.dictionary.action.\($0)"), selected: values["action"] == $0)
            },
            test: test, outcome: outcome)
        return try await req.renderPage("software/dictionary", title: req.t("inventory.dictionary.title"),
                                        active: "software-dictionary", page: page, status: status)
    }

    /// What the import would do with the program: the dictionary of the stored rules, applied as the import
    /// applies it.
    private func outcome(_ req: Request, name: String, publisher: String?,
                         rows: [SoftwareRuleStore.Row]) async throws -> Outcome {
        let dictionary = SoftwareRuleStore.dictionary(rows)
        let tooLong = name.utf8.count > SoftwareDictionary.maximumMatchedLength
            || (publisher?.utf8.count ?? 0) > SoftwareDictionary.maximumMatchedLength
        guard let index = dictionary.matchingRuleIndex(name: name, publisher: publisher) else {
            return Outcome(kind: "unchanged", label: req.t("inventory.dictionary.test.unchanged"), ruleNumber: nil,
                           name: name, publisher: publisher, softwareID: nil, tooLong: tooLong)
        }
        guard let (newName, newPublisher) = dictionary.apply(name: name, publisher: publisher) else {
            return Outcome(kind: "ignored", label: req.t("inventory.dictionary.test.ignored", String(index + 1)),
                           ruleNumber: String(index + 1), name: nil, publisher: nil, softwareID: nil, tooLong: false)
        }
        // A rename onto a program the catalogue already holds merges the two.
        let key = SoftwareCatalogueKey(name: newName, publisher: newPublisher)
        var into: UUID?
        if key != SoftwareCatalogueKey(name: name, publisher: publisher) {
            into = try await SoftwareCatalogue(request: req).visible(key: key)
        }
        return Outcome(kind: into == nil ? "renamed" : "merged",
                       label: req.t(into == nil ? "inventory.dictionary.test.renamed" : "inventory.dictionary.test.merged",
                                    String(index + 1)),
                       ruleNumber: String(index + 1), name: newName, publisher: newPublisher, softwareID: into, tooLong: false)
    }

    @Sendable func page(_ req: Request) async throws -> Response {
        try await render(req)
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.assetsRead)
        let values = try req.content.decode(Submission.self).values
        func text(_ key: String) -> String? { values[key]!.trimmingCharacters(in: .whitespaces).nilIfEmpty }
        do {
            let row = try await SoftwareRuleService(request: req).create(
                match: values["match"]!, pattern: values["pattern"]!.trimmingCharacters(in: .whitespaces),
                publisherMatch: text("publisher_pattern") == nil ? nil : values["publisher_match"],
                publisherPattern: text("publisher_pattern"), action: values["action"]!,
                newName: values["action"] == "rename" ? text("new_name") : nil,
                newPublisher: values["action"] == "rename" ? text("new_publisher") : nil, comment: text("comment"),
                position: nil)
            req.flash("success", req.t("inventory.dictionary.saved", row.pattern))
            return req.redirect(to: "/software/dictionary")
        } catch let error as SoftwareDictionaryError {
            return try await render(req, values: values, errors: [error.field: req.describe(error)],
                                    status: .unprocessableEntity)
        } catch let error as ParcError where error.status == .unprocessableEntity {
            return try await render(req, values: values, errors: req.localized(error.fields), status: .unprocessableEntity)
        }
    }

    @Sendable func move(_ req: Request) async throws -> Response {
        let direction = try? req.content.get(String.self, at: "direction")
        guard direction == "up" || direction == "down" else {
            throw ParcError.validation(["direction": "Use up or down."])
        }
        try await SoftwareRuleService(request: req).move(req.parameters.get("id", as: UUID.self), up: direction == "up")
        return req.redirect(to: "/software/dictionary")
    }

    @Sendable func delete(_ req: Request) async throws -> Response {
        let row = try await SoftwareRuleService(request: req).delete(req.parameters.get("id", as: UUID.self))
        req.flash("success", req.t("inventory.dictionary.deleted", row.pattern))
        return req.redirect(to: "/software/dictionary")
    }
}
