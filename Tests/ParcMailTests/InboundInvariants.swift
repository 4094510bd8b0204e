import Testing

@testable import ParcMail

/// What must hold for any parsed message, however damaged its input.
enum InboundInvariants {
    static func check(_ message: InboundMessage, sourceLocation: SourceLocation = #_sourceLocation) {
        let body = message.body
        for text in [body.text, body.newText, body.markdown, body.newMarkdown] {
            #expect(
                !text.unicodeScalars.contains { InboundText.isControl($0) && $0 != "\n" && $0 != "\t" },
                "control character in body", sourceLocation: sourceLocation)
        }
        for markdown in [body.markdown, body.newMarkdown] {
            #expect(!markdown.contains("<"), "raw '<' in Markdown", sourceLocation: sourceLocation)
            #expect(
                !markdown.lowercased().contains("](javascript"), "script link in Markdown",
                sourceLocation: sourceLocation)
        }
        #expect(!message.subject.unicodeScalars.contains(where: InboundText.isControl), sourceLocation: sourceLocation)
        for mailbox in message.to + message.cc + message.replyTo + [message.from, message.sender].compactMap({ $0 }) {
            #expect(
                !(mailbox.displayName ?? "").unicodeScalars.contains(where: InboundText.isControl),
                sourceLocation: sourceLocation)
        }
        for attachment in message.attachments {
            let name = attachment.filename
            #expect(!name.isEmpty, sourceLocation: sourceLocation)
            #expect(name.utf8.count <= AttachmentFilename.maximumLength, sourceLocation: sourceLocation)
            #expect(!name.contains("/") && !name.contains("\\"), "path in \(name)", sourceLocation: sourceLocation)
            #expect(!name.hasPrefix("."), sourceLocation: sourceLocation)
            #expect(!name.unicodeScalars.contains(where: InboundText.isControl), sourceLocation: sourceLocation)
            #expect(attachment.size <= InboundMailLimits.default.maximumAttachmentSize, sourceLocation: sourceLocation)
        }
    }
}
