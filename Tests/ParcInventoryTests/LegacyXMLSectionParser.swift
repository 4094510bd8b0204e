import Foundation
import FoundationXML

@testable import ParcInventory

// The XML section parser Parc used before decision 0045 (Foundation's XMLParser), kept in the tests only to check
// that the byte-level scanner gives the same reports on every fixture; the golden files it wrote then remain.

/// Streams an agent's `<REQUEST>` through Foundation's XMLParser (libxml2's SAX interface) and hands each element
/// under `<CONTENT>` to `section`, as a small tree, as soon as it ends: memory stays proportional to the largest
/// section entry, not to the document. Sections `wanted` does not accept are skipped without keeping their text.
///
/// Safety: a body with a document type declaration is refused before parsing (``InventoryFormatError/documentTypeDeclaration``),
/// so no entity can be declared, expanded or fetched (the parser's external entity policy is `never` as well);
/// depth, element count, children per element and kept text length are checked as the parse goes, and the parse
/// stops at the first violation or libxml2 error.
final class LegacyXMLSectionParser: NSObject, XMLParserDelegate {
    /// What REQUEST holds besides CONTENT.
    private(set) var deviceID: String?
    private(set) var query: String?
    private(set) var token: String?
    /// Names of CONTENT children that were skipped, as found.
    private(set) var skippedSections: [String] = []

    private let limits: InventoryLimits
    private let wanted: (String) -> Bool
    private let section: (ParcInventory.XMLNode, _ position: Int) throws(InventoryFormatError) -> Void

    private var failure: InventoryFormatError?
    private var depth = 0
    private var nodeCount = 0
    private var skipFromDepth: Int?
    private var stack: [ParcInventory.XMLNode] = []
    /// Element names from the root to the current element down to a section (depth 3), for messages; deeper names
    /// are those of `stack`.
    private var names: [String] = []
    private var sectionPositions: [String: Int] = [:]
    private var currentSectionPosition = 0
    private var rootClosed = false
    private var inContent = false
    /// The running parser, to abort it; strong (a weak reference would put both objects on the slow reference
    /// counting path) and cleared when the parse ends.
    private var parser: XMLParser?

    init(
        limits: InventoryLimits, wanted: @escaping (String) -> Bool,
        section: @escaping (ParcInventory.XMLNode, Int) throws(InventoryFormatError) -> Void
    ) {
        self.limits = limits
        self.wanted = wanted
        self.section = section
    }

    /// Parses `data`; throws the first problem found.
    func parse(_ data: Data) throws(InventoryFormatError) {
        guard data.count <= limits.maxInputBytes else {
            throw .tooLarge(bytes: data.count, limit: limits.maxInputBytes)
        }
        try XMLSectionParser.precheck(data)
        // Fed in chunks (the stream reader's 128 KiB): libxml2 refuses more than 10 MB of pending input in one
        // push ("huge input lookup"), which one `XMLParser(data:)` chunk of a large body would be.
        let parser = XMLParser(stream: InputStream(data: data))
        parser.shouldResolveExternalEntities = false
        parser.externalEntityResolvingPolicy = .never
        parser.shouldProcessNamespaces = false
        parser.shouldReportNamespacePrefixes = false
        parser.delegate = self
        self.parser = parser
        let succeeded = parser.parse()
        self.parser = nil
        if let failure { throw failure }
        guard succeeded, rootClosed else {
            // libxml2 in recovery mode may end without reporting a fatal error: still refuse the body.
            throw .malformedXML(
                line: max(parser.lineNumber, 1), column: max(parser.columnNumber, 1), path: currentPath(),
                detail: "the document ends before its root element is closed")
        }
    }

    // MARK: Failing

    private func fail(_ error: InventoryFormatError) {
        guard failure == nil else { return }
        failure = error
        parser?.abortParsing()
    }

    /// `REQUEST/CONTENT/SOFTWARES[41]/NAME`.
    private func currentPath() -> String {
        var parts: [String] = []
        for (index, name) in names.enumerated() {
            if index == 2 && inContent {
                parts.append(name + "[\(currentSectionPosition)]")
            } else {
                parts.append(name)
            }
        }
        if skipFromDepth == nil { parts += stack.dropFirst().map(\.name) }
        return parts.isEmpty ? "the document" : parts.joined(separator: "/")
    }

    // MARK: XMLParserDelegate

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
        attributes attributeDict: [String: String] = [:]
    ) {
        guard failure == nil else { return }
        depth += 1
        if depth <= 3 { names.append(elementName) }
        nodeCount += 1
        if nodeCount > limits.maxNodes { return fail(.tooManyNodes(limit: limits.maxNodes)) }
        if depth > limits.maxDepth { return fail(.tooDeep(path: currentPath(), limit: limits.maxDepth)) }
        if skipFromDepth != nil { return }
        switch depth {
        case 1:
            guard elementName == "REQUEST" else { return fail(.unexpectedRoot(found: elementName)) }
            if rootClosed { return fail(.unexpectedRoot(found: elementName)) }
        case 2:
            if elementName == "CONTENT" {
                inContent = true
            } else if elementName == "DEVICEID" || elementName == "QUERY" || elementName == "TOKEN" {
                stack = [ParcInventory.XMLNode(name: elementName)]
            } else {
                skipFromDepth = depth
            }
        case 3 where inContent && names[1] == "CONTENT":
            let position = (sectionPositions[elementName] ?? 0) + 1
            sectionPositions[elementName] = position
            currentSectionPosition = position
            if position > limits.maxEntriesPerSection {
                return fail(
                    .tooManyEntries(path: "REQUEST/CONTENT/" + elementName, limit: limits.maxEntriesPerSection))
            }
            if wanted(elementName) {
                stack = [ParcInventory.XMLNode(name: elementName)]
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
            if stack[parent].children.isEmpty { stack[parent].text = "" }
            if stack[parent].children.count >= limits.maxEntriesPerSection {
                return fail(.tooManyEntries(path: currentPath(), limit: limits.maxEntriesPerSection))
            }
            stack.append(ParcInventory.XMLNode(name: elementName))
        }
    }

    func parser(
        _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?
    ) {
        guard failure == nil else { return }
        defer {
            if depth <= 3 { names.removeLast() }
            depth -= 1
        }
        if let skip = skipFromDepth {
            if depth == skip { skipFromDepth = nil }
            return
        }
        if depth == 1 {
            rootClosed = true
            return
        }
        if depth == 2 && elementName == "CONTENT" {
            inContent = false
            return
        }
        guard let node = stack.popLast() else { return }
        if !stack.isEmpty {
            stack[stack.count - 1].children.append(node)
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
        do throws(InventoryFormatError) {
            try section(node, currentSectionPosition)
        } catch {
            fail(error)
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        append(string)
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        append(String(decoding: CDATABlock, as: UTF8.self))
    }

    private func append(_ string: String) {
        guard failure == nil, skipFromDepth == nil, !stack.isEmpty else { return }
        let top = stack.count - 1
        guard stack[top].children.isEmpty else { return }
        if stack[top].text.utf8.count + string.utf8.count > limits.maxStringBytes {
            return fail(.stringTooLong(path: currentPath(), limit: limits.maxStringBytes))
        }
        stack[top].text += string
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        let code = (parseError as NSError).code
        fail(
            .malformedXML(
                line: max(parser.lineNumber, 1), column: max(parser.columnNumber, 1), path: currentPath(),
                detail: Self.describe(libxml2Code: code)))
    }

    func parser(_ parser: XMLParser, foundInternalEntityDeclarationWithName name: String, value: String?) {
        fail(.documentTypeDeclaration)
    }

    func parser(
        _ parser: XMLParser, foundExternalEntityDeclarationWithName name: String, publicID: String?, systemID: String?
    ) {
        fail(.documentTypeDeclaration)
    }

    /// Called for every entity reference libxml2 does not know: never resolve one, so libxml2 reports it as
    /// undeclared.
    func parser(_ parser: XMLParser, resolveExternalEntityName name: String, systemID: String?) -> Data? {
        nil
    }

    /// A readable reason for the libxml2 error codes bodies hit (xmlerror.h).
    static func describe(libxml2Code code: Int) -> String {
        switch code {
        case 4: "the document is empty or does not start with an element"
        case 5, 86: "extra content after the root element"
        case 9: "a character that is not allowed in XML, or bytes that are not UTF-8"
        case 22, 23: "an unescaped & or a malformed entity reference"
        case 26: "an entity that is not declared (only &amp; &lt; &gt; &quot; &apos; and character references exist)"
        case 38, 39, 40, 41: "a malformed attribute"
        case 64: "an XML declaration that is not at the very start"
        case 68: "a malformed tag name"
        case 73: "a tag is not closed (> expected); was the body cut short?"
        case 76: "an end tag does not match its start tag"
        case 77, 85: "the document ends inside an element: it was cut short"
        case 89: "an entity refers to itself"
        default: "libxml2 error \(code)"
        }
    }
}


enum LegacyInventoryXML {
    static func readRequest(_ data: Data, limits: InventoryLimits = .default) throws(InventoryFormatError)
        -> AgentXMLRequest
    {
        var builder = XMLReportBuilder()
        let parser = LegacyXMLSectionParser(
            limits: limits, wanted: { XMLReportBuilder.wanted.contains($0) },
            section: { (node: ParcInventory.XMLNode, position: Int) throws(InventoryFormatError) in
                try builder.add(node, position: position)
            })
        try parser.parse(data)
        guard let rawQuery = parser.query else { throw .missingQuery }
        let query = rawQuery.uppercased()
        switch query {
        case "PROLOG":
            guard let deviceID = parser.deviceID else { throw .missingField(path: "REQUEST/DEVICEID") }
            return .prolog(PrologRequest(deviceID: deviceID, token: parser.token))
        case "INVENTORY", "SNMPQUERY", "SNMP", "NETDISCOVERY":
            guard let deviceID = parser.deviceID else { throw .missingField(path: "REQUEST/DEVICEID") }
            return .inventory(builder.finish(deviceID: deviceID, query: query, skipped: parser.skippedSections))
        default:
            throw .unsupportedQuery(rawQuery)
        }
    }
}
