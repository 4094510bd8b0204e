import ArgumentParser
import Foundation
import ParcBackup

struct BackupKey: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Manage the passphrases that open the repository (one key file each).",
        subcommands: [BackupKeyList.self, BackupKeyAdd.self, BackupKeyRemove.self, BackupKeyPasswd.self]
    )
}

struct BackupKeyList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the key files.")

    @OptionGroup var options: RepositoryOptions

    struct Row: Encodable {
        let id: String
        let current: Bool
        let created: Date?
        let hostname: String?
        let username: String?
        let problem: String?
    }

    func run() throws {
        try reportingErrors {
            let repository = try options.open()
            let listed: [(id: String, file: Result<KeyFile, KeyError>)]
            do throws(KeyError) {
                listed = try repository.keyFiles().list()
            } catch {
                throw BackupCLIError(RepositoryError.key(error))
            }
            let rows = listed.map { entry -> Row in
                switch entry.file {
                case .success(let file):
                    Row(
                        id: entry.id, current: entry.id == repository.keyID.hex, created: file.created,
                        hostname: file.hostname, username: file.username, problem: nil)
                case .failure(let error):
                    Row(
                        id: entry.id, current: false, created: nil, hostname: nil, username: nil,
                        problem: error.description)
                }
            }
            if options.json {
                Output.json(rows)
                return
            }
            Output.line(
                Table.render(
                    header: [" ", "ID", "Created", "Host", "User"],
                    rows: rows.map { row in
                        [
                            row.current ? "*" : " ", String(row.id.prefix(8)),
                            row.created.map(BackupSnapshots.localTime) ?? "-", row.hostname ?? "-",
                            row.problem ?? row.username ?? "",
                        ]
                    }))
        }
    }
}

struct BackupKeyAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a passphrase (a technician's, an agent's, a recovery one).")

    @OptionGroup var options: RepositoryOptions
    @OptionGroup var kdf: KDFOptions
    @Option(
        name: .customLong("new-password-file"),
        help: ArgumentHelp("The new passphrase's file (else PARC_BACKUP_NEW_PASSWORD, else a prompt).", valueName: "file"))
    var newPasswordFile: String?

    func run() throws {
        try reportingErrors {
            let repository = try options.open()
            let secret = try PassphraseSource.newPassphrase(file: newPasswordFile)
            let parameters = try kdf.parameters()
            let id: ObjectID
            do throws(KeyError) {
                id = try repository.keyFiles(kdf: parameters).add(master: repository.key, passphrase: secret)
            } catch {
                throw BackupCLIError(RepositoryError.key(error))
            }
            if options.json { Output.json(["id": id.hex]) } else { Output.line("added key \(id.shortHex)") }
        }
    }
}

struct BackupKeyRemove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove a key file (not the one in use, never the last one).")

    @OptionGroup var options: RepositoryOptions
    @Argument(help: "The key's ID or a unique prefix of it (see `key list`).") var key: String

    func run() throws {
        try reportingErrors {
            let repository = try options.open()
            let names = try RepositoryCall.run { () throws(StorageError) in try repository.storage.list(.key) }
            let matches = names.filter { $0.hasPrefix(key.lowercased()) }
            guard key.count >= 4, matches.count == 1, let id = ObjectID(hex: matches[0]) else {
                throw BackupCLIError(
                    matches.count > 1
                        ? "\(matches.count) keys start with \(key); give more digits"
                        : "no key starts with \(key); see `parc-agent backup key list`")
            }
            do throws(KeyError) {
                try repository.keyFiles().remove(keyID: id, currentKeyID: repository.keyID)
            } catch {
                throw BackupCLIError(RepositoryError.key(error))
            }
            if options.json { Output.json(["removed": id.hex]) } else { Output.line("removed key \(id.shortHex)") }
        }
    }
}

struct BackupKeyPasswd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passwd", abstract: "Change the passphrase in use (a new key file replaces the old one).")

    @OptionGroup var options: RepositoryOptions
    @OptionGroup var kdf: KDFOptions
    @Option(
        name: .customLong("new-password-file"),
        help: ArgumentHelp("The new passphrase's file (else PARC_BACKUP_NEW_PASSWORD, else a prompt).", valueName: "file"))
    var newPasswordFile: String?

    func run() throws {
        try reportingErrors {
            let repository = try options.open()
            let secret = try PassphraseSource.newPassphrase(file: newPasswordFile)
            let store = repository.keyFiles(kdf: try kdf.parameters())
            // Write the new key file first, then remove the old: a crash leaves two keys, never none.
            let id: ObjectID
            do throws(KeyError) {
                id = try store.add(master: repository.key, passphrase: secret)
                try store.remove(keyID: repository.keyID, currentKeyID: id)
            } catch {
                throw BackupCLIError(RepositoryError.key(error))
            }
            if options.json {
                Output.json(["id": id.hex, "removed": repository.keyID.hex])
            } else {
                Output.line("passphrase changed: key \(repository.keyID.shortHex) replaced by \(id.shortHex)")
            }
        }
    }
}
