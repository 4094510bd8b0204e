import Foundation
import Fluent
import ParcCore
import Vapor

/// The HTML page shown to browsers for an error.
enum ErrorPage {
    struct Context: Encodable {
        let lang: String
        let status: Int
        let title: String
        let message: String
        let theme: String
    }

    static func render(status: HTTPResponseStatus, code: String, message: String, for request: Request) async -> Response {
        let key = "error.\(status.code)"
        var title = request.t(key)
        if title == key { title = status.reasonPhrase }
        // Only our own messages are shown; they are written for users and never carry internals.
        let localized = request.t("error.code.\(code)")
        let context = Context(lang: request.language.rawValue, status: Int(status.code), title: title,
                              message: localized == "error.code.\(code)" ? message : localized,
                              theme: request.cookies["parc_theme"]?.string ?? "auto")
        do {
            let view = try await request.view.render("error", context)
            let response = try await view.encodeResponse(for: request)
            response.status = status
            return response
        } catch {
            let response = Response(status: status, body: .init(string: "\(status.code) \(title)\n\(message)\n"))
            response.headers.contentType = .plainText
            return response
        }
    }
}
