import Foundation

/// The bodies of the agent API (docs/agent-api.md), as the agent sends and reads them.
public enum AgentAPI {
    public struct EnrollRequest: Codable, Sendable {
        public let token: String
        public let hostname: String
        public let machineID: String
        public let os: String
        public let agentVersion: String

        enum CodingKeys: String, CodingKey {
            case token, hostname, os
            case machineID = "machine_id"
            case agentVersion = "agent_version"
        }
    }

    public struct EnrollResponse: Codable, Sendable {
        public let agentID: String
        public let credential: String
        public let entityID: String

        enum CodingKeys: String, CodingKey {
            case credential
            case agentID = "agent_id"
            case entityID = "entity_id"
        }
    }

    public struct PlansResponse: Codable, Sendable {
        public let plans: [Plan]
    }

    public struct Plan: Codable, Sendable, Equatable {
        public struct Repository: Codable, Sendable, Equatable {
            public let id: String
            public let name: String
            public let location: String
            public let offSite: Bool

            enum CodingKeys: String, CodingKey {
                case id, name, location
                case offSite = "off_site"
            }
        }

        public struct Schedules: Codable, Sendable, Equatable {
            public let full: String?
            public let incremental: String?
            public let differential: String?
        }

        public struct Retention: Codable, Sendable, Equatable {
            public let keepLast: Int?
            public let keepHourly: Int?
            public let keepDaily: Int?
            public let keepWeekly: Int?
            public let keepMonthly: Int?
            public let keepYearly: Int?

            enum CodingKeys: String, CodingKey {
                case keepLast = "keep_last"
                case keepHourly = "keep_hourly"
                case keepDaily = "keep_daily"
                case keepWeekly = "keep_weekly"
                case keepMonthly = "keep_monthly"
                case keepYearly = "keep_yearly"
            }
        }

        public struct Drill: Codable, Sendable, Equatable {
            public let schedule: String?
            public let sample: Int
        }

        public let id: String
        public let name: String
        public let repository: Repository
        public let paths: [String]
        public let excludes: [String]
        public let oneFileSystem: Bool
        public let schedules: Schedules
        public let retention: Retention
        public let drill: Drill
        public let rpoHours: Int

        enum CodingKeys: String, CodingKey {
            case id, name, repository, paths, excludes, schedules, retention, drill
            case oneFileSystem = "one_file_system"
            case rpoHours = "rpo_hours"
        }
    }

    public struct RunReport: Codable, Sendable {
        public var planID: String?
        public var repositoryID: String?
        public var snapshotID: String?
        public var method: String
        public var startedAt: Date
        public var finishedAt: Date
        /// `success`, `partial` (done, some files unreadable) or `failed`.
        public var status: String
        public var files: Int
        public var directories: Int
        public var bytes: UInt64
        public var newBytes: UInt64
        public var storedBytes: UInt64
        public var errors: Int
        public var errorMessages: [String]
        public var repositorySizeBytes: UInt64?

        enum CodingKeys: String, CodingKey {
            case method, status, files, directories, bytes, errors
            case planID = "plan_id"
            case repositoryID = "repository_id"
            case snapshotID = "snapshot_id"
            case startedAt = "started_at"
            case finishedAt = "finished_at"
            case newBytes = "new_bytes"
            case storedBytes = "stored_bytes"
            case errorMessages = "error_messages"
            case repositorySizeBytes = "repository_size_bytes"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(planID, forKey: .planID)
            try container.encode(repositoryID, forKey: .repositoryID)
            try container.encode(snapshotID, forKey: .snapshotID)
            try container.encode(method, forKey: .method)
            try container.encode(startedAt, forKey: .startedAt)
            try container.encode(finishedAt, forKey: .finishedAt)
            try container.encode(status, forKey: .status)
            try container.encode(files, forKey: .files)
            try container.encode(directories, forKey: .directories)
            try container.encode(bytes, forKey: .bytes)
            try container.encode(newBytes, forKey: .newBytes)
            try container.encode(storedBytes, forKey: .storedBytes)
            try container.encode(errors, forKey: .errors)
            try container.encode(Array(errorMessages.prefix(50)), forKey: .errorMessages)
            try container.encode(repositorySizeBytes, forKey: .repositorySizeBytes)
        }
    }

    public struct DrillReport: Codable, Sendable {
        public struct Failure: Codable, Sendable {
            public let path: String
            public let reason: String
        }

        public var planID: String?
        public var repositoryID: String?
        public var snapshotID: String?
        public var startedAt: Date
        public var finishedAt: Date
        public var filesChecked: Int
        public var bytesChecked: UInt64
        public var failures: [Failure]
        public var passed: Bool

        enum CodingKeys: String, CodingKey {
            case failures, passed
            case planID = "plan_id"
            case repositoryID = "repository_id"
            case snapshotID = "snapshot_id"
            case startedAt = "started_at"
            case finishedAt = "finished_at"
            case filesChecked = "files_checked"
            case bytesChecked = "bytes_checked"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(planID, forKey: .planID)
            try container.encode(repositoryID, forKey: .repositoryID)
            try container.encode(snapshotID, forKey: .snapshotID)
            try container.encode(startedAt, forKey: .startedAt)
            try container.encode(finishedAt, forKey: .finishedAt)
            try container.encode(filesChecked, forKey: .filesChecked)
            try container.encode(bytesChecked, forKey: .bytesChecked)
            try container.encode(Array(failures.prefix(200)), forKey: .failures)
            try container.encode(passed, forKey: .passed)
        }
    }

    public struct Created: Codable, Sendable {
        public let id: String
    }

    /// The answer to `POST /api/agent/v1/inventory`.
    public struct InventoryResponse: Codable, Sendable {
        public let status: String
        /// The asset the inventory was recorded on.
        public let assetID: String
        /// Whether this inventory created the asset (else it updated it).
        public let created: Bool

        enum CodingKeys: String, CodingKey {
            case status, created
            case assetID = "asset_id"
        }
    }
}

/// Facts about this machine that the server records at enrollment.
public enum MachineFacts {
    /// `/etc/machine-id` (systemd), else the D-Bus one, else the hostname.
    public static var machineID: String {
        for path in ["/etc/machine-id", "/var/lib/dbus/machine-id"] {
            if let text = try? String(contentsOfFile: path, encoding: .utf8) {
                let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
                if !trimmed.isEmpty { return trimmed }
            }
        }
        return "host:" + hostname
    }

    public static var hostname: String { ProcessInfo.processInfo.hostName }

    /// `PRETTY_NAME` of /etc/os-release, else the kernel's name.
    public static var operatingSystem: String {
        if let text = try? String(contentsOfFile: "/etc/os-release", encoding: .utf8) {
            for line in text.split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
                return String(line.dropFirst("PRETTY_NAME=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return ProcessInfo.processInfo.operatingSystemVersionString
    }
}
