import Foundation
import ParcCore
import ParcInventory
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("parc-agent inventory on this machine")
struct InventoryCommandTests {
    /// inventory.schema.json, from ParcInventory's fixtures (the copy of ../shared/fixtures/inventory).
    static var schemaPath: String {
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("ParcInventoryTests/Fixtures/inventory/inventory.schema.json")
            .path
    }

    /// Validates `json` against the schema with python3-jsonschema (formats checked); the errors, or nil.
    static func schemaErrors(_ json: Data) throws -> String? {
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            document = json.load(sys.stdin)
            validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
            errors = ["%s: %s" % ("/".join(map(str, e.absolute_path)), e.message) for e in validator.iter_errors(document)]
            print("\\n".join(errors[:20]))
            sys.exit(1 if errors else 0)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script, schemaPath]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(json)
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return process.terminationStatus == 0 ? nil : text
    }

    /// Status lines of dpkg's database whose state is `installed` (held packages count: they are installed).
    static func installedPackageCount() throws -> Int {
        let text = try String(contentsOfFile: "/var/lib/dpkg/status", encoding: .utf8)
        return text.split(separator: "\n").filter { line in
            let words = line.split(separator: " ")
            return words.count == 4 && words[0] == "Status:" && words[2] == "ok" && words[3] == "installed"
        }.count
    }

    /// The first interface of /sys/class/net other than the loopback, and its MAC.
    static func firstInterface() throws -> (name: String, mac: String) {
        let names = try FileManager.default.contentsOfDirectory(atPath: "/sys/class/net").sorted().filter { $0 != "lo" }
        let name = try #require(names.first)
        let mac = try String(contentsOfFile: "/sys/class/net/\(name)/address", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return (name, mac)
    }

    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count)
        let name = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return String(name.prefix { $0 != "." })
    }

    @Test("--output - writes JSON that validates against inventory.schema.json and describes this machine")
    func thisMachine() throws {
        // setup
        let state = try AgentTempDirectory("inventory-state")
        // MUT
        let run = try AgentProcess.run(["inventory", "--output", "-", "--state-dir", state.path])
        // validate
        #expect(run.status == 0, "\(run.stderr)")
        let json = Data(run.stdout.utf8)
        #expect(try Self.schemaErrors(json) == nil)
        #expect(try Self.schemaErrors(Data(#"{"deviceid": 1, "content": {}}"#.utf8)) != nil, "the validator refuses")
        let document = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        let content = try #require(document["content"] as? [String: Any])
        let hardware = try #require(content["hardware"] as? [String: Any])
        #expect(hardware["name"] as? String == Self.hostName())
        #expect((content["cpus"] as? [Any])?.isEmpty == false)
        let memInfo = try String(contentsOfFile: "/proc/meminfo", encoding: .utf8)
        let totalKiB = try #require(memInfo.split(separator: "\n").first { $0.hasPrefix("MemTotal:") }?
            .split(separator: " ").dropFirst().first.flatMap { Int($0) })
        #expect(hardware["memory"] as? Int == totalKiB / 1024)
        let software = try #require(content["softwares"] as? [[String: Any]])
        #expect(software.filter { $0["from"] as? String == "deb" }.count == (try Self.installedPackageCount()))
        let interface = try Self.firstInterface()
        let networks = try #require(content["networks"] as? [[String: Any]])
        #expect(networks.contains { $0["description"] as? String == interface.name && $0["mac"] as? String == interface.mac })
        #expect((content["versionclient"] as? String)?.hasPrefix("Parc-Agent_v") == true)
        let deviceID = try #require(document["deviceid"] as? String)
        #expect(deviceID.hasPrefix(Self.hostName() + "-"))
        // The device id is kept: a second inventory carries the same.
        let second = try AgentProcess.run(["inventory", "--output", "-", "--state-dir", state.path])
        let secondDocument = try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [String: Any]
        #expect(secondDocument?["deviceid"] as? String == deviceID)
    }

    @Test("the JSON reads back with GLPIInventoryJSON.read and writes again to the same bytes")
    func roundTrip() throws {
        let state = try AgentTempDirectory("inventory-state")
        let run = try AgentProcess.run(["inventory", "--output", "-", "--state-dir", state.path])
        #expect(run.status == 0, "\(run.stderr)")
        let json = Data(run.stdout.utf8.dropLast())  // the final new line
        let report = try GLPIInventoryJSON.read(json)
        #expect(report.agent.kind == .parcAgent)
        #expect(report.hardware?.name == Self.hostName())
        #expect(report.software.count == (try Self.installedPackageCount()))
        #expect(report.operatingSystem?.bootTime != nil)
        #expect(report.uptimeSeconds.map { $0 > 0 } == true)
        #expect(!report.matchKeys(order: InventoryMatchCriterion.defaultOrder).isEmpty)
        #expect(try GLPIInventoryJSON.write(report) == json)
    }

    @Test("--output FILE, --pretty; an unwritable file and a missing configuration are errors that say what to do")
    func outputsAndErrors() throws {
        let directory = try AgentTempDirectory("inventory-out")
        let written = try AgentProcess.run(
            ["inventory", "--output", directory.sub("inventory.json"), "--pretty", "--state-dir", directory.sub("state")])
        #expect(written.status == 0, "\(written.stderr)")
        let text = try String(contentsOfFile: directory.sub("inventory.json"), encoding: .utf8)
        #expect(text.hasPrefix("{\n  \"action\" : \"inventory\""))
        #expect(written.stdout.isEmpty)
        let unwritable = try AgentProcess.run(
            ["inventory", "--output", directory.sub("missing/dir/inventory.json"), "--state-dir", directory.sub("state")])
        #expect(unwritable.status == 1)
        #expect(unwritable.stderr.contains("cannot write \(directory.sub("missing/dir/inventory.json"))"))
        let unenrolled = try AgentProcess.run(
            ["inventory", "--config", directory.sub("agent.json"), "--state-dir", directory.sub("state")])
        #expect(unenrolled.status == 1)
        #expect(unenrolled.stderr.contains("enroll first with `parc-agent enroll --server URL --token TOKEN`"))
    }

    @Test(
        "as an ordinary user: still an inventory, partial where root was needed, and the reasons on stderr",
        .enabled(if: geteuid() == 0, "runuser needs root to become an ordinary user"))
    func withoutRoot() throws {
        let state = try AgentTempDirectory("inventory-state")
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: state.path)
        let run = try AgentProcess.run(
            ["inventory", "--output", "-", "--state-dir", state.path], environment: ["HOME": "/nonexistent"],
            user: "nobody")
        #expect(run.status == 0, "\(run.stderr)")
        let report = try GLPIInventoryJSON.read(Data(run.stdout.utf8))
        #expect(report.hardware?.name == Self.hostName())
        #expect(report.software.count == (try Self.installedPackageCount()))
        #expect(report.isPartial, "memory modules need root (or dmidecode): unknown, not none")
        #expect(!report.presentSections.contains(.memoryModules))
        #expect(run.stderr.contains("parc-agent inventory: note: memory: "))
        if FileManager.default.fileExists(atPath: "/sys/class/dmi/id/product_serial") {
            #expect(run.stderr.contains("could not read /sys/class/dmi/id/product_serial (needs root)"))
        }
        #expect(try Self.schemaErrors(Data(run.stdout.utf8)) == nil)
    }
}
