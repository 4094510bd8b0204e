import Foundation
import ParcMail

/// How Parc sends mail: the relay and the sender address, from `--smtp-url` and `--mail-from`.
///
/// The URL names the security by its scheme: `smtp://` (plain, for a relay on loopback),
/// `smtp+starttls://` (submission, port 587 by default) or `smtps://` (implicit TLS, 465);
/// user and password in the URL (percent-encoded); `?ca=/path/ca.pem` trusts a private CA.
public struct MailSettings: Sendable {
    public var smtp: SMTPConfiguration
    public var from: MailAddress

    public init(smtp: SMTPConfiguration, from: MailAddress) {
        self.smtp = smtp
        self.from = from
    }

    public static func parse(url text: String, from: String, heloName: String) throws -> MailSettings {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), let host = url.host,
              !host.isEmpty else {
            throw ParcStartupError("The SMTP URL must look like smtp+starttls://user:password@mail.example.org:587.")
        }
        let security: SMTPConfiguration.Security
        switch scheme {
        case "smtp": security = .none
        case "smtp+starttls": security = .startTLS
        case "smtps": security = .tls
        default:
            throw ParcStartupError("Unknown SMTP URL scheme '\(scheme)'; use smtp://, smtp+starttls:// or smtps://.")
        }
        var tls = SMTPConfiguration.TLSOptions()
        for item in url.queryItems ?? [] {
            switch item.name {
            case "ca": tls.trustedCAFile = item.value
            case "insecure" where item.value == "1": tls.certificateVerification = .insecureNoVerification
            default: throw ParcStartupError("Unknown SMTP URL option '\(item.name)'; known: ca, insecure=1.")
            }
        }
        let credentials = url.user.map {
            SMTPConfiguration.Credentials(username: $0.removingPercentEncoding ?? $0,
                                          password: url.password?.removingPercentEncoding ?? url.password ?? "")
        }
        let sender = MailAddress(from)
        do { try sender.validate() } catch {
            throw ParcStartupError("The sender address '\(from)' is not valid: \(error). Give one like parc@example.org.")
        }
        let configuration = SMTPConfiguration(
            host: host, port: url.port, security: security, tls: tls, credentials: credentials,
            allowsAuthenticationWithoutTLS: security == .none && (host == "127.0.0.1" || host == "localhost" || host == "::1"),
            heloName: heloName)
        return MailSettings(smtp: configuration, from: sender)
    }
}
