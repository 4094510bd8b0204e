/// The header Parc puts on every mail it sends, so that mail coming back (an auto-forward, a misconfigured
/// alias, another Parc) is recognised as a loop by ``InboundMailClassifier``.
///
/// The value is the installation's instance identifier: a stable random token (for example a UUID stored in the
/// database), the same for every `parc serve` sharing a database, and not the host name (which changes and which
/// other software may use).
public enum ParcLoopHeader {
    /// `X-Parc-Loop`.
    public static let name = "X-Parc-Loop"

    /// Whether `instanceID` can be used: 1 to 64 ASCII letters, digits, `-`, `_` or `.`.
    public static func isValidInstanceID(_ instanceID: String) -> Bool {
        !instanceID.isEmpty && instanceID.utf8.count <= 64
            && instanceID.unicodeScalars.allSatisfy {
                MailAddress.isLetterOrDigit($0) || "-_.".unicodeScalars.contains($0)
            }
    }
}
