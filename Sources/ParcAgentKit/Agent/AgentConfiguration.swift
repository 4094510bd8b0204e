import Foundation
import ParcBackup

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What `parc-agent enroll` stores: the server and this agent's credential. Written with mode 600.
public struct AgentConfiguration: Codable, Sendable, Equatable {
    /// The server's base URL (`https://parc.example.org`).
    public var server: String
    public var agentID: String
    public var entityID: String
    /// The per-agent secret the server gave at enrollment (sent as a Bearer credential).
    public var credential: String
    public var enrolledAt: Date

    public init(server: String, agentID: String, entityID: String, credential: String, enrolledAt: Date) {
        self.server = server
        self.agentID = agentID
        self.entityID = entityID
        self.credential = credential
        self.enrolledAt = enrolledAt
    }

    enum CodingKeys: String, CodingKey {
        case server, credential
        case agentID = "agent_id"
        case entityID = "entity_id"
        case enrolledAt = "enrolled_at"
    }

    /// `/etc/parc-agent` as root, else `~/.config/parc-agent`.
    public static var defaultDirectory: String {
        if geteuid() == 0 { return "/etc/parc-agent" }
        let home = ProcessInfo.processInfo.environment["HOME"] ?? NSTemporaryDirectory()
        return home + "/.config/parc-agent"
    }

    /// `agent.json` in the default directory.
    public static var defaultPath: String { defaultDirectory + "/agent.json" }

    /// Reads the configuration; the error says to enroll when there is none.
    public static func load(from path: String) throws(AgentError) -> AgentConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AgentError(
                "no agent configuration at \(path): enroll first with `parc-agent enroll --server URL --token TOKEN`")
        }
        do {
            return try JSONDecoder.agent.decode(AgentConfiguration.self, from: data)
        } catch {
            throw AgentError("the agent configuration \(path) is damaged (\(error)); enroll again")
        }
    }

    /// Writes the configuration atomically, readable by its owner only.
    public func save(to path: String) throws(AgentError) {
        let data: Data
        do {
            data = try JSONEncoder.agent.encode(self)
        } catch {
            throw AgentError("cannot encode the configuration: \(error)")
        }
        try AgentFiles.writePrivate(data, to: path)
    }
}

/// Files the agent keeps for itself.
public enum AgentFiles {
    /// Writes `data` to `path` through a temporary file and a rename, mode 600, creating the
    /// directory (mode 700) if needed.
    public static func writePrivate(_ data: Data, to path: String) throws(AgentError) {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw AgentError("cannot create \(directory): \(error.localizedDescription)")
        }
        let temporary = directory + "/.\(url.lastPathComponent).\(getpid()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw AgentError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        let written = data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == data.count, synced == 0, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw AgentError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}

/// A failure of the agent outside the backup engine, with a message that says what to do.
public struct AgentError: Error, CustomStringConvertible, Sendable {
    public let description: String
    /// The HTTP status when the server answered with an error.
    public let status: Int?

    public init(_ description: String, status: Int? = nil) {
        self.description = description
        self.status = status
    }
}

extension JSONEncoder {
    static var agent: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}

extension JSONDecoder {
    static var agent: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            // The backup engine's RFC 3339 reader: with or without fractional seconds.
            if let date = SnapshotTime.parse(text) { return date }
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an RFC 3339 time: \(text)")
        }
        return decoder
    }
}
