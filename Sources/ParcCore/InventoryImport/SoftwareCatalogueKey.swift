import Foundation

/// The identity of one program in the catalogue that every asset shares: its name and its publisher, each folded
/// (``fold(_:)``), so that `Mozilla Firefox` from one agent and `mozilla  firefox` from another are one entry.
///
/// **The publisher is part of the identity**, as GLPI keys its software on name and manufacturer: two programs may
/// share a name (`Studio` by two makers), and the same package built by two distributions (Fedora Project, RPM
/// Fusion) stays apart, as GLPI keeps it. A program without a publisher has the empty publisher, so it is one entry
/// whatever agents omit it. Where agents write one publisher several ways (`Microsoft Corporation`, `Microsoft`), a
/// ``SoftwareDictionary`` rule renames the publisher and the entries merge. The version is not part of the key: it
/// belongs to the installation.
public struct SoftwareCatalogueKey: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The folded name.
    public let name: String
    /// The folded publisher; empty when there is none.
    public let publisher: String

    /// The key of a program with this name and publisher, as reported or as a dictionary renamed them.
    public init(name: String, publisher: String?) {
        self.name = Self.fold(name)
        self.publisher = publisher.map(Self.fold) ?? ""
    }

    /// `name|publisher`.
    public var description: String { name + "|" + publisher }

    /// By name, then publisher.
    public static func < (lhs: SoftwareCatalogueKey, rhs: SoftwareCatalogueKey) -> Bool {
        (lhs.name, lhs.publisher) < (rhs.name, rhs.publisher)
    }

    /// `text` lower-cased (Unicode, locale-independent), in Unicode canonical composition (NFC, so `é` typed either
    /// way is the same), with every run of white space and control characters made one space and none at either
    /// end: `"  Mozilla\tFIREFOX \u{0}(x64)"` → `"mozilla firefox (x64)"`.
    public static func fold(_ text: String) -> String {
        var ascii = true
        for byte in text.utf8 where byte >= 0x80 {
            ascii = false
            break
        }
        return ascii ? foldASCII(text) : foldUnicode(text)
    }

    static func foldASCII(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for byte in text.utf8 {
            if byte <= 0x20 || byte == 0x7F {
                pendingSpace = !output.isEmpty
                continue
            }
            if pendingSpace {
                output.append(0x20)
                pendingSpace = false
            }
            output.append(byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte)
        }
        return String(decoding: output, as: UTF8.self)
    }

    static func foldUnicode(_ text: String) -> String {
        var output = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.lowercased().precomposedStringWithCanonicalMapping.unicodeScalars {
            if scalar.properties.isWhitespace || scalar.properties.generalCategory == .control {
                pendingSpace = !output.isEmpty
                continue
            }
            if pendingSpace {
                output.append(" ")
                pendingSpace = false
            }
            output.append(scalar)
        }
        return String(output)
    }
}
