/// The distribution's short name as `lsb_release -i` prints it (`Debian`, `Ubuntu`, `LinuxMint`), without running
/// it: `DISTRIB_ID` of `/etc/lsb-release` where the distribution writes one (Ubuntu and its derivatives), else the
/// `ID` of os-release with a capital (`debian` → `Debian`, `fedora` → `Fedora`).
enum DistributorName {
    static func read(_ files: SystemFiles) -> String? {
        if let text = files.bytes("/etc/lsb-release").map({ String(decoding: $0, as: UTF8.self) }),
            let id = OSReleaseParser.parse(text)["DISTRIB_ID"]
        {
            return id
        }
        let release = (files.bytes("/etc/os-release") ?? files.bytes("/usr/lib/os-release"))
            .map { OSReleaseParser.parse(String(decoding: $0, as: UTF8.self)) }
        guard let id = release?["ID"], let first = id.first else { return nil }
        return first.uppercased() + id.dropFirst()
    }
}
