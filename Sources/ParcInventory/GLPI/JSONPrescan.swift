/// One pass over a JSON body's bytes, before any value is built, that enforces ``InventoryLimits`` (depth, entries
/// per array or object, values in total) and finds truncation and mismatched brackets with the path where they
/// happen. Grammar details (literals, numbers, escapes, commas) are left to the decoder that follows.
struct JSONPrescan {
    private struct Frame {
        var isArray: Bool
        /// Entries so far (array elements, object members).
        var count = 0
        /// Byte range of the current member's key, for paths.
        var keyStart = 0
        var keyEnd = 0
        /// In an object: the next string is a key.
        var awaitingKey = true
    }

    let limits: InventoryLimits

    /// Checks `bytes`, which hold no more than ``InventoryLimits/maxInputBytes``.
    func check(_ bytes: UnsafeRawBufferPointer) throws(InventoryFormatError) {
        var frames: [Frame] = []
        frames.reserveCapacity(16)
        var nodes = 0
        var index = 0
        let count = bytes.count
        var rootDone = false

        func path(_ frames: [Frame], includeLast: Bool = true) -> String {
            var text = "the document"
            var first = true
            for (position, frame) in frames.enumerated() {
                if position == frames.count - 1 && !includeLast { break }
                if frame.isArray {
                    if first { text = "" }
                    text += "[\(max(frame.count - 1, 0))]"
                } else if frame.keyEnd > frame.keyStart {
                    let key = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[frame.keyStart..<frame.keyEnd]), as: UTF8.self)
                    text = first ? key : text + "." + key
                } else {
                    break
                }
                first = false
            }
            return text
        }

        func startValue(_ frames: inout [Frame]) throws(InventoryFormatError) {
            nodes += 1
            if nodes > limits.maxNodes { throw .tooManyNodes(limit: limits.maxNodes) }
            guard !frames.isEmpty else {
                if rootDone {
                    throw .malformedJSON(path: "the document", detail: "more content after the end of the document")
                }
                return
            }
            let top = frames.count - 1
            if frames[top].isArray {
                frames[top].count += 1
                if frames[top].count > limits.maxEntriesPerSection {
                    throw .tooManyEntries(path: path(frames, includeLast: true).replacingLastIndex(), limit: limits.maxEntriesPerSection)
                }
            }
        }

        while index < count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"), UInt8(ascii: ","),
                UInt8(ascii: ":"):
                if byte == UInt8(ascii: ","), let top = frames.indices.last, !frames[top].isArray {
                    frames[top].awaitingKey = true
                }
                index += 1
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                try startValue(&frames)
                if frames.count >= limits.maxDepth {
                    throw .tooDeep(path: path(frames), limit: limits.maxDepth)
                }
                frames.append(Frame(isArray: byte == UInt8(ascii: "[")))
                index += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard let top = frames.last else {
                    throw .malformedJSON(path: "the document", detail: "a closing bracket without an opening one")
                }
                guard top.isArray == (byte == UInt8(ascii: "]")) else {
                    let expected = top.isArray ? "]" : "}"
                    let found = byte == UInt8(ascii: "]") ? "]" : "}"
                    throw .malformedJSON(path: path(frames), detail: "expected \(expected) but found \(found)")
                }
                frames.removeLast()
                if frames.isEmpty { rootDone = true }
                index += 1
            case UInt8(ascii: "\""):
                let start = index + 1
                var cursor = start
                while cursor < count {
                    let current = bytes[cursor]
                    if current == UInt8(ascii: "\"") { break }
                    cursor += current == UInt8(ascii: "\\") ? 2 : 1
                }
                guard cursor < count else { throw .truncatedJSON(path: path(frames)) }
                if let top = frames.indices.last, !frames[top].isArray, frames[top].awaitingKey {
                    frames[top].awaitingKey = false
                    frames[top].count += 1
                    frames[top].keyStart = start
                    frames[top].keyEnd = cursor
                    if frames[top].count > limits.maxEntriesPerSection {
                        throw .tooManyEntries(path: path(frames, includeLast: false), limit: limits.maxEntriesPerSection)
                    }
                } else {
                    try startValue(&frames)
                }
                index = cursor + 1
            default:
                // A number or a literal: skip to the next delimiter.
                try startValue(&frames)
                while index < count {
                    let current = bytes[index]
                    if current == UInt8(ascii: ",") || current == UInt8(ascii: "]") || current == UInt8(ascii: "}")
                        || current == UInt8(ascii: " ") || current == UInt8(ascii: "\n") || current == UInt8(ascii: "\r")
                        || current == UInt8(ascii: "\t") || current == UInt8(ascii: "\"") || current == UInt8(ascii: "{")
                        || current == UInt8(ascii: "[")
                    {
                        break
                    }
                    index += 1
                }
                if frames.isEmpty { rootDone = true }
            }
        }
        if !frames.isEmpty { throw .truncatedJSON(path: path(frames)) }
    }
}

extension String {
    /// `a.b[3]` → `a.b`: the path of a list rather than of its last element.
    fileprivate func replacingLastIndex() -> String {
        guard hasSuffix("]"), let open = lastIndex(of: "[") else { return self }
        return String(self[..<open])
    }
}
