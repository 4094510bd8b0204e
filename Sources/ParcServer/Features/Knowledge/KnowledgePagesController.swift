import Fluent
import FluentKit
import Foundation
import ParcCore
import Vapor

/// `/kb`: the article list (search, categories, filters, sort, CSV export), the article page (rendered body, votes,
/// details, revisions with a diff, history), the article form with its templates, and the categories page.
struct KnowledgePagesController {
    func register(_ routes: any RoutesBuilder) {
        routes.get("kb", use: listPage)
        routes.get("kb", "new", use: newPage)
        routes.on(.POST, "kb", body: .collect(maxSize: "1mb"), use: create)
        routes.get("kb", "categories", use: categoriesPage)
        routes.post("kb", "categories", use: createCategory)
        routes.post("kb", "categories", ":id", use: renameCategory)
        routes.post("kb", "categories", ":id", "delete", use: deleteCategory)
        routes.get("kb", ":id", use: showPage)
        routes.get("kb", ":id", "edit", use: editPage)
        routes.on(.POST, "kb", ":id", body: .collect(maxSize: "1mb"), use: update)
        routes.post("kb", ":id", "delete", use: delete)
        routes.post("kb", ":id", "vote", use: vote)
    }

    // MARK: list

    struct Row: Encodable {
        let id: UUID
        let title: String
        let category: String
        let entity: String
        let visibility: String
        let visibilityTone: String
        let template: String
        let updated: String
        let views: String
        let reviewOn: String
        let reviewDue: Bool
        let snippet: String?
    }

    static func tone(_ visibility: String) -> String {
        switch visibility {
        case "faq": "green"
        case "entities": "amber"
        default: "blue"
        }
    }

    static func row(_ dto: ArticleDTO, _ req: Request) -> Row {
        Row(id: dto.id, title: dto.title, category: dto.category?.name ?? "—", entity: dto.entity,
            visibility: req.t("kb.visibility.\(dto.visibility)"), visibilityTone: tone(dto.visibility),
            template: req.t("kb.template.\(dto.template)"), updated: req.formatDateTime(dto.updated_at),
            views: ParcFormat.number(dto.views, language: req.language),
            reviewOn: ParcFormat.day(dto.review_on, language: req.language), reviewDue: dto.review_due,
            snippet: dto.snippet)
    }

    struct ListPage: Encodable {
        let rows: [Row]
        let links: ListPageLinks
        let sort: [String: ListPageLinks.SortLink]
        let query: String
        let categories: [SelectOption]
        let visibilities: [SelectOption]
        let templates: [SelectOption]
        let reviewDue: Bool
        let canCreate: Bool
        let canManageCategories: Bool
    }

    @Sendable func listPage(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.kbRead)
        let query = try req.listQuery(ArticleQuery.spec)
        if req.wantsCSV {
            let (_, all, _) = try await ArticleQuery(request: req, query: query).page(all: true)
            let dtos = try await ArticlesAPIController.dtos(all, req, full: false)
            return req.csvResponse([["id", "title", "category", "entity", "visibility", "template", "author", "revision",
                                     "views", "review_on", "created_at", "updated_at"]] + dtos.map { dto in
                [dto.id.uuidString, dto.title, dto.category?.name ?? "", dto.entity, dto.visibility, dto.template,
                 dto.author, String(dto.revision), String(dto.views), dto.review_on ?? "",
                 dto.created_at.map { ISO8601DateFormatter().string(from: $0) } ?? "",
                 dto.updated_at.map { ISO8601DateFormatter().string(from: $0) } ?? ""]
            }, filename: "knowledge-base.csv")
        }
        let (total, items, terms) = try await ArticleQuery(request: req, query: query).page()
        let dtos = try await ArticlesAPIController.dtos(items, req, full: false, terms: terms)
        let links = ListPageLinks(req, query: query, total: total, columns: [
            ("title", "kb.title", false), ("updated_at", "kb.updated_at", false), ("views", "kb.views", true),
            ("review_on", "kb.review_on", false),
        ])
        let categories = try await KnowledgeCategories(request: req).visible()
        let scope = try await req.accessScope()
        func options(_ values: [String], key: String, filter: String) -> [SelectOption] {
            [SelectOption(value: "", label: req.t("kb.\(key).all"), selected: query.filters[filter] == nil)]
                + values.map { SelectOption(value: $0, label: req.t("kb.\(key).\($0)"), selected: query.filters[filter] == $0) }
        }
        return try await req.renderPage("kb/list", title: req.t("nav.kb"), active: "kb", page: ListPage(
            rows: dtos.map { Self.row($0, req) }, links: links,
            sort: Dictionary(uniqueKeysWithValues: links.headers.map { ($0.field, $0) }),
            query: query.search ?? "",
            categories: [SelectOption(value: "", label: req.t("kb.category.all"), selected: query.filters["category_id"] == nil)]
                + categories.map { SelectOption(value: $0.id.uuidString, label: $0.path,
                                                selected: query.filters["category_id"] == $0.id.uuidString) },
            visibilities: scope.allowsAnywhere(.kbReadInternal)
                ? options(ArticleVisibility.allCases.map(\.rawValue), key: "visibility", filter: "visibility") : [],
            templates: options(ArticleTemplate.allCases.map(\.rawValue), key: "template", filter: "template"),
            reviewDue: query.filters["review_due"] == "true",
            canCreate: scope.allowsAnywhere(.kbWrite), canManageCategories: scope.allowsAnywhere(.kbWrite)))
    }

    // MARK: article page

    struct Field: Encodable {
        let label: String
        let value: String
    }

    struct RevisionRow: Encodable {
        let number: Int
        let title: String
        let author: String
        let at: String
        let selected: Bool
    }

    struct DiffLine: Encodable {
        let kind: String
        let text: String
    }

    struct ShowPage: Encodable {
        let article: Row
        let tab: String
        let bodyHTML: String
        let details: [Field]
        let author: String
        let revision: Int
        let helpful: Int
        let unhelpful: Int
        let myVote: String
        let canWrite: Bool
        let revisions: [RevisionRow]
        let diffTitle: String
        let diff: [DiffLine]
        let history: [AuditEntryView]
    }

    static let tabs = ["details", "revisions", "history"]

    @Sendable func showPage(_ req: Request) async throws -> Response {
        let service = KnowledgeService(request: req)
        let article = try await service.find(req.parameters.get("id", as: UUID.self))
        let asked = (try? req.query.get(String.self, at: "tab")) ?? "details"
        let tab = Self.tabs.contains(asked) ? asked : "details"
        if tab == "details" { try await service.recordView(article) }
        let dto = try await ArticlesAPIController.dtos([article], req, full: true)[0]
        let scope = try await req.accessScope()
        let tree = try await req.entityTree()
        var revisions: [RevisionRow] = []
        var diff: [DiffLine] = []
        var compared = 0
        var previous = 0
        if tab == "revisions" {
            let all = try await service.revisions(of: article)
            let wanted = (try? req.query.get(Int.self, at: "revision")) ?? article.revision
            compared = all.contains { $0.number == wanted } ? wanted : article.revision
            revisions = all.map {
                RevisionRow(number: $0.number, title: $0.title, author: $0.authorName,
                            at: req.formatDateTime($0.createdAt), selected: $0.number == compared)
            }
            if let new = all.first(where: { $0.number == compared }) {
                let old = all.first { $0.number < compared }
                previous = old?.number ?? 0
                let before = old.map { "# \($0.title)\n\n\($0.body)" } ?? ""
                diff = LineDiff.lines(from: before, to: "# \(new.title)\n\n\(new.body)").map { line in
                    switch line {
                    case .same(let text): DiffLine(kind: "same", text: text)
                    case .removed(let text): DiffLine(kind: "removed", text: text)
                    case .added(let text): DiffLine(kind: "added", text: text)
                    }
                }
            }
        }
        let history = tab == "history" && scope.allows(.auditRead, in: article.entityID)
            ? try await AuditEntryModel.history(objectType: KnowledgeService.objectType, objectID: article.id!,
                                                visibleTo: req.entities(for: .auditRead), on: req.db)
                .map { AuditEntryView($0, request: req, tree: tree, scope: scope) } : []
        var details = [
            Field(label: req.t("kb.entity"), value: dto.entity + (dto.recursive ? " " + req.t("kb.recursive_suffix") : "")),
            Field(label: req.t("kb.visibility"), value: req.t("kb.visibility.\(dto.visibility)")),
            Field(label: req.t("kb.template"), value: req.t("kb.template.\(dto.template)")),
            Field(label: req.t("kb.category"), value: dto.category?.name ?? "—"),
            Field(label: req.t("kb.author"), value: dto.author),
            Field(label: req.t("kb.created_at"), value: req.formatDateTime(dto.created_at)),
            Field(label: req.t("kb.updated_at"), value: req.formatDateTime(dto.updated_at)),
            Field(label: req.t("kb.revision"), value: String(dto.revision)),
            Field(label: req.t("kb.views"), value: ParcFormat.number(dto.views, language: req.language)),
            Field(label: req.t("kb.review_on"), value: ParcFormat.day(dto.review_on, language: req.language)),
        ]
        if !dto.entity_ids.isEmpty {
            details.insert(Field(label: req.t("kb.entity_ids"),
                                 value: dto.entity_ids.map { tree.path(of: $0) }.joined(separator: ", ")), at: 2)
        }
        return try await req.renderPage("kb/show", title: article.title, active: "kb", page: ShowPage(
            article: Self.row(dto, req), tab: tab, bodyHTML: dto.body_html ?? "", details: details, author: dto.author,
            revision: dto.revision, helpful: dto.helpful ?? 0, unhelpful: dto.unhelpful ?? 0,
            myVote: dto.my_vote.map { $0 ? "yes" : "no" } ?? "", canWrite: try await service.mayWrite(article),
            revisions: revisions,
            diffTitle: previous > 0 ? req.t("kb.diff_title", String(previous), String(compared))
                : req.t("kb.diff_first", String(compared)),
            diff: diff, history: history))
    }

    struct VoteForm: Content {
        let helpful: String?
    }

    @Sendable func vote(_ req: Request) async throws -> Response {
        let service = KnowledgeService(request: req)
        let article = try await service.find(req.parameters.get("id", as: UUID.self))
        let form = try req.content.decode(VoteForm.self)
        guard let helpful = form.helpful, helpful == "yes" || helpful == "no" else {
            throw ParcError.badRequest("invalid_vote", "Vote yes or no.")
        }
        try await service.vote(article, helpful: helpful == "yes")
        req.flash("success", req.t("kb.vote.thanks"))
        return req.redirect(to: "/kb/\(article.id!)")
    }

    @Sendable func delete(_ req: Request) async throws -> Response {
        let service = KnowledgeService(request: req)
        let article = try await service.find(req.parameters.get("id", as: UUID.self))
        try await service.delete(article)
        req.flash("success", req.t("kb.deleted", article.title))
        return req.redirect(to: "/kb")
    }

    // MARK: form

    struct TemplateOption: Encodable {
        let value: String
        let label: String
        let selected: Bool
        let skeleton: String
    }

    struct FormPage: Encodable {
        let isNew: Bool
        let id: UUID?
        let values: [String: String]
        let errors: [String: String]
        let entities: [SelectOption]
        let listed: [SelectOption]
        let categories: [SelectOption]
        let visibilities: [SelectOption]
        let templates: [TemplateOption]
        let recursive: Bool
        let bodyLimit: Int
    }

    struct Form: Content {
        let entity_id: String?
        let title: String?
        let body: String?
        let category_id: String?
        let visibility: String?
        let template: String?
        let review_on: String?
        let recursive: String?
        let entity_ids: [String]?
        /// "Apply the template": reload the form with the chosen template's skeleton instead of saving.
        let apply_template: String?

        var values: [String: String] {
            ["entity_id": entity_id ?? "", "title": title ?? "", "body": body ?? "", "category_id": category_id ?? "",
             "visibility": visibility ?? "", "template": template ?? "", "review_on": review_on ?? ""]
        }
    }

    private func renderForm(_ req: Request, article: ArticleModel?, values: [String: String], recursive: Bool,
                            listed: [String], errors: [String: String] = [:], status: HTTPResponseStatus = .ok)
        async throws -> Response
    {
        let categories = try await KnowledgeCategories(request: req).visible()
        let selectedEntity = values["entity_id"].flatMap(UUID.init(uuidString:))
        let tree = try await req.entityTree()
        let readable = try await req.entities(for: .kbReadInternal)
        return try await req.renderPage("kb/form",
            title: article.map { req.t("kb.edit_title", $0.title) } ?? req.t("kb.new"), active: "kb",
            page: FormPage(
                isNew: article == nil, id: article?.id, values: values, errors: errors,
                entities: try await req.entityOptions(for: .kbWrite, selected: selectedEntity),
                listed: tree.ordered.filter { readable.contains($0) }.map {
                    SelectOption(value: $0.uuidString, label: tree.path(of: $0), selected: listed.contains($0.uuidString))
                },
                categories: [SelectOption(value: "", label: req.t("kb.category.none"), selected: (values["category_id"] ?? "").isEmpty)]
                    + categories.map { SelectOption(value: $0.id.uuidString, label: $0.path,
                                                    selected: values["category_id"] == $0.id.uuidString) },
                visibilities: ArticleVisibility.allCases.map {
                    SelectOption(value: $0.rawValue, label: req.t("kb.visibility.\($0.rawValue)"),
                                 selected: values["visibility"] == $0.rawValue)
                },
                templates: ArticleTemplate.allCases.map {
                    TemplateOption(value: $0.rawValue, label: req.t("kb.template.\($0.rawValue)"),
                                   selected: values["template"] == $0.rawValue, skeleton: $0.skeleton(req.language))
                },
                recursive: recursive, bodyLimit: KnowledgeService.bodyLimit),
            status: status)
    }

    @Sendable func newPage(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.kbWrite)
        let template = (try? req.query.get(String.self, at: "template")).flatMap(ArticleTemplate.init(rawValue:)) ?? .free
        var values = ["visibility": ArticleVisibility.technicians.rawValue, "template": template.rawValue,
                      "body": template.skeleton(req.language)]
        if let entity = try await req.entityOptions(for: .kbWrite, selected: nil).first { values["entity_id"] = entity.value }
        return try await renderForm(req, article: nil, values: values, recursive: false, listed: [])
    }

    /// The form's values as the API's input; a date that does not read is a field error.
    private func input(_ form: Form, isNew: Bool) -> ArticleInput {
        let category = (form.category_id ?? "").isEmpty ? nil : UUID(uuidString: form.category_id!)
        return ArticleInput(
            entity_id: isNew ? form.entity_id.flatMap(UUID.init(uuidString:)) : nil,
            recursive: form.recursive == "on" || form.recursive == "true",
            category_id: .some(category), title: form.title ?? "", body: form.body ?? "",
            visibility: form.visibility ?? ArticleVisibility.technicians.rawValue,
            entity_ids: (form.entity_ids ?? []).compactMap(UUID.init(uuidString:)),
            template: form.template ?? ArticleTemplate.free.rawValue,
            review_on: .some((form.review_on ?? "").isEmpty ? nil : form.review_on))
    }

    /// The form posted again with "apply the template": the body replaced by the chosen skeleton.
    private func withTemplate(_ req: Request, _ form: Form) -> [String: String] {
        var values = form.values
        let template = ArticleTemplate(rawValue: form.template ?? "") ?? .free
        values["body"] = template.skeleton(req.language)
        return values
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.kbWrite)
        let form = try req.content.decode(Form.self)
        let recursive = form.recursive == "on"
        if form.apply_template != nil {
            return try await renderForm(req, article: nil, values: withTemplate(req, form), recursive: recursive,
                                        listed: form.entity_ids ?? [])
        }
        do {
            let article = try await KnowledgeService(request: req).create(input(form, isNew: true))
            req.flash("success", req.t("kb.created", article.title))
            return req.redirect(to: "/kb/\(article.id!)")
        } catch let error as ParcError where error.status == .unprocessableEntity {
            return try await renderForm(req, article: nil, values: form.values, recursive: recursive,
                                        listed: form.entity_ids ?? [], errors: req.localized(error.fields),
                                        status: .unprocessableEntity)
        }
    }

    @Sendable func editPage(_ req: Request) async throws -> Response {
        let service = KnowledgeService(request: req)
        let article = try await service.find(req.parameters.get("id", as: UUID.self))
        try await req.require(.kbWrite, in: article.entityID)
        let listed = try await KnowledgeService.listedEntities(of: [article.id!], on: req.db)[article.id!] ?? []
        return try await renderForm(req, article: article, values: [
            "entity_id": article.entityID.uuidString, "title": article.title, "body": article.body,
            "category_id": article.categoryID?.uuidString ?? "", "visibility": article.visibility,
            "template": article.template, "review_on": article.reviewOn ?? "",
        ], recursive: article.recursive, listed: listed.map(\.uuidString))
    }

    @Sendable func update(_ req: Request) async throws -> Response {
        let service = KnowledgeService(request: req)
        let article = try await service.find(req.parameters.get("id", as: UUID.self))
        try await req.require(.kbWrite, in: article.entityID)
        let form = try req.content.decode(Form.self)
        let recursive = form.recursive == "on"
        var values = form.values
        values["entity_id"] = article.entityID.uuidString
        if form.apply_template != nil {
            var applied = withTemplate(req, form)
            applied["entity_id"] = article.entityID.uuidString
            return try await renderForm(req, article: article, values: applied, recursive: recursive,
                                        listed: form.entity_ids ?? [])
        }
        do {
            _ = try await service.update(article, input(form, isNew: false))
            req.flash("success", req.t("common.saved"))
            return req.redirect(to: "/kb/\(article.id!)")
        } catch let error as ParcError where error.status == .unprocessableEntity {
            return try await renderForm(req, article: article, values: values, recursive: recursive,
                                        listed: form.entity_ids ?? [], errors: req.localized(error.fields),
                                        status: .unprocessableEntity)
        }
    }

    // MARK: categories

    struct CategoryRow: Encodable {
        let id: UUID
        let name: String
        let path: String
        let entity: String
        let depth: Int
        let canWrite: Bool
    }

    struct CategoriesPage: Encodable {
        let rows: [CategoryRow]
        let entities: [SelectOption]
        let parents: [SelectOption]
        let errors: [String: String]
        let values: [String: String]
    }

    private func renderCategories(_ req: Request, values: [String: String] = [:], errors: [String: String] = [:],
                                  status: HTTPResponseStatus = .ok) async throws -> Response {
        let categories = try await KnowledgeCategories(request: req).visible()
        let scope = try await req.accessScope()
        let writable = categories.filter { scope.allows(.kbWrite, in: $0.entity_id) }
        return try await req.renderPage("kb/categories", title: req.t("kb.categories"), active: "kb", page: CategoriesPage(
            rows: categories.map {
                CategoryRow(id: $0.id, name: $0.name, path: $0.path, entity: $0.entity,
                            depth: $0.path.components(separatedBy: " › ").count - 1,
                            canWrite: scope.allows(.kbWrite, in: $0.entity_id))
            },
            entities: try await req.entityOptions(for: .kbWrite, selected: values["entity_id"].flatMap(UUID.init(uuidString:))),
            parents: [SelectOption(value: "", label: req.t("kb.category.top"), selected: (values["parent_id"] ?? "").isEmpty)]
                + writable.map { SelectOption(value: $0.id.uuidString, label: "\($0.path) (\($0.entity))",
                                              selected: values["parent_id"] == $0.id.uuidString) },
            errors: errors, values: values), status: status)
    }

    @Sendable func categoriesPage(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.kbRead)
        return try await renderCategories(req)
    }

    struct CategoryForm: Content {
        let entity_id: String?
        let parent_id: String?
        let name: String?
    }

    @Sendable func createCategory(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.kbWrite)
        let form = try req.content.decode(CategoryForm.self)
        let values = ["entity_id": form.entity_id ?? "", "parent_id": form.parent_id ?? "", "name": form.name ?? ""]
        var entity = form.entity_id.flatMap(UUID.init(uuidString:))
        let parent = (form.parent_id ?? "").isEmpty ? nil : UUID(uuidString: form.parent_id!)
        if let parent, let category = try await KBCategoryModel.find(parent, on: req.db) { entity = category.entityID }
        do {
            let input = KBCategoryInput(entity_id: entity, parent_id: .some(parent), name: form.name)
            _ = try await KnowledgeCategories(request: req).create(input)
            req.flash("success", req.t("common.saved"))
            return req.redirect(to: "/kb/categories")
        } catch let error as ParcError where error.status == .unprocessableEntity {
            return try await renderCategories(req, values: values, errors: req.localized(error.fields),
                                              status: .unprocessableEntity)
        }
    }

    @Sendable func renameCategory(_ req: Request) async throws -> Response {
        let categories = KnowledgeCategories(request: req)
        let category = try await categories.find(req.parameters.get("id", as: UUID.self))
        let form = try req.content.decode(CategoryForm.self)
        do {
            _ = try await categories.update(category, KBCategoryInput(entity_id: nil, parent_id: nil, name: form.name))
            req.flash("success", req.t("common.saved"))
        } catch let error as ParcError where error.status == .unprocessableEntity {
            req.flash("error", req.localized(error.fields).values.sorted().joined(separator: " "))
        }
        return req.redirect(to: "/kb/categories")
    }

    @Sendable func deleteCategory(_ req: Request) async throws -> Response {
        let categories = KnowledgeCategories(request: req)
        let category = try await categories.find(req.parameters.get("id", as: UUID.self))
        do {
            try await categories.delete(category)
            req.flash("success", req.t("kb.category.deleted", category.name))
        } catch let error as ParcError where error.status == .conflict {
            req.flash("error", req.t("kb.category.not_empty"))
        }
        return req.redirect(to: "/kb/categories")
    }
}
