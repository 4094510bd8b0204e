/// Reads `/etc/resolv.conf` (resolv.conf(5)).
public enum ResolvConfParser {
    /// The name servers, in order, each once; comments (`#`, `;`) skipped.
    public static func nameServers(_ text: String) -> [String] {
        var servers: [String] = []
        for line in text.split(separator: "\n") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.count >= 2, words[0] == "nameserver" else { continue }
            let server = String(words[1])
            if !servers.contains(server) { servers.append(server) }
        }
        return servers
    }
}
