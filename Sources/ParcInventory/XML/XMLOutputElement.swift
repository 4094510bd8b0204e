import ParcCore

/// An element to write: a name, and text or child elements. Children are written sorted by name, repeated elements
/// in the order added: the order FusionInventory writes (XML::TreePP sorts keys), whatever order they were built in.
struct XMLOutputElement {
    var name: String
    /// The text, escaped (``XMLText/escape(_:)``) when the element was made.
    private(set) var escapedText = ""
    var children: [XMLOutputElement] = []

    init(_ name: String, text: String = "") {
        self.name = name
        escapedText = XMLText.escape(text)
    }

    init(_ name: String, children: [XMLOutputElement]) {
        self.name = name
        self.children = children
    }

    /// Adds `<name>value</name>` unless the value is nil or would read as nothing: blank once the characters XML
    /// cannot hold are dropped and the readers' trimming is done.
    mutating func add(_ name: String, _ value: String?) {
        guard let value, InventoryValues.trimmed(value) != nil else { return }
        let element = XMLOutputElement(name, text: value)
        if InventoryValues.trimmed(element.escapedText) != nil { children.append(element) }
    }

    mutating func add(_ name: String, _ value: Int?) {
        guard let value else { return }
        children.append(XMLOutputElement(name, text: String(value)))
    }

    /// `1` or `0`, as FusionInventory writes booleans.
    mutating func add(_ name: String, _ value: Bool?) {
        guard let value else { return }
        children.append(XMLOutputElement(name, text: value ? "1" : "0"))
    }

    /// Adds `element` unless it holds no child element.
    mutating func add(_ element: XMLOutputElement) {
        if !element.children.isEmpty { children.append(element) }
    }

    /// Appends the element, indented by `depth` levels of two spaces and one element a line when `indent` is true.
    func write(to output: inout String, depth: Int, indent: Bool) {
        let margin = indent ? String(repeating: "  ", count: depth) : ""
        output += margin + "<" + name + ">"
        if children.isEmpty {
            output += escapedText
        } else {
            if indent { output += "\n" }
            let sorted = children.enumerated().sorted { ($0.element.name, $0.offset) < ($1.element.name, $1.offset) }
            for (_, child) in sorted { child.write(to: &output, depth: depth + 1, indent: indent) }
            output += margin
        }
        output += "</" + name + ">"
        if indent { output += "\n" }
    }
}
