/// Where in the SMTP conversation something went wrong; named in error messages.
enum SMTPSessionStage: Sendable {
    case connecting
    case greeting
    case hello
    case startTLS
    case authentication
    case mailFrom
    case recipients
    case data

    var phrase: String {
        switch self {
        case .connecting: "while connecting"
        case .greeting: "while waiting for the server greeting (and TLS handshake, for implicit TLS)"
        case .hello: "during EHLO/HELO"
        case .startTLS: "during STARTTLS and the TLS handshake"
        case .authentication: "during authentication"
        case .mailFrom: "during MAIL FROM"
        case .recipients: "during RCPT TO"
        case .data: "while sending the message data"
        }
    }
}
