import Fluent
import FluentKit
import Foundation
import ParcCore
import SQLKit
import Vapor

/// `/licences`: the licence list with compliance badges (filters, CSV export), the licence form, the licence page
/// (details, seats with the assign form, history), and the seats of one asset on the asset page.
struct LicencePagesController {
    func register(_ routes: any RoutesBuilder) {
        routes.get("licences", use: listPage)
        routes.get("licences", "new", use: newPage)
        routes.post("licences", use: create)
        routes.get("licences", ":id", use: showPage)
        routes.get("licences", ":id", "edit", use: editPage)
        routes.post("licences", ":id", use: update)
        routes.post("licences", ":id", "delete", use: delete)
        routes.post("licences", ":id", "assignments", use: assign)
        routes.post("licences", ":id", "assignments", ":assignment", "delete", use: unassign)
        routes.post("assets", ":id", "licences", use: assignFromAsset)
    }

    // MARK: list

    /// A licence as lists show it (here, the software page and the asset page).
    struct Row: Encodable {
        let id: UUID
        let name: String
        let software: String
        let softwareID: UUID?
        let type: String
        let entity: String
        let seats: String
        let installations: String
        let complianceLabel: String
        let complianceTone: String
        let complianceDetail: String
        let expires: String
        let expiryTone: String?

        init(_ standing: LicenceStanding, request: Request, tree: EntityTree) {
            let language = request.language
            let number = { (value: Int) in ParcFormat.number(value, language: language) }
            let licence = standing.licence
            let compliance = standing.compliance
            id = licence.id!
            name = licence.name
            software = standing.software.map { $0.name } ?? "—"
            softwareID = standing.software == nil ? nil : licence.softwareID
            type = request.t("licences.type.\(licence.licenceType)")
            entity = tree.path(of: licence.entityID)
            seats = number(standing.assigned) + " / " + (licence.seats.map(number) ?? "∞")
            installations = compliance.demand.map(number) ?? "—"
            complianceLabel = request.t("licences.compliance.\(compliance.status.rawValue)")
            complianceTone = LicencePagesController.tone(compliance.status)
            switch compliance.status {
            case .underLicensed: complianceDetail = request.t("licences.shortfall", number(compliance.shortfall))
            case .overLicensed: complianceDetail = request.t("licences.surplus", number(compliance.surplus))
            default: complianceDetail = ""
            }
            expires = ParcFormat.day(licence.expiresOn, language: language)
            expiryTone = standing.daysToExpiry.flatMap { days in
                days < 0 ? "grey" : (days <= LicenceWidget.expiringDays ? "amber" : nil)
            }
        }
    }

    static func tone(_ status: LicenceComplianceStatus) -> String {
        switch status {
        case .compliant: "green"
        case .underLicensed: "red"
        case .overLicensed: "amber"
        case .expired, .notChecked: "grey"
        }
    }

    struct ListPage: Encodable {
        let rows: [Row]
        let links: ListPageLinks
        /// The sortable headers by field, for columns interleaved with unsortable ones.
        let sort: [String: ListPageLinks.SortLink]
        let query: String
        let types: [SelectOption]
        let statuses: [SelectOption]
        let expiring: String
        let canCreate: Bool
    }

    @Sendable func listPage(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.assetsRead)
        let query = try req.listQuery(LicenceQuery.spec)
        let tree = try await req.entityTree()
        if req.wantsCSV {
            let all = try await LicenceQuery(request: req, query: query).all()
            return req.csvResponse([["name", "software", "publisher", "licence_type", "entity", "seats", "assigned",
                                     "installations", "compliance", "purchase_date", "supplier", "order_number", "cost",
                                     "expires_on"]] + all.map { standing in
                let licence = standing.licence
                return [licence.name, standing.software?.name ?? "", standing.software?.publisher ?? "",
                        licence.licenceType, tree.path(of: licence.entityID), licence.seats.map(String.init) ?? "",
                        String(standing.assigned), standing.compliance.demand.map(String.init) ?? "",
                        standing.compliance.status.rawValue, licence.purchaseDate ?? "", licence.supplier ?? "",
                        licence.orderNumber ?? "", licence.cost.map { String($0) } ?? "", licence.expiresOn ?? ""]
            }, filename: "licences.csv")
        }
        let (total, items) = try await LicenceQuery(request: req, query: query).page()
        let links = ListPageLinks(req, query: query, total: total, columns: [
            ("name", "licences.name", false), ("licence_type", "licences.type", false),
            ("assigned", "licences.seats", true), ("compliance", "licences.compliance", false),
            ("expires_on", "licences.expires_on", false),
        ])
        return try await req.renderPage("licences/list", title: req.t("nav.licences"), active: "licences", page: ListPage(
            rows: items.map { Row($0, request: req, tree: tree) }, links: links,
            sort: Dictionary(uniqueKeysWithValues: links.headers.map { ($0.field, $0) }),
            query: query.search ?? "",
            types: [SelectOption(value: "", label: req.t("licences.type.all"),
                                 selected: query.filters["licence_type"] == nil)]
                + LicenceType.allCases.map {
                    SelectOption(value: $0.rawValue, label: req.t("licences.type.\($0.rawValue)"),
                                 selected: query.filters["licence_type"] == $0.rawValue)
                },
            statuses: [SelectOption(value: "", label: req.t("licences.compliance.all"),
                                    selected: query.filters["compliance"] == nil)]
                + LicenceComplianceStatus.allCases.map {
                    SelectOption(value: $0.rawValue, label: req.t("licences.compliance.\($0.rawValue)"),
                                 selected: query.filters["compliance"] == $0.rawValue)
                },
            expiring: query.filters["expiring_within_days"] ?? "",
            canCreate: try await req.accessScope().allowsAnywhere(.assetsManage)))
    }

    // MARK: form

    struct FormPage: Encodable {
        let isNew: Bool
        let id: UUID?
        let values: [String: String]
        let errors: [String: String]
        let entities: [SelectOption]
        let types: [SelectOption]
        let programs: [String]
    }

    struct Form: Content {
        let entity_id: String?
        let name: String?
        let software: String?
        let licence_type: String?
        let seats: String?
        let licence_key: String?
        let purchase_date: String?
        let supplier: String?
        let order_number: String?
        let cost: String?
        let expires_on: String?
        let comment: String?

        var values: [String: String] {
            ["entity_id": entity_id ?? "", "name": name ?? "", "software": software ?? "",
             "licence_type": licence_type ?? "", "seats": seats ?? "", "licence_key": licence_key ?? "",
             "purchase_date": purchase_date ?? "", "supplier": supplier ?? "", "order_number": order_number ?? "",
             "cost": cost ?? "", "expires_on": expires_on ?? "", "comment": comment ?? ""]
        }
    }

    /// How the form shows a program: its name, and its publisher after a dash when it has one.
    static func programLabel(_ name: String, _ publisher: String?) -> String {
        publisher.map { "\(name) — \($0)" } ?? name
    }

    private func renderForm(_ req: Request, licence: SoftwareLicenceModel?, values: [String: String],
                            errors: [String: String] = [:], status: HTTPResponseStatus = .ok) async throws -> Response {
        let entries = try await SoftwareCatalogue(request: req).list(ListQuery(perPage: 1000, sort: [.init("name")])).entries
        return try await req.renderPage("licences/form",
            title: licence.map { req.t("licences.edit", $0.name) } ?? req.t("licences.new"), active: "licences",
            page: FormPage(
                isNew: licence == nil, id: licence?.id, values: values, errors: errors,
                entities: try await req.entityOptions(for: .assetsManage,
                                                      selected: values["entity_id"].flatMap(UUID.init(uuidString:))),
                types: LicenceType.allCases.map {
                    SelectOption(value: $0.rawValue, label: req.t("licences.type.\($0.rawValue)"),
                                 selected: values["licence_type"] == $0.rawValue)
                },
                programs: entries.map { Self.programLabel($0.name, $0.publisher) }),
            status: status)
    }

    /// The form's values as the API's input. Numbers that do not read and a program the catalogue does not know are
    /// field errors, in the user's language.
    private func input(_ req: Request, _ form: Form, isNew: Bool) async throws -> (LicenceInput, [String: String]) {
        var errors: [String: String] = [:]
        func number<T>(_ text: String?, _ field: String, _ parse: (String) -> T?) -> T?? {
            let cleaned = (text ?? "").trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".")
            guard !cleaned.isEmpty else { return .some(nil) }
            guard let value = parse(cleaned) else {
                errors[field] = req.t("licences.form.number_invalid")
                return nil
            }
            return .some(value)
        }
        var software: UUID?? = .some(nil)
        let label = (form.software ?? "").trimmingCharacters(in: .whitespaces)
        if !label.isEmpty {
            switch try await SoftwareCatalogue(request: req).visible(labelled: label) {
            case .found(let id): software = .some(id)
            case .missing: errors["software"] = req.t("licences.form.software_unknown")
            case .ambiguous: errors["software"] = req.t("licences.form.software_ambiguous")
            }
        }
        let input = LicenceInput(
            entity_id: isNew ? form.entity_id.flatMap(UUID.init(uuidString:)) : nil, name: form.name ?? "",
            software_id: software, licence_type: form.licence_type ?? "",
            seats: number(form.seats, "seats") { Int($0) }, licence_key: form.licence_key ?? "",
            purchase_date: form.purchase_date ?? "", supplier: form.supplier ?? "", order_number: form.order_number ?? "",
            cost: number(form.cost, "cost") { Double($0) }, expires_on: form.expires_on ?? "", comment: form.comment ?? "")
        return (input, errors)
    }

    /// Field names of the service (`software_id`) as the form names them, in the user's language.
    private func formErrors(_ req: Request, _ fields: [String: String]) -> [String: String] {
        var errors: [String: String] = [:]
        for (field, message) in req.localized(fields) { errors[field == "software_id" ? "software" : field] = message }
        return errors
    }

    @Sendable func newPage(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.assetsManage)
        var values = ["licence_type": LicenceType.perDevice.rawValue]
        if let id = try? req.query.get(UUID.self, at: "software_id"),
           let entry = try? await SoftwareCatalogue(request: req).find(id) {
            values["software"] = Self.programLabel(entry.name, entry.publisher)
            values["name"] = entry.name
        }
        return try await renderForm(req, licence: nil, values: values)
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        try await req.requireAnywhere(.assetsManage)
        let form = try req.content.decode(Form.self)
        let (input, numberErrors) = try await input(req, form, isNew: true)
        guard numberErrors.isEmpty else {
            return try await renderForm(req, licence: nil, values: form.values, errors: numberErrors,
                                        status: .unprocessableEntity)
        }
        do {
            let licence = try await LicenceService(request: req).create(input)
            req.flash("success", req.t("licences.created", licence.name))
            return req.redirect(to: "/licences/\(licence.id!)")
        } catch let error as ParcError where error.status == .unprocessableEntity {
            return try await renderForm(req, licence: nil, values: form.values,
                                        errors: formErrors(req, error.fields), status: .unprocessableEntity)
        }
    }

    @Sendable func editPage(_ req: Request) async throws -> Response {
        let licence = try await LicenceService(request: req).find(req.parameters.get("id", as: UUID.self))
        try await req.require(.assetsManage, in: licence.entityID)
        var label = ""
        if let id = licence.softwareID, let entry = try? await SoftwareCatalogue(request: req).find(id) {
            label = Self.programLabel(entry.name, entry.publisher)
        }
        return try await renderForm(req, licence: licence, values: [
            "entity_id": licence.entityID.uuidString, "name": licence.name, "software": label,
            "licence_type": licence.licenceType, "seats": licence.seats.map(String.init) ?? "",
            "licence_key": licence.licenceKey ?? "", "purchase_date": licence.purchaseDate ?? "",
            "supplier": licence.supplier ?? "", "order_number": licence.orderNumber ?? "",
            "cost": licence.cost.map { String($0) } ?? "", "expires_on": licence.expiresOn ?? "",
            "comment": licence.comment ?? "",
        ])
    }

    @Sendable func update(_ req: Request) async throws -> Response {
        let service = LicenceService(request: req)
        let licence = try await service.find(req.parameters.get("id", as: UUID.self))
        try await req.require(.assetsManage, in: licence.entityID)
        let form = try req.content.decode(Form.self)
        let (input, numberErrors) = try await input(req, form, isNew: false)
        var values = form.values
        values["entity_id"] = licence.entityID.uuidString
        guard numberErrors.isEmpty else {
            return try await renderForm(req, licence: licence, values: values, errors: numberErrors,
                                        status: .unprocessableEntity)
        }
        do {
            _ = try await service.update(licence, input)
            req.flash("success", req.t("common.saved"))
            return req.redirect(to: "/licences/\(licence.id!)")
        } catch let error as ParcError where error.status == .unprocessableEntity {
            return try await renderForm(req, licence: licence, values: values, errors: formErrors(req, error.fields),
                                        status: .unprocessableEntity)
        } catch let error as ParcError where error.status == .conflict {
            return try await renderForm(req, licence: licence, values: values,
                                        errors: ["seats": conflictMessage(req, error)], status: .conflict)
        }
    }

    @Sendable func delete(_ req: Request) async throws -> Response {
        let service = LicenceService(request: req)
        let licence = try await service.find(req.parameters.get("id", as: UUID.self))
        try await service.delete(licence)
        req.flash("success", req.t("licences.deleted", licence.name))
        return req.redirect(to: "/licences")
    }

    /// A 409 of the licence rules in the user's language.
    private func conflictMessage(_ req: Request, _ error: ParcError) -> String {
        let key = "licences.error.\(error.code)"
        let text = req.t(key)
        return text == key ? req.localized(error.message) : text
    }

    // MARK: licence page

    struct Field: Encodable {
        let label: String
        let value: String
        let mono: Bool
    }

    struct ShowPage: Encodable {
        let licence: Row
        let tab: String
        let details: [Field]
        let licenceKey: String?
        let hasKey: Bool
        let compliance: [Field]
        let assignments: [AssignmentRow]
        let assignmentTotal: Int
        let canManage: Bool
        let assignErrors: [String: String]
        /// The same messages as a list, for the summary above the form (Leaf loops over arrays only).
        let assignErrorList: [String]
        let assignValues: [String: String]
        let history: [AuditEntryView]
    }

    /// A seat as the licence page shows it.
    struct AssignmentRow: Encodable {
        let id: UUID
        let assetID: UUID?
        let asset: String?
        let user: String?
        let login: String?
        /// "yes", "no", or "" when the licence names no program or the seat no asset.
        let installed: String
        let assignedAt: String
        let comment: String

        init(_ dto: LicenceAssignmentDTO, request: Request) {
            id = dto.id
            assetID = dto.asset?.id
            asset = dto.asset?.name
            user = dto.user?.display_name
            login = dto.user?.login
            installed = dto.installed.map { $0 ? "yes" : "no" } ?? ""
            assignedAt = request.formatDateTime(dto.assigned_at)
            comment = dto.comment ?? ""
        }
    }

    static let tabs = ["details", "assignments", "history"]

    private func renderLicence(_ req: Request, _ licence: SoftwareLicenceModel, tab requested: String? = nil,
                               assignValues: [String: String] = [:], assignErrors: [String: String] = [:],
                               status: HTTPResponseStatus = .ok) async throws -> Response {
        let service = LicenceService(request: req)
        let scope = try await req.accessScope()
        let tree = try await req.entityTree()
        let language = req.language
        let asked = requested ?? (try? req.query.get(String.self, at: "tab")) ?? "details"
        let tab = Self.tabs.contains(asked) ? asked : "details"
        let standing = try await LicenceStanding.load([licence], request: req)[0]
        let canManage = scope.allows(.assetsManage, in: licence.entityID)
        func field(_ key: String, _ value: String?, mono: Bool = false) -> Field? {
            guard let value, !value.isEmpty else { return nil }
            return Field(label: req.t(key), value: value, mono: mono)
        }
        let number = { (value: Int) in ParcFormat.number(value, language: language) }
        let details = [
            field("licences.type", req.t("licences.type.\(licence.licenceType)")),
            field("assets.entity", tree.path(of: licence.entityID)),
            field("licences.software", standing.software.map { Self.programLabel($0.name, $0.publisher) }),
            field("licences.seats_total", licence.seats.map(number) ?? req.t("licences.unlimited")),
            field("licences.assigned", number(standing.assigned)),
            field("licences.free", standing.free.map(number) ?? req.t("licences.unlimited")),
            field("assets.purchase_date", licence.purchaseDate.map { ParcFormat.day($0, language: language) }),
            field("assets.supplier", licence.supplier), field("assets.order_number", licence.orderNumber),
            field("licences.cost", licence.cost.map { ParcFormat.amount($0, language: language) }),
            field("licences.expires_on", licence.expiresOn.map { ParcFormat.day($0, language: language) }),
            field("common.comment", licence.comment),
        ].compactMap { $0 }
        let compliance = standing.compliance
        let complianceFields = [
            field("licences.installations", compliance.demand.map(number)),
            field("licences.pooled_seats", compliance.demand == nil ? nil
                  : compliance.pooledSeats.map(number) ?? req.t("licences.unlimited")),
            field("licences.pooled_licences", compliance.pooledLicences > 1 ? number(compliance.pooledLicences) : nil),
        ].compactMap { $0 }
        var assignments: [AssignmentRow] = []
        var assignmentTotal = 0
        if tab == "assignments" {
            let (total, items) = try await service.assignments(of: licence, ListQuery(
                perPage: 1000, sort: LicenceService.assignmentSpec.defaultSort))
            assignmentTotal = total
            assignments = items.map { AssignmentRow($0, request: req) }
        }
        let history = tab == "history" && scope.allows(.auditRead, in: licence.entityID)
            ? try await AuditEntryModel.history(objectType: LicenceService.objectType, objectID: licence.id!,
                                                visibleTo: req.entities(for: .auditRead), on: req.db)
                .map { AuditEntryView($0, request: req, tree: tree, scope: scope) } : []
        return try await req.renderPage("licences/show", title: licence.name, active: "licences", page: ShowPage(
            licence: Row(standing, request: req, tree: tree), tab: tab, details: details,
            licenceKey: canManage ? licence.licenceKey : nil, hasKey: licence.licenceKey != nil,
            compliance: complianceFields, assignments: assignments, assignmentTotal: assignmentTotal,
            canManage: canManage, assignErrors: assignErrors, assignErrorList: assignErrors.sorted { $0.key < $1.key }.map(\.value),
            assignValues: assignValues, history: history),
            status: status)
    }

    @Sendable func showPage(_ req: Request) async throws -> Response {
        try await renderLicence(req, try await LicenceService(request: req).find(req.parameters.get("id", as: UUID.self)))
    }

    // MARK: seats

    struct AssignForm: Content {
        let asset: String?
        let user: String?
        let comment: String?
    }

    @Sendable func assign(_ req: Request) async throws -> Response {
        let service = LicenceService(request: req)
        let licence = try await service.find(req.parameters.get("id", as: UUID.self))
        try await req.require(.assetsManage, in: licence.entityID)
        let form = try req.content.decode(AssignForm.self)
        let values = ["asset": form.asset ?? "", "user": form.user ?? "", "comment": form.comment ?? ""]
        do {
            var errors: [String: String] = [:]
            var assetID: UUID?
            let assetName = values["asset"]!.trimmingCharacters(in: .whitespaces)
            if !assetName.isEmpty {
                let matches = try await assets(named: assetName, under: licence.entityID, req: req)
                if matches.count == 1 { assetID = matches[0] } else {
                    errors["asset"] = req.t(matches.isEmpty ? "licences.assign.asset_unknown" : "licences.assign.asset_ambiguous")
                }
            }
            var userID: UUID?
            let login = values["user"]!.trimmingCharacters(in: .whitespaces)
            if !login.isEmpty {
                if let user = try await UserModel.find(login: login, on: req.db),
                   try await req.accessScope().allows(.usersRead, in: user.entityID) {
                    userID = user.id
                } else {
                    errors["user"] = req.t("licences.assign.user_unknown")
                }
            }
            guard errors.isEmpty else {
                return try await renderLicence(req, licence, tab: "assignments", assignValues: values,
                                               assignErrors: errors, status: .unprocessableEntity)
            }
            _ = try await service.assign(licence, LicenceAssignmentInput(asset_id: assetID, user_id: userID,
                                                                         comment: values["comment"]))
            req.flash("success", req.t("licences.assign.done"))
            return req.redirect(to: "/licences/\(licence.id!)?tab=assignments")
        } catch let error as ParcError where [.unprocessableEntity, .conflict].contains(error.status) {
            var errors: [String: String] = [:]
            for (field, message) in req.localized(error.fields) {
                errors[field == "asset_id" ? "asset" : field == "user_id" ? "user" : field] = message
            }
            if error.status == .conflict { errors["seat"] = conflictMessage(req, error) }
            return try await renderLicence(req, licence, tab: "assignments", assignValues: values, assignErrors: errors,
                                           status: error.status)
        }
    }

    /// Assets of the licence's entity and sub-entities, among those the user may see, with exactly this name
    /// (ignoring case).
    private func assets(named name: String, under entity: UUID, req: Request) async throws -> [UUID] {
        let visible = try await req.entities(for: .assetsRead)
            .intersection(try await req.entityTree().subtree(of: entity))
        guard !visible.isEmpty else { return [] }
        return try await (req.db as! any SQLDatabase).select().column("id").from("assets")
            .where(SQLFunction("LOWER", args: SQLColumn("name")), .equal, SQLBind(name.lowercased()))
            .where("entity_id", .in, SQLBind.group(Array(visible))).limit(2).all()
            .map { try $0.decode(column: "id", as: UUID.self) }
    }

    struct UnassignForm: Content {
        let back: String?
    }

    @Sendable func unassign(_ req: Request) async throws -> Response {
        let service = LicenceService(request: req)
        let licence = try await service.find(req.parameters.get("id", as: UUID.self))
        try await service.unassign(licence, assignment: req.parameters.get("assignment", as: UUID.self))
        req.flash("success", req.t("licences.unassign.done"))
        let back = try? req.content.decode(UnassignForm.self).back
        return req.redirect(to: back.map { RedirectTarget.localPath($0) } ?? "/licences/\(licence.id!)?tab=assignments")
    }

    // MARK: the asset page

    struct AssetSeat: Encodable {
        let licence: Row
        let assignmentID: UUID
        let assignedAt: String
        let user: String?
    }

    /// The licences tab of an asset: the seats it holds, and the licences it could take one of.
    struct AssetTab: Encodable {
        let seats: [AssetSeat]
        let available: [SelectOption]
    }

    static func assetTab(_ req: Request, asset: UUID, entity: UUID, canManage: Bool) async throws -> AssetTab {
        let held = try await LicenceAssignmentModel.query(on: req.db).filter(\.$assetID == asset).all()
        let visible = try await req.entities(for: .assetsRead)
        let licences = held.isEmpty ? [] : try await SoftwareLicenceModel.query(on: req.db)
            .filter(\.$id ~~ held.map(\.licenceID)).scoped(to: visible, \.$entityID).all()
        let tree = try await req.entityTree()
        let standings = Dictionary(uniqueKeysWithValues: try await LicenceStanding.load(licences, request: req)
            .map { ($0.licence.id!, $0) })
        let userIDs = held.compactMap(\.userID)
        let users = userIDs.isEmpty ? [] : try await UserModel.query(on: req.db).filter(\.$id ~~ userIDs).all()
        let scope = try await req.accessScope()
        let names = Dictionary(uniqueKeysWithValues: users.filter { scope.allows(.usersRead, in: $0.entityID) }
            .map { ($0.id!, "\($0.displayName) (\($0.login))") })
        let seats = held.compactMap { assignment -> AssetSeat? in
            guard let standing = standings[assignment.licenceID] else { return nil }
            return AssetSeat(licence: Row(standing, request: req, tree: tree), assignmentID: assignment.id!,
                             assignedAt: req.formatDateTime(assignment.assignedAt),
                             user: assignment.userID.flatMap { names[$0] })
        }.sorted { $0.licence.name.lowercased() < $1.licence.name.lowercased() }
        var available: [SelectOption] = []
        if canManage {
            // Licences of the asset's entity and the entities above it, that take an asset and have a seat left.
            let covering = Set([entity] + tree.ancestors(of: entity)).intersection(try await req.entities(for: .assetsManage))
            let holding = Set(held.map(\.licenceID))
            let candidates = covering.isEmpty ? [] : try await SoftwareLicenceModel.query(on: req.db)
                .filter(\.$entityID ~~ Array(covering)).sort(\.$name).all()
                .filter { !holding.contains($0.id!) && $0.type.accepts(asset: true, user: false) }
            for standing in try await LicenceStanding.load(candidates, request: req) where standing.free != 0 {
                available.append(SelectOption(
                    value: standing.licence.id!.uuidString,
                    label: "\(standing.licence.name) — " + req.t("licences.seats_free",
                        standing.free.map { ParcFormat.number($0, language: req.language) } ?? "∞"),
                    selected: false))
            }
        }
        return AssetTab(seats: seats, available: available)
    }

    struct AssetAssignForm: Content {
        let licence_id: String?
        let comment: String?
    }

    @Sendable func assignFromAsset(_ req: Request) async throws -> Response {
        guard let asset = try await AssetModel.find(req.parameters.get("id", as: UUID.self), on: req.db) else {
            throw ParcError.notFound("asset")
        }
        try await req.require(.assetsRead, in: asset.entityID)
        let form = try req.content.decode(AssetAssignForm.self)
        let service = LicenceService(request: req)
        let licence = try await service.find(form.licence_id.flatMap(UUID.init(uuidString:)))
        do {
            _ = try await service.assign(licence, LicenceAssignmentInput(asset_id: asset.id, user_id: nil,
                                                                         comment: form.comment))
            req.flash("success", req.t("licences.assign.done"))
        } catch let error as ParcError where [.unprocessableEntity, .conflict].contains(error.status) {
            let message = error.status == .conflict ? conflictMessage(req, error)
                : req.localized(error.fields).values.sorted().joined(separator: " ")
            req.flash("error", message)
        }
        return req.redirect(to: "/assets/\(asset.id!)?tab=licences")
    }
}
