import Fluent
import Foundation
import ParcCore
import Testing
import Vapor
import VaporTesting
@testable import ParcServer

@Suite("Health, errors and the OpenAPI document")
struct PlatformHTTPTests {
    @Test("healthz answers ok when the database answers", arguments: TestDatabase.all)
    func health(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            try await app.testing().test(.GET, "/healthz") { response in
                #expect(response.status == .ok)
                let body = try response.content.decode([String: String].self)
                #expect(body == ["status": "ok"])
            }
        }
    }

    @Test("an API call without a token gets 401 in the error format")
    func unauthorized() async throws {
        try await withApp(.sqlite) { app, _ in
            try await app.testing().test(.GET, "/api/v1/users") { response in
                #expect(response.status == .unauthorized)
                let body = try response.content.decode(TestErrorBody.self)
                #expect(body.error.code == "unauthorized")
                #expect(response.headers.first(name: .wwwAuthenticate)?.contains("Bearer") == true)
            }
            try await app.testing().test(.GET, "/api/v1/users", headers: .bearer("parc_not-a-real-token")) { response in
                #expect(response.status == .unauthorized)
                let decoded = try response.content.decode(TestErrorBody.self)
                #expect(decoded.error.code == "invalid_token")
            }
        }
    }

    @Test("every /api/v1 route is documented in the OpenAPI document, and every documented path exists")
    func openAPICoverage() async throws {
        try await withApp(.sqlite) { app, _ in
            var documented = Set<String>()
            try await app.testing().test(.GET, "/api/openapi.json") { response in
                #expect(response.status == .ok)
                let json = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                #expect(json?["openapi"] as? String == "3.1.0")
                let paths = json?["paths"] as? [String: [String: Any]] ?? [:]
                for (path, operations) in paths {
                    for method in operations.keys { documented.insert("\(method.uppercased()) \(path)") }
                }
            }
            let registered = Set(app.routes.all.compactMap { route -> String? in
                let path = "/" + route.path.map { component -> String in
                    if case let .parameter(name) = component { return "{\(name)}" }
                    return component.description
                }.joined(separator: "/")
                return path.hasPrefix("/api/v1/") ? "\(route.method.rawValue) \(path)" : nil
            })
            #expect(!registered.isEmpty)
            #expect(registered == documented)
        }
    }

    @Test("unknown pages answer an HTML 404 to browsers and JSON under /api")
    func notFound() async throws {
        try await withApp(.sqlite) { app, _ in
            try await app.testing().test(.GET, "/no/such/page", headers: ["Accept": "text/html"]) { response in
                #expect(response.status == .notFound)
                #expect(response.headers.contentType == .html)
                #expect(response.body.string.contains("404"))
            }
            try await app.testing().test(.GET, "/api/v1/nothing-here") { response in
                #expect(response.status == .notFound)
                let decoded = try response.content.decode(TestErrorBody.self)
                #expect(decoded.error.code == "not_found")
            }
        }
    }

    @Test("metrics are served in Prometheus text format to loopback only")
    func metrics() async throws {
        try await withApp(.sqlite) { app, _ in
            // In-memory test requests have no peer address: they count as remote, so they are refused.
            try await app.testing().test(.GET, "/metrics") { response in
                #expect(response.status == .forbidden)
            }
            // The registry is process-wide: after the whole suite it holds every route the tests called,
            // more than Vapor's tester reads (1 MB), so the page is read with the app's own client.
            try await LiveServer.with(app) { server in
                _ = try await server.send(.GET, "/healthz")
                let response = try await server.send(.GET, "/metrics")
                #expect(response.status == .ok)
                let text = String(buffer: response.body)
                #expect(text.contains("parc_http_requests_total{"))
                #expect(text.contains("route=\"/healthz\""))
                // Vapor's own request series duplicate Parc's and are switched off.
                #expect(!text.split(separator: "\n").contains { $0.hasPrefix("http_request") })
            }
        }
    }

    @Test("responses carry a request id and security headers")
    func requestID() async throws {
        try await withApp(.sqlite) { app, _ in
            try await app.testing().test(.GET, "/login", headers: ["X-Request-ID": "abc-123"]) { response in
                #expect(response.headers.first(name: "X-Request-ID") == "abc-123")
                #expect(response.headers.first(name: "X-Frame-Options") == "DENY")
                #expect(response.headers.first(name: "Content-Security-Policy")?.contains("script-src 'self'") == true)
            }
            try await app.testing().test(.GET, "/login", headers: ["X-Request-ID": "<bad id>"]) { response in
                #expect(response.headers.first(name: "X-Request-ID") != "<bad id>")
            }
        }
    }
}

@Suite("Translations")
struct TranslationTests {
    @Test("French and English catalogues hold the same keys, none empty")
    func parity() throws {
        let catalog = try Catalog.loadBundled()
        let english = Set(catalog.texts[.en]!.keys)
        let french = Set(catalog.texts[.fr]!.keys)
        #expect(english.subtracting(french).sorted() == [])
        #expect(french.subtracting(english).sorted() == [])
        #expect(catalog.texts.values.flatMap(\.values).allSatisfy { !$0.trimmingCharacters(in: .whitespaces).isEmpty })
    }

    @Test("every key a template asks for exists in the catalogues")
    func templatesUseKnownKeys() throws {
        let catalog = try Catalog.loadBundled()
        let views = URL(fileURLWithPath: ParcResources.viewsDirectory)
        let files = FileManager.default.enumerator(at: views, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "leaf" } ?? []
        #expect(!files.isEmpty)
        let pattern = try NSRegularExpression(pattern: #"#t\("([a-z0-9_.]+)"\)"#)
        var missing: [String] = []
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let key = String(text[Range(match.range(at: 1), in: text)!])
                if catalog.texts[.en]?[key] == nil { missing.append("\(file.lastPathComponent): \(key)") }
            }
        }
        #expect(missing == [])
    }

    @Test("French texts use a non-breaking space before high punctuation")
    func frenchTypography() throws {
        let catalog = try Catalog.loadBundled()
        let bad = catalog.texts[.fr]!.filter { $0.value.contains(" :") || $0.value.contains(" ?") || $0.value.contains(" !")
            || $0.value.contains(" ;") || $0.value.contains("« ") }
        #expect(bad.keys.sorted() == [])
    }
}

@Suite("Messages in the user's language")
struct LocalizedMessagesTests {
    @Test("every validation message a service writes has its French text")
    func serviceMessagesAreCatalogued() throws {
        let catalog = try Catalog.loadBundled()
        let policy = PasswordPolicy()
        var messages = Array(EntityService.validate(name: "", code: "bad code!", comment: String(repeating: "x", count: 5001)).values)
        for problem in [policy.check("short", login: "x"), policy.check(String(repeating: "é", count: 40), login: "x"),
                        policy.check("same-as-login", login: "same-as-login"), policy.check("tab\there pass", login: "x")] {
            messages.append(try #require(problem).message)
        }
        for message in messages {
            #expect(catalog.translateMessage(message, to: .fr) != message, "no French text for: \(message)")
        }
    }

    @Test("a French user sees form errors in French", arguments: TestDatabase.all)
    func frenchFormErrors(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let t = try await Tenancy.make(app)
            let user = try #require(try await UserModel.find(t.superAdmin.id, on: app.db))
            user.language = "fr"
            try await user.update(on: app.db)
            let browser = WebClient(app)
            try await browser.signIn("root")
            let page = try await browser.post("/admin/entities", ["name": "", "parent_id": t.root.id!.uuidString,
                                                                   "code": "not a code!"])
            #expect(page.status == .unprocessableEntity)
            #expect(page.body.string.contains("Donnez un nom de 1 à 200 caractères"))
            #expect(page.body.string.contains("plans de nommage"))
        }
    }
}
