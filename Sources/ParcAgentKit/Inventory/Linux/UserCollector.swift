import ParcCore

/// The users logged in, from the login records of `/var/run/utmp` (``UtmpParser``), each once in order of login;
/// the most recent login is also `hardware.lastLoggedUser`. Without utmp (some containers, systems that dropped it)
/// the users are unknown, and said so.
struct UserCollector: InventoryCollector {
    let environment: InventoryEnvironment
    var name: String { "users" }
    var sections: Set<InventorySection> { [.users] }

    static let paths = ["/var/run/utmp", "/run/utmp"]

    func collect(into report: inout InventoryReport, notes: inout [CollectorNote]) {
        guard let path = Self.paths.first(where: { environment.files.exists($0) }) else {
            notes.append(.init(collector: name, reason: .unavailable, message: "no /var/run/utmp: logged-in users unknown"))
            return
        }
        guard let bytes = environment.read(path, for: name, notes: &notes, limit: 64 << 20) else { return }
        let sessions = UtmpParser.sessions(bytes)
        var logins: [String] = []
        for session in sessions where !logins.contains(session.user) { logins.append(session.user) }
        report.users = logins.map { InventoryReport.User(login: $0) }
        report.sections.insert(.users)
        if let last = sessions.max(by: { $0.loginTime < $1.loginTime }) {
            report.updateHardware { $0.lastLoggedUser = last.user }
        }
    }
}
