import Foundation
import ParcCore
import Testing
@testable import ParcServer

/// The main UI flows in a real browser: headless Chromium (Debian's `chromium` and `chromium-driver`,
/// which scripts/test installs) against the real `parc serve` executable on a temp SQLite directory.
/// One browser at a time: each test starts its own server and Chromium.
@Suite("The web UI in a real browser", .serialized)
struct BrowserTests {
    static let login = "admin"
    static let password = "correct horse battery staple"

    @Test("an administrator signs in, switches to French, opens every admin page and signs out, in headless Chromium against parc serve",
          .timeLimit(.minutes(5)))
    func adminTourInFrench() async throws {
        // setup
        try WebDriver.requireBrowser()
        let catalog = try Catalog.loadBundled()
        func en(_ key: String) -> String { catalog.text(key, .en) }
        func fr(_ key: String) -> String { catalog.text(key, .fr) }

        try await ParcServeProcess.with(login: Self.login, password: Self.password) { server in
            try await WebDriver.with(width: 1280, height: 900) { browser in
                let page = PageChecker(browser: browser, server: server)

                // MUT: sign in through the form
                try await browser.open(server.url("/login"))
                try await page.expect(path: "/login", h1: en("login.title"), lang: "en")
                try await browser.type(Self.login, into: browser.element("#login"))
                try await browser.type(Self.password, into: browser.element("#password"))
                try await browser.click(browser.element("form[action='/login'] button[type='submit']"))
                try await page.expect(path: "/", h1: en("nav.dashboard"), lang: "en")

                // MUT: the language switch in the top bar (a form posting to /preferences/language)
                let languageButton = ".topbar form[action='/preferences/language'] button"
                #expect(try await browser.text(of: languageButton) == "Français")
                try await browser.click(browser.element(languageButton))
                try await page.expect(path: "/", h1: fr("nav.dashboard"), lang: "fr")
                #expect(try await browser.text(of: ".nav-link[aria-current='page']") == fr("nav.dashboard"))
                #expect(try await browser.text(of: languageButton) == "English")

                // MUT: keyboard — the skip link is the first tab stop, shows a focus ring, and moves focus to main
                try await browser.open(server.url("/admin/entities"))
                try await page.expect(path: "/admin/entities", h1: fr("nav.entities"), lang: "fr")
                try await browser.press(WebDriver.Key.tab)
                let focused = try await browser.activeElement()
                #expect(try await browser.property("className", of: focused) == "skip-link")
                #expect(try await browser.text(of: ".skip-link") == fr("a11y.skip"))
                let focusRing: [String] = try await browser.execute("""
                    const e = document.activeElement, r = e.getBoundingClientRect(), s = getComputedStyle(e);
                    return [String(r.top >= 0 && r.bottom <= innerHeight && r.width > 0), s.outlineStyle];
                    """)
                #expect(focusRing == ["true", "solid"], "the focused skip link should be on screen with an outline")
                try await browser.press(WebDriver.Key.enter)
                #expect(try await browser.wait { try await browser.execute("return document.activeElement.id", as: String.self) == "main" },
                        "following the skip link should put focus on main")

                // MUT: the admin pages, in French
                let pages: [(path: String, h1: String)] = [
                    ("/admin/entities", fr("nav.entities")),
                    ("/admin/users", fr("nav.users")),
                    ("/admin/users/new", fr("users.new")),
                    ("/admin/audit", fr("nav.audit")),
                    ("/account", fr("account.title")),
                    ("/inventory/settings", fr("inventory.settings.title")),
                    ("/inventory/entity-rules", fr("inventory.rules.title")),
                    ("/software/dictionary", fr("inventory.dictionary.title")),
                ]
                for (path, h1) in pages {
                    try await browser.open(server.url(path))
                    try await page.expect(path: path, h1: h1, lang: "fr")
                }

                // MUT: every page of the sidebar opens, and marks its own link as the current one
                try await browser.open(server.url("/"))
                let sidebarLinks: [String] = try await browser.execute(
                    "return [...document.querySelectorAll('#sidebar a.nav-link')].map(a => a.getAttribute('href'))")
                #expect(sidebarLinks.count >= 4, "the sidebar of a super-admin: \(sidebarLinks)")
                for link in sidebarLinks {
                    try await browser.open(server.url(link))
                    try await page.expect(path: link, lang: "fr")
                    let current: [String] = try await browser.execute(
                        "return [...document.querySelectorAll('a.nav-link[aria-current=\"page\"]')].map(a => a.getAttribute('href'))")
                    #expect(current == [link], "exactly the link to \(link) should be marked current")
                }

                // MUT: an object page with tabs — the administrator's own account and its history
                try await browser.open(server.url("/admin/users"))
                try await browser.click(browser.element("table a[href^='/admin/users/']"))
                try await page.expect(pathPrefix: "/admin/users/", h1: Self.login, lang: "fr")
                #expect(try await browser.text(of: ".tabs [aria-current='page']") == fr("tab.details"))
                try await browser.click(browser.element(".tabs a[href$='tab=history']"))
                #expect(try await browser.wait { try await browser.text(of: ".tabs [aria-current='page']") == fr("tab.history") })
                #expect(try await browser.text(of: ".history-entry") != nil, "the sign-in should show in the history")
                try await page.expectNoErrors()

                // MUT: the entity tree's object page
                try await browser.open(server.url("/admin/entities"))
                let rootName = try #require(try await browser.text(of: "#entities-table a"))
                try await browser.click(browser.element("#entities-table a"))
                try await page.expect(pathPrefix: "/admin/entities/", h1: rootName, lang: "fr")

                // MUT: sign out from the user menu
                try await browser.click(browser.element(".user-menu > summary"))
                let logout = try await browser.element(".user-menu form[action='/logout'] button")
                #expect(try await browser.wait { try await browser.isDisplayed(logout) }, "the user menu should open")
                #expect(try await browser.text(of: ".user-menu form[action='/logout'] button") == fr("nav.logout"))
                try await browser.click(logout)
                try await page.expect(path: "/login", h1: fr("login.title"), lang: "fr")

                // validate: signed out for real — an admin page sends back to the login form
                try await browser.open(server.url("/admin/users"))
                try await page.expect(path: "/login", h1: fr("login.title"), lang: "fr")
            }
        }
    }

    @Test("an administrator imports assets from a CSV file, edits two of them in bulk and saves the search as a view, in headless Chromium against parc serve",
          .timeLimit(.minutes(5)))
    func importBulkEditAndSavedView() async throws {
        // setup
        try WebDriver.requireBrowser()
        let catalog = try Catalog.loadBundled()
        func en(_ key: String) -> String { catalog.text(key, .en) }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("parc-import-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: file) }

        try await ParcServeProcess.with(login: Self.login, password: Self.password) { server in
            try await WebDriver.with(width: 1280, height: 900) { browser in
                let page = PageChecker(browser: browser, server: server)
                try await browser.open(server.url("/login"))
                try await browser.type(Self.login, into: browser.element("#login"))
                try await browser.type(Self.password, into: browser.element("#password"))
                try await browser.click(browser.element("form[action='/login'] button[type='submit']"))
                try await page.expect(path: "/", h1: en("nav.dashboard"), lang: "en")
                try await browser.open(server.url("/admin/entities"))
                let root = try #require(try await browser.text(of: "#entities-table a"))

                // MUT: upload a file as French Excel writes it, check it, confirm
                try Data("name;type;entity;location\nECR-B1;monitor;\(root);Accueil\nECR-B2;Monitor;\(root);\n".utf8)
                    .write(to: file)
                try await browser.open(server.url("/assets"))
                try await browser.click(browser.element(".page-actions a[href='/assets/import']"))
                try await page.expect(path: "/assets/import", h1: en("assets.import.title"), lang: "en")
                try await browser.type(file.path, into: browser.element("#import-file"))
                try await browser.click(browser.element("form[action='/assets/import'] button[type='submit']"))
                try await page.expect(path: "/assets/import", h1: en("assets.import.title"), lang: "en")
                #expect(try await browser.text(of: "#import-rows tbody")?.contains("ECR-B2") == true)
                try await browser.click(browser.element("#import-confirm"))
                try await page.expect(path: "/assets", h1: en("nav.assets"), lang: "en")
                #expect(try await browser.text(of: ".flash")?.contains("2 created") == true)

                // MUT: select both, deploy them from the bulk actions bar (its confirmation accepted)
                try await browser.click(browser.element("thead .col-check input"))
                let selected: Int = try await browser.execute(
                    "return document.querySelectorAll('tbody .col-check input:checked').length")
                #expect(selected == 2, "the header checkbox selects every row")
                try await browser.click(browser.element("#bulk-status option[value='deployed']"))
                try await browser.type("Salle 12", into: browser.element("#bulk-location"))
                let _: Bool = try await browser.execute("window.confirm = () => true; return true")
                try await browser.click(browser.element(".bulk-actions button[type='submit']"))
                try await page.expect(path: "/assets", h1: en("nav.assets"), lang: "en")
                #expect(try await browser.text(of: ".flash")?.contains("2 assets changed") == true)
                let badges: [String] = try await browser.execute(
                    "return [...document.querySelectorAll('#assets-table tbody .badge')].map(b => b.textContent.trim())")
                #expect(badges == [en("assets.status.deployed"), en("assets.status.deployed")], "\(badges)")

                // MUT: filter, then save the search as a view from the views menu
                try await browser.open(server.url("/assets?status=deployed"))
                try await browser.click(browser.element(".view-menu > summary"))
                try await browser.type("Deployed screens", into: browser.element("#view-name"))
                try await browser.click(browser.element(".view-menu form[action='/views'] button[type='submit']"))
                try await page.expect(path: "/assets", h1: en("nav.assets"), lang: "en")
                #expect(try await browser.text(of: ".view-tabs a[aria-current='page']") == "Deployed screens")
                try await page.expectNoErrors()
            }
        }
    }

    @Test("on a 390 px phone every page fits the screen width and the menu button opens and closes the navigation drawer",
          .timeLimit(.minutes(5)))
    func phoneLayout() async throws {
        // setup
        try WebDriver.requireBrowser()
        let catalog = try Catalog.loadBundled()

        try await ParcServeProcess.with(login: Self.login, password: Self.password) { server in
            try await WebDriver.with(width: 390, height: 844, phone: true) { browser in
                let page = PageChecker(browser: browser, server: server)
                try await browser.open(server.url("/login"))
                try await page.expectFitsWidth()
                try await browser.type(Self.login, into: browser.element("#login"))
                try await browser.type(Self.password, into: browser.element("#password"))
                try await browser.click(browser.element("form[action='/login'] button[type='submit']"))
                try await page.expect(path: "/", h1: catalog.text("nav.dashboard", .en), lang: "en")

                // MUT: each page at phone width (wide tables scroll inside their own box, not the page)
                for path in ["/", "/admin/entities", "/admin/users", "/admin/users/new", "/admin/audit", "/account", "/software",
                             "/licences", "/licences/new", "/assets", "/assets/import", "/inventory/settings",
                             "/inventory/entity-rules", "/software/dictionary"] {
                    try await browser.open(server.url(path))
                    try await page.expect(path: path, lang: "en")
                    try await page.expectFitsWidth()
                }

                // MUT: the drawer — hidden at first, opened by the menu button, closed by Escape
                try await browser.open(server.url("/admin/users"))
                let sidebar = try await browser.element("#sidebar")
                let toggle = try await browser.element(".nav-toggle")
                #expect(try await !browser.isDisplayed(sidebar), "the navigation is a closed drawer on a phone")
                try await browser.click(toggle)
                #expect(try await browser.wait { try await browser.isDisplayed(sidebar) }, "the menu button opens the drawer")
                #expect(try await browser.execute("return document.querySelector('.nav-toggle').getAttribute('aria-expanded')",
                                                  as: String.self) == "true")
                try await browser.press(WebDriver.Key.escape)
                #expect(try await browser.wait { try await !browser.isDisplayed(sidebar) }, "Escape closes the drawer")
                try await page.expectNoErrors()
            }
        }
    }
}

/// Waits for a page to load and checks what every page must show: the expected `h1`, the language,
/// no error page, the stylesheet applied and a clean browser console.
private struct PageChecker {
    let browser: WebDriver
    let server: ParcServeProcess

    func expect(path: String? = nil, pathPrefix: String? = nil, h1: String? = nil, lang: String,
                sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let loaded = try await browser.wait {
            let heading = try await browser.text(of: "h1") ?? ""
            let current = try await browser.currentURL().path
            return (h1.map { heading == $0 } ?? true) && (path.map { current == $0 } ?? true)
                && (pathPrefix.map { current.hasPrefix($0) } ?? true)
        }
        let heading = try await browser.text(of: "h1")
        let url = try await browser.currentURL()
        let title = try await browser.title()
        let where_ = "on \(url.path) (title “\(title)”)"
        if !loaded {
            let shot = FileManager.default.temporaryDirectory
                .appendingPathComponent("parc-browser-failure-\(UUID().uuidString.prefix(8)).png")
            try? await browser.screenshotPNG().write(to: shot)
            Issue.record(Comment(rawValue: """
                expected \(path ?? pathPrefix.map { $0 + "…" } ?? "any page") with h1 “\(h1 ?? "any")”, \
                got h1 “\(heading ?? "none")” \(where_); screenshot: \(shot.path); server log:\n\(server.log)
                """), sourceLocation: sourceLocation)
            return
        }
        let documentLanguage: String = try await browser.execute("return document.documentElement.lang")
        #expect(documentLanguage == lang, "<html lang> \(where_)", sourceLocation: sourceLocation)
        let h1Count: Int = try await browser.execute("return document.querySelectorAll('h1').length")
        #expect(h1Count == 1, "one h1 \(where_)", sourceLocation: sourceLocation)
        if let heading, h1 != nil {
            #expect(title == "\(heading) · Parc", "the title names the page \(where_)", sourceLocation: sourceLocation)
        }
        try await expectNoErrors(sourceLocation: sourceLocation)
    }

    /// No error page, the stylesheet applied, nothing severe in the console (failed loads, script
    /// errors, Content-Security-Policy violations).
    func expectNoErrors(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let path = try await browser.currentURL().path
        let errorPage = try await browser.text(of: ".error-page")
        #expect(errorPage == nil, "an error page shows on \(path): \(errorPage ?? "")", sourceLocation: sourceLocation)
        let styled: Bool = try await browser.execute(
            "return getComputedStyle(document.body).backgroundColor !== 'rgba(0, 0, 0, 0)'")
        #expect(styled, "the stylesheet did not apply on \(path)", sourceLocation: sourceLocation)
        let severe = try await browser.consoleLog().filter { $0.level == "SEVERE" }
        #expect(severe.isEmpty, "browser console on \(path): \(severe.map(\.message))", sourceLocation: sourceLocation)
    }

    /// The page does not scroll sideways (UI.md: only wide tables may, inside their own box).
    func expectFitsWidth(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let widths: [Int] = try await browser.execute(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        let path = try await browser.currentURL().path
        #expect(widths.count == 2 && widths[0] <= widths[1],
                "\(path) is \(widths.first ?? 0) px wide in a \(widths.last ?? 0) px screen", sourceLocation: sourceLocation)
    }
}
