import ArgumentParser
import Foundation
import ParcServer

struct Mail: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Mail-to-ticket commands.",
        subcommands: [MailIngestCommand.self])
}

struct MailIngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Read one message (RFC 5322) on standard input and turn it into a ticket or followup.",
        discussion: """
            Meant for the MTA's pipe, e.g. a Postfix alias:
              support: "|/usr/local/bin/parc mail ingest --data-dir /var/lib/parc"
            Exit status (sysexits.h), which the MTA acts on:
              0   delivered, deliberately dropped (auto-reply, bounce, loop…) or already delivered
              64  bad options
              65  not a readable message, or larger than --max-size: the MTA bounces it
              75  transient failure (database unreachable, ticket service failing, mail-to-ticket not enabled):
                  the MTA keeps the message and retries
              78  configuration error (unknown --entity): the MTA keeps the message until it is fixed
            """)

    @OptionGroup var storage: StorageOptions

    @Option(help: "Entity (name, path or id) the mail is for; the root entity when absent.")
    var entity: String?

    @Option(help: ArgumentHelp("Largest message accepted, in bytes (default 26214400).", valueName: "bytes"))
    var maxSize: Int = MailIngest.defaultMaximumSize

    func run() async throws {
        guard (1024...(100 * 1024 * 1024)).contains(maxSize) else {
            finish(.init(status: .usage, message: "--max-size must be from 1024 to 104857600 bytes"))
        }
        guard let raw = readStandardInput(limit: maxSize) else {
            finish(.init(status: .dataError, message: "the message is larger than --max-size (\(maxSize) bytes)"))
        }
        finish(await MailIngest.ingest(raw, entity: entity, maximumSize: maxSize,
                                       configuration: storage.configuration()))
    }

    /// Standard input up to `limit` bytes, or nil when there is more; the excess is read and discarded, so the MTA
    /// writing the message never fails on a closed pipe.
    private func readStandardInput(limit: Int) -> [UInt8]? {
        var data: [UInt8] = []
        var tooLarge = false
        let input = FileHandle.standardInput
        while true {
            let chunk = input.readData(ofLength: 64 * 1024)
            if chunk.isEmpty { break }
            if tooLarge { continue }
            if data.count + chunk.count > limit {
                tooLarge = true
                data = []
                continue
            }
            data.append(contentsOf: chunk)
        }
        return tooLarge ? nil : data
    }

    private func finish(_ result: MailIngest.Result) -> Never {
        let line = "parc mail ingest: \(result.message)\n"
        if result.status == .delivered {
            FileHandle.standardOutput.write(Data(line.utf8))
        } else {
            FileHandle.standardError.write(Data(line.utf8))
        }
        Foundation.exit(result.status.rawValue)
    }
}
