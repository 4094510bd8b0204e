/// The text of an inbound message, ready for a ticket or a followup.
///
/// Chosen from the MIME structure: `text/plain` when the message has it, otherwise `text/html` converted (see
/// ``source``). Every form has LF line breaks and no control characters other than tab. The Markdown forms are
/// inert: the sender's text is escaped character by character, and the only markup is what the conversion added
/// (quotations, hard line breaks, and for HTML lists, headings and links to `http`, `https` or `mailto`). Render
/// them with raw HTML disabled all the same.
public struct InboundBody: Sendable, Hashable {
    /// Where the text came from.
    public enum Source: String, Sendable, Hashable {
        /// One or more `text/plain` parts.
        case plainText
        /// At least one `text/html` part, converted (the message had no plain-text alternative for it).
        case html
        /// The message has no text: no text part (only attachments, or nothing), or only empty ones.
        case none
    }

    /// Where the text came from.
    public var source: Source
    /// The whole text, quotations included.
    public var text: String
    /// The whole text as inert Markdown.
    public var markdown: String
    /// The new part of a reply: without the quoted message, its attribution line (`On … wrote:`, `Le … a écrit :`)
    /// or Outlook header block, and without `>` quotations (the rules are in docs/mail-in.md). Equal to ``text``
    /// when there is nothing to strip, when the subject marks a forward, or when stripping would leave nothing.
    public var newText: String
    /// ``newText`` as inert Markdown.
    public var newMarkdown: String

    /// Creates a body.
    public init(source: Source, text: String, markdown: String, newText: String, newMarkdown: String) {
        self.source = source
        self.text = text
        self.markdown = markdown
        self.newText = newText
        self.newMarkdown = newMarkdown
    }

    /// An empty body.
    public static let empty = InboundBody(source: .none, text: "", markdown: "", newText: "", newMarkdown: "")

    /// Whether a reply's quotation was removed from ``newText``.
    public var hasQuotedReply: Bool { newText != text }
}
