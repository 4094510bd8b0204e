/// Reads `/etc/hosts`, where most machines write their own fully qualified name: `127.0.1.1 pc-01.example.org pc-01`.
public enum HostsFileParser {
    /// The canonical (first) name of the first line naming `hostName`, when it is a dotted name; nil otherwise.
    /// What `hostname --fqdn` answers through the files source, without asking DNS, which may be slow or absent.
    public static func fullyQualifiedName(of hostName: String, in text: String) -> String? {
        let wanted = hostName.lowercased()
        for line in text.split(separator: "\n") {
            let content = line.prefix { $0 != "#" }
            let words = content.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { $0.lowercased() }
            guard words.count >= 2 else { continue }
            let names = words.dropFirst()
            guard names.contains(wanted) || names.contains(where: { $0.hasPrefix(wanted + ".") }) else { continue }
            if let canonical = names.first, canonical.contains("."), canonical.hasPrefix(wanted + ".") {
                return canonical
            }
        }
        return nil
    }
}
