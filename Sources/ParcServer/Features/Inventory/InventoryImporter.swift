import Crypto
import FluentKit
import Foundation
import ParcCore
import ParcInventory
import SQLKit

/// Where an inventory came from.
struct InventorySource: Sendable {
    /// `parc_agent`, `glpi_agent`, `fusioninventory`, `ocsinventory`, `other`.
    let kind: String
    /// The agent's device id (DEVICEID / deviceid), when it sent one.
    let deviceID: String?
    /// Parc's own agent, authenticated.
    let agentID: UUID?
    /// The asset Parc's agent is already linked to.
    let linkedAssetID: UUID?
}

/// What an import did.
struct InventoryImportResult: Sendable, Equatable {
    let assetID: UUID
    let created: Bool
    /// The sections whose content changed and were written again (empty for an unchanged machine).
    let changedSections: [String]
}

/// Imports one ``InventoryReport`` as one transaction (docs/inventory.md):
///
/// 1. outside the transaction: the report's rows are encoded and digested section by section, and the
///    software is resolved to catalogue ids (the shared catalogue only grows; its rows are created with
///    `ON CONFLICT DO NOTHING` in a fixed order, so concurrent imports never deadlock on them);
/// 2. in the transaction: the asset is found by its match keys (or created), every section whose digest
///    changed is replaced, software is updated by difference, the summary columns and match keys are
///    written, and the history entry recorded.
///
/// Two first inventories of the same machine racing each other both find nothing; the second's match key
/// insert then violates the unique index, its transaction rolls back, and it is retried — and finds the
/// first one's asset. On SQLite, imports take turns (one writer at a time).
struct InventoryImporter {
    let db: any Database
    let services: InventoryServices
    let audit: AuditLog
    let matchOrder: [InventoryMatchCriterion]

    /// Rows in one multi-row INSERT: well under SQLite's 32 766 and PostgreSQL's 65 535 bound parameters.
    static let batchRows = 500

    /// What the transaction wrote, and the catalogue rows it used (remembered once committed; nil when the
    /// software was unchanged and none were needed).
    struct Written: Sendable {
        let result: InventoryImportResult
        let catalogue: CatalogueResolution?
    }

    /// `deferredSoftware`: the programs of an XML report not read yet (decision 0082).
    func run(_ report: InventoryReport, deferredSoftware: DeferredXMLSoftware? = nil, entityID: UUID,
             source: InventorySource) async throws -> InventoryImportResult {
        let dictionary = try await services.dictionary.dictionary(on: db, now: audit.now)
        var prepared = try PreparedInventory(report, entityID: entityID, source: source, matchOrder: matchOrder,
                                             dictionary: dictionary, programs: false,
                                             deferredSoftware: deferredSoftware,
                                             knownSoftware: services.softwareDigests.hint(for:))
        // A machine that brings the software digest its last import here stored needs neither its program list
        // nor catalogue numbers (decision 0046). Only a hint: the transaction compares with the stored digest and
        // prepares the programs when they differ.
        if prepared.softwareDigest != services.softwareDigests.digest(for: prepared.keysDigest) {
            try prepared.preparePrograms()
        }
        // A fleet shares most of its software: usually every program is in the cache already.
        let cached = prepared.programsPrepared
            ? services.catalogue.versionNumbers(identities: prepared.software.map(\.identity))
                .map { CatalogueResolution(ids: $0, fromCache: true) }
            : nil
        if db.isPostgres {
            let result = try await importPrepared(prepared, cached: cached, on: db)
            services.softwareDigests.remember(prepared)
            return result
        }
        // SQLite has one writer: imports take turns, and those that queued meanwhile commit together, each in
        // its own savepoint (``SQLiteGroupCommit``), catalogue rows included.
        let ready = prepared
        let written = try await services.sqliteWriter.run(on: db) { connection in
            try await write(ready, catalogue: cached, resolveInline: true, on: connection)
        }
        if let catalogue = written.catalogue { services.catalogue.remember(catalogue) }
        services.softwareDigests.remember(prepared)
        return written.result
    }

    /// PostgreSQL: catalogue rows in their own statements first (they only grow), then the import in one
    /// transaction, retried when a concurrent first import of the same machine won the race, or when the
    /// machine's software changed although the digest hint said it had not (the catalogue rows are then
    /// resolved outside the transaction, as always on PostgreSQL).
    private func importPrepared(_ prepared: PreparedInventory, cached: CatalogueResolution?, on db: any Database)
        async throws -> InventoryImportResult
    {
        var prepared = prepared
        var catalogue = cached
        // An unchanged machine, the common case of a fleet's daily inventories: the asset read and its time moved,
        // two statements without a transaction instead of four (decision 0085). Anything else, or a row changed
        // between the two, takes the transaction below.
        if let sql = db as? any SQLDatabase, let found = try await findAsset(prepared, on: sql),
           found.isUnchanged(by: prepared), try await found.touch(now: audit.now, on: sql) {
            return InventoryImportResult(assetID: found.id, created: false, changedSections: [])
        }
        func resolve() async throws {
            try prepared.preparePrograms()
            guard catalogue == nil else { return }
            let resolved = try await resolveCatalogue(prepared.software, on: db)
            services.catalogue.remember(resolved)
            catalogue = resolved
        }
        if prepared.programsPrepared { try await resolve() }
        var attempt = 0
        while true {
            attempt += 1
            do {
                let current = (prepared, catalogue)
                return try await db.transaction { db in
                    try await write(current.0, catalogue: current.1, resolveInline: false, on: db).result
                }
            } catch let error as any DatabaseError where error.isConstraintFailure && attempt < 4 {
                continue
            } catch InventoryImportError.catalogueNeeded where attempt < 4 {
                try await resolve()
                continue
            }
        }
    }

    // MARK: Catalogue

    /// The `software_versions` id of each distinct program of the report, creating catalogue rows as needed.
    private func resolveCatalogue(_ software: [PreparedInventory.Program], on db: any Database) async throws
        -> CatalogueResolution
    {
        guard !software.isEmpty, let sql = db as? any SQLDatabase else { return CatalogueResolution(ids: [:]) }
        var newSoftware: [String: UUID] = [:]
        var newVersions: [PreparedInventory.VersionKey: Int64] = [:]
        let cache = services.catalogue
        // Programs.
        let programKeys = Array(Set(software.map(\.softwareKey))).sorted()
        var programIDs = cache.softwareIDs(programKeys)
        let missingPrograms = programKeys.filter { programIDs[$0] == nil }
        if !missingPrograms.isEmpty {
            let byKey = Dictionary(software.map { ($0.softwareKey, $0) }, uniquingKeysWith: { first, _ in first })
            for batch in missingPrograms.chunked(Self.batchRows) {
                let insert = sql.insert(into: "software")
                    .columns("id", "name_key", "publisher_key", "name", "publisher", "created_at")
                for key in batch {
                    let program = byKey[key]!
                    insert.values(SQLBind(UUID()), SQLBind(program.nameKey), SQLBind(program.publisherKey),
                                  SQLBind(program.name), SQLBind(program.publisher), SQLBind(audit.now))
                }
                try await insert.ignoringConflicts(with: ["name_key", "publisher_key"]).run()
            }
            var found: [String: UUID] = [:]
            for batch in Array(Set(missingPrograms.map { byKey[$0]!.nameKey })).sorted().chunked(Self.batchRows) {
                let rows = try await sql.select().column("id").column("name_key").column("publisher_key")
                    .from("software").where("name_key", .in, SQLBind.group(Array(batch))).all()
                for row in rows {
                    let key = PreparedInventory.Program.key(try row.decode(column: "name_key", as: String.self),
                                                            try row.decode(column: "publisher_key", as: String.self))
                    found[key] = try row.decode(column: "id", as: UUID.self)
                }
            }
            newSoftware = found
            programIDs.merge(found) { $1 }
        }
        // Versions.
        var versionKeyOf: [PreparedInventory.VersionKey: (UUID, String, String)] = [:]
        for program in software {
            guard let softwareID = programIDs[program.softwareKey] else {
                throw InventoryImportError.catalogue("software '\(program.name)' could not be stored")
            }
            versionKeyOf[program.versionKey(softwareID)] = (softwareID, program.version, program.architecture)
        }
        let versionKeys = versionKeyOf.keys.sorted()
        var versionIDs = cache.versionNumbers(versionKeys)
        let missingVersions = versionKeys.filter { versionIDs[$0] == nil }
        if !missingVersions.isEmpty {
            for batch in missingVersions.chunked(Self.batchRows) {
                let insert = sql.insert(into: "software_versions").columns("id", "software_id", "version", "architecture")
                for key in batch {
                    let (softwareID, version, architecture) = versionKeyOf[key]!
                    insert.values(SQLBind(UUID()), SQLBind(softwareID), SQLBind(version), SQLBind(architecture))
                }
                try await insert.ignoringConflicts(with: ["software_id", "version", "architecture"]).run()
            }
            var found: [PreparedInventory.VersionKey: Int64] = [:]
            let softwareIDs = Array(Set(missingVersions.map { versionKeyOf[$0]!.0 }))
            for batch in softwareIDs.chunked(Self.batchRows) {
                let rows = try await sql.select().column("num").column("software_id").column("version")
                    .column("architecture").from("software_versions")
                    .where("software_id", .in, SQLBind.group(Array(batch))).all()
                for row in rows {
                    let key = PreparedInventory.Program.versionKey(
                        try row.decode(column: "software_id", as: UUID.self),
                        try row.decode(column: "version", as: String.self),
                        try row.decode(column: "architecture", as: String.self))
                    found[key] = try row.decode(column: "num", as: Int64.self)
                }
            }
            newVersions = found
            versionIDs.merge(found) { $1 }
        }
        var result: [String: Int64] = [:]
        for program in software {
            guard let softwareID = programIDs[program.softwareKey],
                  let versionID = versionIDs[program.versionKey(softwareID)]
            else { throw InventoryImportError.catalogue("version '\(program.version)' of '\(program.name)'") }
            result[program.identity] = versionID
        }
        return CatalogueResolution(ids: result, newSoftware: newSoftware, newVersions: newVersions)
    }

    // MARK: Transaction

    /// The import itself. `catalogue` holds the version numbers of the report's programs, or is nil when the
    /// digest hint said the software had not changed: if it did change after all, the numbers are resolved here
    /// when `resolveInline` (SQLite, where catalogue rows are created inside the group anyway), else
    /// ``InventoryImportError/catalogueNeeded`` asks the caller to resolve them outside the transaction.
    private func write(_ prepared: PreparedInventory, catalogue: CatalogueResolution?, resolveInline: Bool,
                       on db: any Database) async throws -> Written
    {
        var prepared = prepared
        var usedCatalogue: CatalogueResolution?
        let sql = db as! any SQLDatabase
        let now = audit.now
        let found = try await findAsset(prepared, on: sql)
        let created = found == nil
        var asset = found ?? InventoryAssetRow(newIn: prepared.entityID, name: prepared.fallbackName)
        let assetID = asset.id
        var changes: [FieldChange] = []
        var changedSections: [String] = []

        // Summary columns, unless a technician locked them.
        for (field, value) in prepared.summary() where !asset.lockedFields.contains(field) {
            let before = asset.summaryValue(field)
            if before != value {
                asset.setSummaryValue(field, value)
                if !created { changes.append(FieldChange(field: field, before: before, after: value)) }
            }
        }
        asset.lastInventoryAt = now
        asset.lastInventorySource = prepared.sourceKind
        if let deviceID = prepared.deviceID { asset.agentDeviceID = deviceID }
        if let agentID = prepared.agentID { asset.agentID = agentID }
        if created {
            // A new machine stores every digest this import writes: the row goes in once, before its components
            // and links (they refer to it).
            for section in prepared.sections { asset.fingerprints[section.section.rawValue] = section.digest }
            if let softwareDigest = prepared.softwareDigest { asset.fingerprints["software"] = softwareDigest }
            asset.fingerprints["_keys"] = prepared.keysDigest
            try await asset.insert(type: prepared.assetType.rawValue, status: AssetStatus.deployed.rawValue, now: now,
                                   on: sql)
        }
        var stored = asset.fingerprints

        // Sections: the rows of every changed section go in together, in statements of up to ``batchRows``.
        var newRows: [(section: InventorySection, position: Int, row: SectionRows.Row)] = []
        var addresses: [AssetAddresses.Row] = []
        for section in prepared.sections where stored[section.section.rawValue] != section.digest || created {
            let rows = try prepared.rows(of: section.section)
            let carriesAddresses = InventoryReport.addressSections.contains(section.section)
            if !created {
                changes.append(contentsOf: try await sectionChanges(section.section, rows: rows, assetID: assetID, on: sql))
                try await sql.delete(from: "asset_components").where("asset_id", .equal, assetID)
                    .where("kind", .equal, section.section.rawValue).run()
                if carriesAddresses { try await AssetAddresses.delete(assetID: assetID, section: section.section, on: sql) }
            }
            if carriesAddresses {
                addresses += AssetAddresses.rows(of: prepared.report, section: section.section, assetID: assetID)
            }
            for (position, row) in rows.enumerated() { newRows.append((section.section, position, row)) }
            stored[section.section.rawValue] = section.digest
            changedSections.append(section.section.rawValue)
        }
        for batch in newRows.chunked(Self.batchRows) {
            let insert = sql.insert(into: "asset_components")
                .columns("id", "asset_id", "kind", "position", "stable_key", "label", "capacity_bytes", "free_bytes",
                         "data")
            for (section, position, row) in batch {
                insert.values(SQLBind(UUID()), SQLBind(assetID), SQLBind(section.rawValue), SQLBind(position),
                              SQLBind(row.stableKey), SQLBind(String(row.label.prefix(500))),
                              SQLBind(row.capacityBytes.map(Int64.init)), SQLBind(row.freeBytes.map(Int64.init)),
                              SQLBind(String(decoding: row.data, as: UTF8.self)))
            }
            try await insert.run()
        }
        try await AssetAddresses.insert(addresses, on: sql)
        if let softwareDigest = prepared.softwareDigest, stored["software"] != softwareDigest || created {
            try prepared.preparePrograms()
            if let catalogue {
                usedCatalogue = catalogue
            } else if resolveInline {
                usedCatalogue = try await resolveCatalogue(prepared.software, on: db)
            } else {
                throw InventoryImportError.catalogueNeeded
            }
            let versionIDs = usedCatalogue?.ids ?? [:]
            changes.append(contentsOf: try await replaceSoftware(prepared, versionIDs: versionIDs,
                                                                 assetNumber: try asset.requireNumber(),
                                                                 created: created, on: sql))
            stored["software"] = softwareDigest
            changedSections.append("software")
        }

        // Match keys, when they changed.
        if stored["_keys"] != prepared.keysDigest || created {
            if !created { try await sql.delete(from: "asset_match_keys").where("asset_id", .equal, assetID).run() }
            if !prepared.keys.isEmpty {
                let insert = sql.insert(into: "asset_match_keys").columns("asset_id", "criterion", "value", "scope")
                for key in prepared.keys {
                    insert.values(SQLBind(assetID), SQLBind(key.criterion), SQLBind(key.value), SQLBind(key.scope))
                }
                // A new asset must own all its keys: a conflict means another import created this machine
                // meanwhile, and the retry will find it. A known asset leaves keys another asset holds to it.
                if created { try await insert.run() } else {
                    try await insert.ignoringConflicts(with: ["criterion", "value", "scope"]).run()
                }
            }
            stored["_keys"] = prepared.keysDigest
        }

        asset.fingerprints = stored
        if !created { try await asset.update(now: now, on: sql) }
        if let agentID = prepared.agentID {
            try await sql.update("agents").set("asset_id", to: assetID).where("id", .equal, agentID).run()
        }
        if created {
            try await audit.record("inventory.created", objectType: "asset", objectID: assetID, label: asset.name,
                                   entityID: asset.entityID, changes: prepared.creationSummary, on: db)
        } else if !changes.isEmpty {
            try await audit.record("inventory.updated", objectType: "asset", objectID: assetID, label: asset.name,
                                   entityID: asset.entityID, changes: Array(changes.prefix(500)), on: db)
        }
        return Written(
            result: InventoryImportResult(assetID: assetID, created: created, changedSections: changedSections),
            catalogue: usedCatalogue)
    }

    /// The stored asset the report describes: Parc's agent's linked asset, else the first match key in order
    /// that a stored asset holds; nil for a machine seen for the first time.
    private func findAsset(_ prepared: PreparedInventory, on sql: any SQLDatabase) async throws -> InventoryAssetRow? {
        if let linked = prepared.linkedAssetID, let asset = try await InventoryAssetRow.find(linked, on: sql) {
            return asset
        }
        return try await InventoryAssetRow.find(holding: prepared.keys, on: sql)
    }

    /// History lines for a section about to be replaced: elements added, removed and changed, by stable key.
    private func sectionChanges(_ section: InventorySection, rows newRows: [SectionRows.Row], assetID: UUID,
                                on sql: any SQLDatabase) async throws -> [FieldChange]
    {
        let rows = try await sql.select().column("stable_key").column("label").column("data").from("asset_components")
            .where("asset_id", .equal, assetID).where("kind", .equal, section.rawValue).all()
        var old: [String: (label: String, data: String)] = [:]
        for row in rows {
            old[try row.decode(column: "stable_key", as: String.self)] =
                (try row.decode(column: "label", as: String.self), try row.decode(column: "data", as: String.self))
        }
        var changes: [FieldChange] = []
        var seen = Set<String>()
        for row in newRows {
            seen.insert(row.stableKey)
            let label = row.label.isEmpty ? row.stableKey : row.label
            if let before = old[row.stableKey] {
                if before.data != String(decoding: row.data, as: UTF8.self) {
                    changes.append(FieldChange(field: section.rawValue, before: before.label, after: label))
                }
            } else {
                changes.append(FieldChange(field: section.rawValue, before: nil, after: label))
            }
        }
        for (key, before) in old.sorted(by: { $0.key < $1.key }) where !seen.contains(key) {
            changes.append(FieldChange(field: section.rawValue, before: before.label.isEmpty ? key : before.label,
                                       after: nil))
        }
        return changes
    }

    /// Brings `asset_software` to the report's list by difference; history lines name what was installed,
    /// removed or upgraded (same name, another version).
    private func replaceSoftware(_ prepared: PreparedInventory, versionIDs: [String: Int64], assetNumber: Int64,
                                 created: Bool, on sql: any SQLDatabase) async throws -> [FieldChange]
    {
        var wanted: [Int64: PreparedInventory.Program] = [:]
        for program in prepared.software {
            if let id = versionIDs[program.identity], wanted[id] == nil { wanted[id] = program }
        }
        var existing = Set<Int64>()
        if !created {
            for row in try await sql.select().column("version_num").from("asset_software")
                .where("asset_num", .equal, assetNumber).all() {
                existing.insert(try row.decode(column: "version_num", as: Int64.self))
            }
        }
        let removed = Array(existing.subtracting(wanted.keys))
        let added = wanted.keys.filter { !existing.contains($0) }
        var removedNames: [(String, String)] = []
        for batch in removed.chunked(Self.batchRows) {
            if !created {
                for row in try await sql.select().column(SQLColumn("name", table: "software"))
                    .column(SQLColumn("version", table: "software_versions"))
                    .from("software_versions").join("software", on: SQLColumn("id", table: "software"), .equal,
                          SQLColumn("software_id", table: "software_versions"))
                    .where(SQLColumn("num", table: "software_versions"), .in, SQLBind.group(Array(batch))).all() {
                    removedNames.append((try row.decode(column: "name", as: String.self),
                                         try row.decode(column: "version", as: String.self)))
                }
            }
            try await sql.delete(from: "asset_software").where("asset_num", .equal, assetNumber)
                .where("version_num", .in, SQLBind.group(Array(batch))).run()
        }
        try await Self.insertLinks(asset: assetNumber, added.map { ($0, wanted[$0]!.installDate) }, on: sql)
        guard !created else { return [] }
        var changes: [FieldChange] = []
        var removedByName = Dictionary(removedNames.map { ($0.0, $0.1) }, uniquingKeysWith: { first, _ in first })
        for id in added.sorted(by: { wanted[$0]!.identity < wanted[$1]!.identity }) {
            let program = wanted[id]!
            if let old = removedByName.removeValue(forKey: program.name) {
                changes.append(FieldChange(field: "software", before: "\(program.name) \(old)",
                                           after: "\(program.name) \(program.version)"))
            } else {
                changes.append(FieldChange(field: "software", before: nil, after: "\(program.name) \(program.version)"))
            }
        }
        for (name, version) in removedByName.sorted(by: { $0.key < $1.key }) {
            changes.append(FieldChange(field: "software", before: "\(name) \(version)", after: nil))
        }
        return changes
    }
}

extension InventoryImporter {
    /// Links an asset to software versions in one statement, whatever their number (decision 0075): the links go
    /// as one JSON array of `[version number, install date]` pairs that the database unpacks itself, instead of
    /// three bound values per link through SQLKit's encoder and a statement of a thousand placeholders to parse.
    /// On PostgreSQL the links have no foreign key to `software_versions` (decision 0079): this statement, the only
    /// one that inserts links, joins them to the versions, so a link to a missing version never goes in.
    static func insertLinks(asset: Int64, _ links: [(version: Int64, installDate: String?)], on sql: any SQLDatabase)
        async throws
    {
        guard !links.isEmpty else { return }
        var json = "["
        json.reserveCapacity(links.count * 24)
        for (index, link) in links.enumerated() {
            if index > 0 { json += "," }
            json += "[" + String(link.version) + ","
            if let date = link.installDate { JSONText.appendString(date, to: &json) } else { json += "null" }
            json += "]"
        }
        json += "]"
        if sql.dialect.name == "sqlite" {
            try await sql.raw("""
                INSERT INTO "asset_software" ("asset_num", "version_num", "install_date") \
                SELECT \(bind: asset), "value" ->> 0, "value" ->> 1 FROM json_each(\(bind: json))
                """).run()
        } else {
            try await sql.raw("""
                INSERT INTO "asset_software" ("asset_num", "version_num", "install_date") \
                SELECT \(bind: asset), "v"."num", "link" ->> 1 \
                FROM json_array_elements(\(bind: json)::json) AS "link" \
                JOIN "software_versions" AS "v" ON "v"."num" = ("link" ->> 0)::bigint
                """).run()
        }
    }
}

/// JSON text written by hand where an encoder would cost more than the work it serves.
enum JSONText {
    /// Appends `text` as a JSON string: quotes, backslashes and control characters escaped.
    static func appendString(_ text: String, to json: inout String) {
        json += "\""
        var plain = true
        for byte in text.utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
            plain = false
            break
        }
        if plain {
            json += text
        } else {
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": json += "\\\""
                case "\\": json += "\\\\"
                case "\n": json += "\\n"
                case "\r": json += "\\r"
                case "\t": json += "\\t"
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16)
                    json += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: json.unicodeScalars.append(scalar)
                }
            }
        }
        json += "\""
    }
}

enum InventoryImportError: Error, CustomStringConvertible {
    case catalogue(String)
    case noRowNumber(UUID?)
    /// PostgreSQL: the software changed although the digest hint said not; the transaction is rolled back and
    /// retried with catalogue numbers resolved outside it.
    case catalogueNeeded

    var description: String {
        switch self {
        case .catalogue(let what): "The software catalogue could not be updated: \(what)."
        case .catalogueNeeded: "The software changed since the last inventory; its catalogue numbers are needed."
        case .noRowNumber(let id): "Asset \(id?.uuidString ?? "?") has no row number (assets.num): run `parc migrate`."
        }
    }
}

extension JSONEncoder {
    /// Sorted keys, for digests and stored JSON that must compare equal when equal.
    static var sortedKeys: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}

extension ArraySlice {
    func chunked(_ size: Int) -> [ArraySlice<Element>] { Array(self).chunked(size) }
}
