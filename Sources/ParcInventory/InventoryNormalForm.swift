/// The readers' normalisation rules for values that others produce, so that Parc's agent writes what a reader
/// would have made of it, and its reports read back equal.
public enum InventoryNormalForm {
    /// `text` without leading and trailing white space or control characters; nil when nothing is left: how every
    /// reader stores a string.
    public static func text(_ text: String?) -> String? {
        InventoryValues.trimmed(text)
    }
}
