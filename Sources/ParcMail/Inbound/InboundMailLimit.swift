/// One of the limits an inbound message is checked against; named in every ``InboundMailError`` that refuses a message.
public enum InboundMailLimit: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// ``InboundMailLimits/maximumMessageSize``.
    case messageSize
    /// ``InboundMailLimits/maximumHeaderFields``.
    case headerFields
    /// ``InboundMailLimits/maximumHeaderFieldLength``.
    case headerFieldLength
    /// ``InboundMailLimits/maximumParts``.
    case parts
    /// ``InboundMailLimits/maximumNestingDepth``.
    case nestingDepth
    /// ``InboundMailLimits/maximumAttachmentSize``.
    case attachmentSize

    /// The name of the setting, as an administrator would look it up in the documentation.
    public var description: String {
        switch self {
        case .messageSize: "maximum message size"
        case .headerFields: "maximum number of header fields"
        case .headerFieldLength: "maximum header field length"
        case .parts: "maximum number of MIME parts"
        case .nestingDepth: "maximum multipart nesting depth"
        case .attachmentSize: "maximum attachment size"
        }
    }
}
