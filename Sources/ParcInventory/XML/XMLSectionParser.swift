import Foundation

/// An element of an XML inventory section: name, text and child elements; attributes are never used by the
/// format and are ignored.
struct XMLNode {
    var name: String
    var text = ""
    var children: [XMLNode] = []

    init(name: String) {
        self.name = name
    }

    /// The first child called `name`.
    func child(_ name: String) -> XMLNode? {
        children.first { $0.name == name }
    }

    /// The trimmed text of the first child called `name`; nil when absent or blank.
    func value(_ name: String) -> String? {
        // By index: iterating the elements would copy (retain and release) each child on the way.
        for index in children.indices where children[index].name == name {
            return InventoryValues.trimmed(children[index].text)
        }
        return nil
    }

    /// The trimmed texts of every child called `name`.
    func values(_ name: String) -> [String] {
        children.compactMap { $0.name == name ? InventoryValues.trimmed($0.text) : nil }
    }
}

/// Reads an agent's `<REQUEST>` with ``XMLScanner`` and hands each element under `<CONTENT>` to `section`, as a
/// small tree, as soon as it ends: memory stays proportional to the largest section entry, not to the document.
/// Sections `wanted` does not accept are skipped without keeping their names or text.
///
/// Safety: a body with a document type declaration is refused before parsing (``InventoryFormatError/documentTypeDeclaration``),
/// and the scanner refuses one too, so no entity can be declared, expanded or fetched; depth, element count,
/// children per element and kept text length are checked as the scan goes, and it stops at the first violation.
///
/// A struct, not a class: the scanner owns it while it reads, so its state is accessed without Swift's dynamic
/// exclusivity checks (a class's stored properties pay one per access, ten thousand elements times several).
struct XMLSectionParser: XMLScanHandler {
    /// What REQUEST holds besides CONTENT.
    private(set) var deviceID: String?
    private(set) var query: String?
    private(set) var token: String?
    /// Names of CONTENT children that were skipped, as found.
    private(set) var skippedSections: [String] = []
    /// The events of the deferred section's entries, in order (decision 0082).
    private(set) var deferredEvents = XMLEventLog()
    /// How many entries of the deferred section were logged.
    private(set) var deferredEntries = 0

    private let limits: InventoryLimits
    private let wanted: (String) -> Bool
    private let section: (XMLNode, _ position: Int) throws(InventoryFormatError) -> Void
    /// The CONTENT child whose entries are logged as events instead of built (read later, if at all).
    private let deferred: String?
    /// True inside an entry of the deferred section.
    private var deferring = false
    /// Where the open elements below the deferred entry start in ``deferredEvents``, for messages.
    private var deferredOpen: [Int] = []

    private var depth = 0
    private var nodeCount = 0
    private var skipFromDepth: Int?
    private var stack: [XMLNode] = []
    /// The text of the innermost open element while it has no child element, as UTF-8.
    private var text: [UInt8] = []
    /// True while the innermost open element is kept and has no child element yet: its text is collected.
    private var collecting = false
    /// Element names from the root to the current element down to a section (depth 3), for messages; deeper names
    /// are those of `stack`.
    private var names: [String] = []
    private var sectionPositions: [String: Int] = [:]
    private var currentSectionPosition = 0
    private var rootClosed = false
    private var inContent = false

    /// With `deferring`, the entries of that CONTENT child are not built nor handed to `section`: their events go
    /// to ``deferredEvents``. The limits on depth, element count and entries per section still apply as the scan
    /// goes; the others (children per element, text length, empty entries) apply when the log is read.
    init(
        limits: InventoryLimits, wanted: @escaping (String) -> Bool, deferring deferred: String? = nil,
        section: @escaping (XMLNode, Int) throws(InventoryFormatError) -> Void
    ) {
        self.limits = limits
        self.wanted = wanted
        self.deferred = deferred
        self.section = section
        text.reserveCapacity(256)
    }

    /// Parses `data`; throws the first problem found.
    mutating func parse(_ data: Data) throws(InventoryFormatError) {
        guard data.count <= limits.maxInputBytes else {
            throw .tooLarge(bytes: data.count, limit: limits.maxInputBytes)
        }
        try Self.precheck(data)
        let body = try XMLEncoding.utf8(data, limit: limits.maxInputBytes) ?? data
        // The programs are most of an inventory: one allocation for their log instead of a dozen growths.
        if deferred != nil { deferredEvents.reserve(body.count) }
        self = try body.withScannableBytes { (raw) throws(InventoryFormatError) in
            var scanner = XMLScanner(raw, handler: self)
            try scanner.scan()
            return scanner.handler
        }
    }

    /// Refuses empty bodies, bodies that are not XML, and any `<!DOCTYPE` or `<!ENTITY`.
    static func precheck(_ data: Data) throws(InventoryFormatError) {
        let failure: InventoryFormatError? = data.withUnsafeBytes { bytes in
            var index = 0
            if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
            while index < bytes.count, InventoryValues.isBlank(bytes[index]) { index += 1 }
            guard index < bytes.count else { return .empty }
            guard bytes[index] == UInt8(ascii: "<") else {
                return .unknownFormat(start: InventoryFormat.preview(bytes, from: index))
            }
            // "<!" starts a comment, a CDATA section or a declaration; only declarations are refused.
            guard let base = bytes.baseAddress else { return nil }
            var cursor = index
            while cursor < bytes.count,
                let found = memchr(base + cursor, Int32(UInt8(ascii: "!")), bytes.count - cursor)
            {
                let bang = base.distance(to: UnsafeRawPointer(found))
                cursor = bang + 1
                guard bang > 0, bytes[bang - 1] == UInt8(ascii: "<") else { continue }
                let rest = bytes[cursor..<min(bytes.count, cursor + 8)]
                if rest.starts(with: "--".utf8) || rest.starts(with: "[CDATA[".utf8) { continue }
                let word = String(decoding: rest, as: UTF8.self).uppercased()
                if word.hasPrefix("DOCTYPE") || word.hasPrefix("ENTITY") || word.hasPrefix("ELEMENT")
                    || word.hasPrefix("ATTLIST") || word.hasPrefix("NOTATION")
                {
                    return .documentTypeDeclaration
                }
            }
            return nil
        }
        if let failure { throw failure }
    }

    /// `REQUEST/CONTENT/SOFTWARES[41]/NAME`.
    func currentPath() -> String {
        var parts: [String] = []
        for (index, name) in names.enumerated() {
            if index == 2 && inContent {
                parts.append(name + "[\(currentSectionPosition)]")
            } else {
                parts.append(name)
            }
        }
        if deferring {
            parts += deferredOpen.map { deferredEvents.name(at: $0) }
        } else if skipFromDepth == nil {
            parts += stack.dropFirst().map(\.name)
        }
        return parts.isEmpty ? "the document" : parts.joined(separator: "/")
    }

    // MARK: XMLScanHandler

    mutating func startElement(_ name: UnsafeRawBufferPointer) throws(InventoryFormatError) {
        depth += 1
        nodeCount += 1
        if depth <= 3 { names.append(String(decoding: name, as: UTF8.self)) }
        if nodeCount > limits.maxNodes { throw .tooManyNodes(limit: limits.maxNodes) }
        if depth > limits.maxDepth { throw .tooDeep(path: currentPath(), limit: limits.maxDepth) }
        if skipFromDepth != nil { return }
        if deferring {
            deferredOpen.append(deferredEvents.bytes.count)
            deferredEvents.start(name)
            return
        }
        switch depth {
        case 1:
            if rootClosed || !Self.equals(name, "REQUEST") { throw .unexpectedRoot(found: names[0]) }
        case 2:
            if Self.equals(name, "CONTENT") {
                inContent = true
            } else if Self.equals(name, "DEVICEID") || Self.equals(name, "QUERY") || Self.equals(name, "TOKEN") {
                stack = [XMLNode(name: names[1])]
                if !text.isEmpty { text.removeAll(keepingCapacity: true) }
                collecting = true
            } else {
                skipFromDepth = depth
            }
        case 3 where inContent && names[1] == "CONTENT":
            let elementName = names[2]
            let position = (sectionPositions[elementName] ?? 0) + 1
            sectionPositions[elementName] = position
            currentSectionPosition = position
            if position > limits.maxEntriesPerSection {
                throw .tooManyEntries(path: "REQUEST/CONTENT/" + elementName, limit: limits.maxEntriesPerSection)
            }
            if let deferred, elementName == deferred {
                deferring = true
                deferredEntries += 1
                deferredEvents.start(name)
            } else if wanted(elementName) {
                stack = [XMLNode(name: elementName)]
                if !text.isEmpty { text.removeAll(keepingCapacity: true) }
                collecting = true
            } else {
                if position == 1 { skippedSections.append(elementName) }
                skipFromDepth = depth
            }
        default:
            guard !stack.isEmpty else {
                skipFromDepth = depth
                return
            }
            let parent = stack.count - 1
            if stack[parent].children.count >= limits.maxEntriesPerSection {
                throw .tooManyEntries(path: currentPath(), limit: limits.maxEntriesPerSection)
            }
            // The parent has a child now: its text, if any, is dropped (the formats hold text in leaves only).
            if !text.isEmpty { text.removeAll(keepingCapacity: true) }
            stack.append(XMLNode(name: String(decoding: name, as: UTF8.self)))
            collecting = true
        }
    }

    mutating func endElement() throws(InventoryFormatError) {
        defer {
            if depth <= 3 { names.removeLast() }
            depth -= 1
        }
        if let skip = skipFromDepth {
            if depth == skip { skipFromDepth = nil }
            return
        }
        if deferring {
            deferredEvents.end()
            if depth == 3 {
                deferring = false
            } else {
                deferredOpen.removeLast()
            }
            return
        }
        if depth == 1 {
            rootClosed = true
            return
        }
        if depth == 2 && names[1] == "CONTENT" {
            inContent = false
            return
        }
        guard var node = stack.popLast() else { return }
        if node.children.isEmpty {
            node.text = String(decoding: text, as: UTF8.self)
        }
        if !text.isEmpty { text.removeAll(keepingCapacity: true) }
        collecting = false
        if !stack.isEmpty {
            let parent = stack.count - 1
            // A section entry holds ten fields or so: one allocation, not five growths.
            if stack[parent].children.isEmpty { stack[parent].children.reserveCapacity(16) }
            stack[parent].children.append(node)
            return
        }
        if depth == 2 {
            let value = InventoryValues.trimmed(node.text)
            switch node.name {
            case "DEVICEID": deviceID = deviceID ?? value
            case "QUERY": query = query ?? value
            default: token = token ?? value
            }
            return
        }
        try section(node, currentSectionPosition)
    }

    mutating func characters(_ bytes: UnsafeRawBufferPointer) throws(InventoryFormatError) {
        if deferring {
            deferredEvents.text(bytes)
            return
        }
        guard collecting, skipFromDepth == nil else { return }
        if text.count + bytes.count > limits.maxStringBytes {
            throw .stringTooLong(path: currentPath(), limit: limits.maxStringBytes)
        }
        text.append(contentsOf: bytes)
    }

    @inline(__always)
    private static func equals(_ bytes: UnsafeRawBufferPointer, _ name: StaticString) -> Bool {
        bytes.count == name.utf8CodeUnitCount && memcmp(bytes.baseAddress!, name.utf8Start, bytes.count) == 0
    }
}
