import ArgumentParser
import Foundation
import ParcCore
import ParcServer

struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Administration commands; they work while a server runs on the same database.",
        subcommands: [CreateUser.self, CreateToken.self])
}

struct CreateUser: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-user",
        abstract: "Create an account with a profile on an entity.",
        discussion: """
            The first account creates the root entity when none exists. Example:
              echo 'a long passphrase' | parc admin create-user --login admin --role super-admin --password-stdin
            """)

    @OptionGroup var storage: StorageOptions

    @Option(help: "Login (letters, digits, . _ - @).")
    var login: String

    @Option(help: "Profile: super-admin, admin, technician, observer or requester.")
    var role: String

    @Option(help: "Entity (name, path or id); the root entity when absent.")
    var entity: String?

    @Option(help: "Display name (default: the login).")
    var name: String?

    @Option(help: "E-mail address.")
    var email: String?

    @Flag(help: "Read the password from standard input (first line).")
    var passwordStdin = false

    func run() async throws {
        try await runReportingErrors {
            guard let role = Role(rawValue: role) else {
                throw ParcStartupError("Unknown role '\(role)'; use one of "
                    + Role.allCases.map(\.rawValue).joined(separator: ", ") + ".")
            }
            guard passwordStdin else {
                throw ParcStartupError("Pass --password-stdin and send the password on standard input "
                    + "(passwords on the command line leak into shell history and process lists).")
            }
            guard let password = readLine(strippingNewline: true), !password.isEmpty else {
                throw ParcStartupError("No password on standard input.")
            }
            let id = try await AdminCommands.createUser(storage.configuration(), login: login, role: role, entity: entity,
                                                        password: password, displayName: name, email: email)
            print("Created account '\(login)' (\(role.rawValue)), id \(id).")
        }
    }
}

struct CreateToken: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-token",
        abstract: "Create an API token for an account and print it (last line). It is shown only once.")

    @OptionGroup var storage: StorageOptions

    @Option(help: "Login of the account.")
    var login: String

    @Option(help: "Name of the token, to recognise it later.")
    var name: String = "cli"

    func run() async throws {
        try await runReportingErrors {
            let secret = try await AdminCommands.createToken(storage.configuration(), login: login, name: name)
            print("Token created for '\(login)'. Store it now: it will not be shown again.")
            print(secret)
        }
    }
}
