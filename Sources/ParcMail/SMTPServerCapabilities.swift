/// The SMTP extensions a server advertised in its EHLO reply (RFC 5321 section 4.1.1.1).
struct SMTPServerCapabilities: Equatable {
    /// Extension keywords in upper case, mapped to their parameters.
    private(set) var extensions: [String: [String]] = [:]

    /// No extensions: what a server answering only HELO offers.
    init() {}

    /// Parses an EHLO reply; the first line is the server's name, each following line one extension.
    init(ehloReply: SMTPReply) {
        for line in ehloReply.lines.dropFirst() {
            var words = line.split(separator: " ").map(String.init)
            guard !words.isEmpty else {
                continue
            }
            var keyword = words.removeFirst().uppercased()
            // Some servers still send the pre-standard "AUTH=PLAIN LOGIN" form.
            if keyword.hasPrefix("AUTH=") {
                words.insert(String(keyword.dropFirst(5)), at: 0)
                keyword = "AUTH"
            }
            extensions[keyword, default: []] += words
        }
    }

    var supportsStartTLS: Bool {
        extensions["STARTTLS"] != nil
    }

    /// SASL mechanisms offered with AUTH, upper case.
    var authenticationMechanisms: [String] {
        (extensions["AUTH"] ?? []).map { $0.uppercased() }
    }

    /// The SIZE limit in bytes, or nil when none is declared (absent or 0).
    var maximumMessageSize: Int? {
        guard let value = extensions["SIZE"]?.first, let size = Int(value), size > 0 else {
            return nil
        }
        return size
    }
}
