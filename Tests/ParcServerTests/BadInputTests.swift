import Fluent
import Foundation
import ParcCore
import Testing
import Vapor
import VaporTesting
@testable import ParcServer

@Suite("Bad input gets a clear 4xx and stores nothing")
struct BadInputTests {
    static let hostile = [
        "'; DROP TABLE users; --", "<script>alert('x')</script>", "\"><img src=x onerror=alert(1)>",
        "Robert'); DELETE FROM entities WHERE ('1'='1", "{{7*7}} #(7) ${7*7}",
    ]

    @Test("malformed, truncated, mistyped, unknown-field and oversized bodies are refused", arguments: TestDatabase.all)
    func malformed(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let t = try await Tenancy.make(app)
            let before = try await EntityModel.query(on: app.db).count()
            let cases: [(String, HTTPStatus, String)] = [
                ("{\"name\": ", .badRequest, "malformed_json"),
                ("[1,2,3]", .badRequest, "malformed_json"),
                ("{\"name\": 42, \"parent_id\": \"\(t.root.id!)\"}", .unprocessableEntity, "validation_failed"),
                ("{\"name\": \"X\", \"parent_id\": \"not-a-uuid\"}", .unprocessableEntity, "validation_failed"),
                ("{\"name\": \"X\", \"parent_id\": \"\(t.root.id!)\", \"colour\": \"red\"}", .unprocessableEntity, "unknown_fields"),
                ("{\"name\": \"\", \"parent_id\": \"\(t.root.id!)\"}", .unprocessableEntity, "validation_failed"),
                ("{\"name\": \"X\"}", .unprocessableEntity, "validation_failed"),
            ]
            for (body, status, code) in cases {
                try await app.testing().test(.POST, "/api/v1/entities", headers: .json(t.superToken),
                                             body: ByteBuffer(string: body)) { res in
                    #expect(res.status == status, "body \(body)")
                    let decoded = try? res.content.decode(TestErrorBody.self)
                    #expect(decoded?.error.code == code, "body \(body)")
                }
            }
            var invalidUTF8 = ByteBuffer(string: "{\"name\": \"")
            invalidUTF8.writeBytes([0xff, 0xfe, 0xc3])
            invalidUTF8.writeString("\"}")
            try await app.testing().test(.POST, "/api/v1/entities", headers: .json(t.superToken), body: invalidUTF8) { res in
                #expect(res.status == .badRequest)
                let decoded = try res.content.decode(TestErrorBody.self)
                #expect(decoded.error.code == "invalid_utf8")
            }
            let huge = ByteBuffer(string: "{\"name\": \"" + String(repeating: "A", count: 2_000_000) + "\"}")
            // Over a real socket, so the server's body limit applies as it does in production.
            try await app.testing(method: .running(port: 0)).test(.POST, "/api/v1/entities", headers: .json(t.superToken),
                                                                  body: huge) { res in
                #expect(res.status == .payloadTooLarge)
                let decoded = try res.content.decode(TestErrorBody.self)
                #expect(decoded.error.code == "payload_too_large")
            }
            try await app.testing().test(.POST, "/api/v1/entities", headers: .bearer(t.superToken),
                                         body: ByteBuffer(string: "name=x")) { res in
                #expect(res.status == .unsupportedMediaType)
            }
            #expect(try await EntityModel.query(on: app.db).count() == before)
        }
    }

    @Test("bad list parameters are refused with what to send instead")
    func badQuery() async throws {
        try await withApp(.sqlite) { app, _ in
            let t = try await Tenancy.make(app)
            for query in ["page=0", "per_page=100000", "sort=password_hash", "colour=red", "page=abc", "page=1&page=2"] {
                try await app.testing().test(.GET, "/api/v1/users?\(query)", headers: .bearer(t.superToken)) { res in
                    #expect(res.status == .badRequest, "query \(query)")
                    let decoded = try res.content.decode(TestErrorBody.self)
                    #expect(decoded.error.code == "invalid_query")
                }
            }
        }
    }

    @Test("injection strings are stored as text and rendered escaped", arguments: TestDatabase.all)
    func injection(_ database: TestDatabase) async throws {
        try await withApp(database) { app, _ in
            let t = try await Tenancy.make(app)
            for (index, text) in Self.hostile.enumerated() {
                let body = try JSONEncoder().encode(["name": text, "parent_id": t.root.id!.uuidString, "comment": text])
                try await app.testing().test(.POST, "/api/v1/entities", headers: .json(t.superToken),
                                             body: ByteBuffer(string: String(decoding: body, as: UTF8.self))) { res in
                    #expect(res.status == .created, "case \(index)")
                    let decoded = try res.content.decode(EntitiesController.EntityDTO.self)
                    #expect(decoded.name == text)
                }
            }
            #expect(try await UserModel.query(on: app.db).count() == 4)
            let browser = WebClient(app)
            try await browser.signIn("root")
            let html = try await browser.get("/admin/entities").body.string
            #expect(!html.contains("<script>alert"))
            #expect(!html.contains("<img src=x"))
            #expect(html.contains("&lt;script&gt;"))
            let search = try await browser.get("/search?q=%3Cscript%3E").body.string
            #expect(!search.contains("<script>alert"))
        }
    }

    @Test("the login form never redirects off-site")
    func openRedirect() {
        #expect(RedirectTarget.localPath("https://evil.example") == "/")
        #expect(RedirectTarget.localPath("//evil.example") == "/")
        #expect(RedirectTarget.localPath("/\\evil.example") == "/")
        #expect(RedirectTarget.localPath("/\t/evil.example") == "/")
        #expect(RedirectTarget.localPath("/%09/ok") == "/%09/ok")
        #expect(RedirectTarget.localPath("/\u{1}x") == "/")
        #expect(RedirectTarget.localPath("/admin/users?q=a") == "/admin/users?q=a")
    }
}

@Suite("Query strings and proxies")
struct QueryAndProxyTests {
    @Test("a stray % is searched as text, never drops the other filters, and + reads as a space")
    func queryDecoding() async throws {
        try await withApp(.sqlite) { app, _ in
            let t = try await Tenancy.make(app)
            try await app.testing().test(.GET, "/api/v1/users?q=%zz&colour=red", headers: .bearer(t.superToken)) { res in
                #expect(res.status == .badRequest, "the unknown parameter is still seen")
            }
            try await app.testing().test(.GET, "/api/v1/users?q=%zz", headers: .bearer(t.superToken)) { res in
                let list = try res.content.decode(ListResponse<UsersController.UserDTO>.self)
                #expect(list.items.isEmpty)
            }
            try await app.testing().test(.GET, "/api/v1/entities?q=Alp+", headers: .bearer(t.superToken)) { res in
                let list = try res.content.decode(ListResponse<EntitiesController.EntityDTO>.self)
                #expect(list.items.map(\.name) == ["Alpha"])
            }
        }
    }

    @Test("behind a proxy on the same host, the setup page and metrics are not loopback-only anymore")
    func proxiedLoopback() async throws {
        try await withApp(.sqlite) { app, _ in
            try await app.testing(method: .running(port: 0)).test(.GET, "/setup") { res in
                #expect(res.status == .ok)
            }
            try await app.testing(method: .running(port: 0)).test(.GET, "/setup",
                                                                  headers: ["X-Forwarded-For": "203.0.113.9"]) { res in
                #expect(res.status == .notFound)
            }
            try await app.testing(method: .running(port: 0)).test(.GET, "/metrics",
                                                                  headers: ["X-Forwarded-For": "203.0.113.9"]) { res in
                #expect(res.status == .forbidden)
            }
        }
    }
}
