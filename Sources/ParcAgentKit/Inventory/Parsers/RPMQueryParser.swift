/// The query the RPM collector runs, `rpm -qa --queryformat …`, and the parser of what it prints: one line per
/// package, fields separated by tabs, the summary last (it is free text). rpm writes `(none)` for an empty field.
public enum RPMQueryParser {
    /// The `--queryformat` argument: rpm itself turns `\t` and `\n` into a tab and a new line.
    public static let queryFormat =
        #"%{NAME}\t%{ARCH}\t%{VERSION}-%{RELEASE}\t%{INSTALLTIME}\t%{SIZE}\t%{VENDOR}\t%{GROUP}\t%{SUMMARY}\n"#

    /// An installed package.
    public struct Package: Sendable, Equatable {
        /// `bash`.
        public var name: String
        /// `x86_64`, `noarch`.
        public var architecture: String?
        /// `5.2.26-3.fc40`.
        public var version: String?
        /// Installation time, seconds since 1970 (UTC).
        public var installTime: Int?
        /// Installed size in bytes.
        public var sizeBytes: Int?
        /// `Fedora Project`, `Red Hat, Inc.`.
        public var vendor: String?
        /// `System Environment/Base`; `Unspecified` on recent Fedora.
        public var group: String?
        /// One-line description.
        public var summary: String?
    }

    /// The packages, in output order. Lines with too few fields and the `gpg-pubkey` entries (the keys rpm
    /// trusts, listed as packages) are left out.
    public static func parse(_ text: String) -> [Package] {
        var packages: [Package] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t", maxSplits: 7, omittingEmptySubsequences: false)
            guard fields.count >= 7, let name = value(fields[0]), name != "gpg-pubkey" else { continue }
            packages.append(
                Package(
                    name: name, architecture: value(fields[1]), version: value(fields[2]),
                    installTime: InventoryText.integer(value(fields[3])), sizeBytes: InventoryText.integer(value(fields[4])),
                    vendor: value(fields[5]), group: value(fields[6]), summary: fields.count > 7 ? value(fields[7]) : nil))
        }
        return packages
    }

    /// The field cleaned, nil for `(none)`.
    static func value(_ field: Substring) -> String? {
        guard let text = InventoryText.clean(field), text != "(none)" else { return nil }
        return text
    }
}
