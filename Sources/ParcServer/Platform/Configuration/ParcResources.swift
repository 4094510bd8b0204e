import Foundation

/// Files shipped inside the binary's resource bundle (views, static files, translations), so that
/// `parc serve` works from any working directory.
enum ParcResources {
    /// Root folder of the bundled resources.
    static var root: URL {
        Bundle.module.resourceURL ?? Bundle.module.bundleURL
    }

    static func url(_ relativePath: String) -> URL? {
        let url = root.appendingPathComponent(relativePath)
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    static var viewsDirectory: String { root.appendingPathComponent("Views").path + "/" }
    static var publicDirectory: String { root.appendingPathComponent("Public").path + "/" }
}
