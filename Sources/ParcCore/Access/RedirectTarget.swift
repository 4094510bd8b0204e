import Foundation

/// Where the application may send a browser back to after sign-in or a preference change.
public enum RedirectTarget {
    /// The path itself when it is a local path of this site, else `/` (no open redirect).
    ///
    /// Printable ASCII only: browsers drop tabs and line breaks from `Location`, which would turn
    /// "/<TAB>/evil.example" into "//evil.example".
    public static func localPath(_ next: String?) -> String {
        guard let next, next.count < 500, next.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f }),
              next.hasPrefix("/"), !next.hasPrefix("//"), !next.hasPrefix("/\\"),
              let components = URLComponents(string: next), components.scheme == nil, components.host == nil
        else { return "/" }
        return next
    }
}
