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
                             "/inventory/entity-rules", "/software/dictionary", "/portal", "/tickets", "/tickets/new",
                             "/tickets/reports", "/tickets/sla", "/tickets/rules", "/tickets/rules/new", "/tickets/rules/test",
                             "/tickets/canned-responses"] {
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

    @Test("a requester works from the portal in French: the FAQ first, then a ticket about it with suggestions while typing; a category's template and required fields; a ticket about their machine; a solution approved and surveys answered",
          .timeLimit(.minutes(5)))
    func requesterPortal() async throws {
        // setup: what an administrator prepared, through the API of the running server
        try WebDriver.requireBrowser()
        let catalog = try Catalog.loadBundled()
        func fr(_ key: String, _ arguments: String...) -> String { catalog.text(key, .fr, arguments) }

        try await ParcServeProcess.with(login: Self.login, password: Self.password) { server in
            let site = try await HelpdeskSite.make(server, login: Self.login)
            let rita = try await site.user("rita", name: "Rita Martin", role: "requester", language: "fr")
            try await site.api("POST", "/api/v1/articles", [
                "entity_id": site.rootID, "title": "Réinitialiser son mot de passe", "visibility": "faq",
                "body": "Ouvrez *Mon compte*, puis *Changer le mot de passe*.",
            ])
            let arrival = try await site.arrivalCategory(mandatory: ["location"])
            let printers = try await site.category("Imprimante")
            let machine = try await site.id(site.api("POST", "/api/v1/assets", [
                "entity_id": site.rootID, "type": "computer", "name": "PC-RITA-01", "status": "deployed",
                "assigned_user_id": rita,
            ]))
            let flickering = try await site.ticket("Écran qui clignote", requester: rita)
            try await site.api("PATCH", "/api/v1/tickets/\(flickering)", ["status": "solved", "solution": "Câble **HDMI** changé."])
            let sticky = try await site.ticket("Clavier collant", requester: rita)
            try await site.api("PATCH", "/api/v1/tickets/\(sticky)", ["status": "solved", "solution": "Clavier remplacé."])
            try await site.api("PATCH", "/api/v1/tickets/\(sticky)", ["status": "closed"])

            try await WebDriver.with(width: 1280, height: 900) { browser in
                let page = PageChecker(browser: browser, server: server)

                // MUT: sign in — a requester lands on the portal, in their language
                try await page.signIn("rita", Self.password)
                try await page.expect(path: "/portal", lang: "fr")
                #expect(try await browser.text(of: "h1") == fr("portal.greeting", "Rita Martin"))
                #expect(try await browser.text(of: ".portal-categories")?.contains("Arrivée") == true)
                #expect(try await browser.text(of: ".portal-categories")?.contains("Imprimante") == true)
                let sections: [String] = try await browser.execute(
                    "return [...document.querySelectorAll('#main section.card')].map(s => s.textContent.replace(/\\s+/g, ' ').trim())")
                #expect(sections.contains { $0.hasPrefix(fr("portal.waiting")) && $0.contains("Écran qui clignote") },
                        "the solution waiting for her answer: \(sections)")
                #expect(sections.contains { $0.hasPrefix(fr("portal.surveys")) && $0.contains("Clavier collant") },
                        "the survey to answer: \(sections)")
                #expect(sections.contains { $0.hasPrefix(fr("portal.equipment")) && $0.contains("PC-RITA-01") },
                        "her machine: \(sections)")

                // MUT: search the FAQ first; it answers, and a ticket can still start from what was typed
                try await browser.type("mot de passe", into: browser.element("#portal-q"))
                try await browser.click(browser.element("form[role='search'] button[type='submit']"))
                try await page.expect(path: "/portal", lang: "fr")
                #expect(try await browser.text(of: ".portal-articles")?.contains("Réinitialiser son mot de passe") == true)
                try await browser.click(browser.element("#main a[href^='/tickets/new?title=']"))
                try await page.expect(path: "/tickets/new", h1: fr("tickets.new"), lang: "fr")
                #expect(try await page.value(of: "#title") == "mot de passe")

                // MUT: FAQ suggestions while typing the title (JavaScript)
                try await page.setValue("", of: "#title")
                try await browser.type("mot de passe", into: browser.element("#title"))
                #expect(try await browser.wait {
                    try await browser.execute("""
                        const box = document.getElementById('faq-suggestions');
                        return !box.hidden && box.querySelector('li a') !== null
                            && box.textContent.includes('Réinitialiser son mot de passe');
                        """, as: Bool.self)
                }, "the FAQ article should be suggested under the title")

                // MUT: choosing the category reloads the form from it (JavaScript submits the chooser); what the
                // search gave is kept
                try await browser.click(browser.element("#choose-category option[value='\(printers)']"))
                #expect(try await browser.wait { try await browser.currentURL().query?.contains("category_id=\(printers)") == true },
                        "choosing a category should reload the form")
                try await page.expect(path: "/tickets/new", h1: fr("tickets.new"), lang: "fr")
                #expect(try await page.value(of: "#title") == "mot de passe", "the title from the search is kept")
                try await browser.type("Je ne peux plus imprimer depuis le changement de mot de passe.",
                                       into: browser.element("#description"))
                try await browser.click(browser.element("form[action='/tickets'] button[type='submit']"))
                try await page.expect(pathPrefix: "/tickets/", lang: "fr")
                #expect(try await browser.text(of: "h1")?.hasSuffix("mot de passe") == true)
                let created = try await browser.text(of: "h1 .mono") ?? "?"
                let flash = try await browser.text(of: ".flash")
                #expect(flash?.hasPrefix(fr("tickets.created", created)) == true, "\(flash ?? "no message")")

                // MUT: a category with a template: the form starts from it and enforces what it requires
                try await browser.open(server.url("/portal"))
                try await browser.click(browser.element(".portal-categories a[href='/tickets/new?category_id=\(arrival)']"))
                try await page.expect(path: "/tickets/new", h1: fr("tickets.new"), lang: "fr")
                #expect(try await page.value(of: "#title") == "Arrivée : ")
                let template = try await page.value(of: "#description")
                #expect(template == "## Nom de l'arrivant\n\n## Date d'arrivée", "\(template ?? "none")")
                #expect(try await page.value(of: "#type") == "request")
                #expect(try await page.value(of: "#urgency") == "2")
                #expect(try await page.value(of: "#tags") == "arrivée")
                #expect(try await browser.text(of: "label[for='location'] .required") == "*", "the location is marked required")
                try await browser.type("Alice Durand", into: browser.element("#title"))
                try await browser.click(browser.element("form[action='/tickets'] button[type='submit']"))
                try await page.expect(path: "/tickets", h1: fr("tickets.new"), lang: "fr", refused: true)
                let refusal = try await page.fieldErrors()
                #expect(refusal == ["description": fr("validation.ticket_template_untouched"),
                                    "location": fr("validation.ticket_template_required")], "\(refusal)")
                #expect(try await page.value(of: "#title") == "Arrivée : Alice Durand", "what was typed is kept")
                try await browser.type("Alice Durand, lundi 7", into: browser.element("#description"))
                try await browser.type("Bureau 12", into: browser.element("#location"))
                try await browser.click(browser.element("form[action='/tickets'] button[type='submit']"))
                try await page.expect(pathPrefix: "/tickets/", lang: "fr")
                #expect(try await browser.text(of: "h1")?.hasSuffix("Arrivée : Alice Durand") == true)

                // MUT: "Mon matériel" › "Signaler un problème": the machine is chosen, and stays chosen with the category
                try await browser.open(server.url("/portal"))
                try await browser.click(browser.element("#main a[href='/tickets/new?asset_id=\(machine)']"))
                try await page.expect(path: "/tickets/new", h1: fr("tickets.new"), lang: "fr")
                #expect(try await page.selected(in: "#asset_ids") == [machine])
                try await browser.click(browser.element("#choose-category option[value='\(printers)']"))
                #expect(try await browser.wait { try await browser.currentURL().query?.contains("category_id=\(printers)") == true })
                try await page.expect(path: "/tickets/new", h1: fr("tickets.new"), lang: "fr")
                #expect(try await page.selected(in: "#asset_ids") == [machine], "the machine stays chosen")
                try await browser.type("Le PC ne démarre plus", into: browser.element("#title"))
                try await browser.type("Écran noir, ventilateur qui tourne.", into: browser.element("#description"))
                try await browser.click(browser.element("form[action='/tickets'] button[type='submit']"))
                try await page.expect(pathPrefix: "/tickets/", lang: "fr")
                let reported = try await browser.currentURL().lastPathComponent
                #expect(try await site.api("GET", "/api/v1/tickets/\(reported)")["asset_ids"] as? [String] == [machine])

                // MUT: the solution waiting for her: approve it, then answer the survey
                try await browser.open(server.url("/portal"))
                try await browser.click(browser.element("#main a[href='/tickets/\(flickering)']"))
                try await page.expect(path: "/tickets/\(flickering)", lang: "fr")
                #expect(try await browser.text(of: ".ticket-solution .markdown strong") == "HDMI", "the solution, rendered")
                try await browser.click(browser.element("form[action$='/solution/approve'] button"))
                try await page.expect(path: "/tickets/\(flickering)", lang: "fr")
                #expect(try await browser.text(of: ".object-title .badge") == fr("tickets.status.closed"))
                try await browser.click(browser.element("#rating option[value='4']"))
                try await browser.type("Rapide, merci.", into: browser.element("#survey-comment"))
                try await browser.click(browser.element("form[action$='/satisfaction'] button[type='submit']"))
                try await page.expect(path: "/tickets/\(flickering)", lang: "fr")
                #expect(try await browser.text(of: ".ticket-survey strong") == fr("tickets.survey.rating.4"))

                // MUT: the other survey, from the portal; then nothing is left waiting
                try await browser.open(server.url("/portal"))
                try await browser.click(browser.element("#main a[href='/tickets/\(sticky)']"))
                try await page.expect(path: "/tickets/\(sticky)", lang: "fr")
                try await browser.click(browser.element("form[action$='/satisfaction'] button[type='submit']"))
                try await page.expect(path: "/tickets/\(sticky)", lang: "fr")
                try await browser.open(server.url("/portal"))
                try await page.expect(path: "/portal", lang: "fr")
                let left = try await browser.text(of: "#main") ?? ""
                #expect(!left.contains(fr("portal.waiting")) && !left.contains(fr("portal.surveys")), "\(left)")
                #expect(left.contains("Le PC ne démarre plus") && left.contains("Arrivée : Alice Durand"), "her open tickets")
            }
        }
    }

    @Test("a technician writes a canned response, inserts it on a ticket and sends it, and moves the ticket to a category whose required fields the form then asks for",
          .timeLimit(.minutes(5)))
    func technicianTicketWork() async throws {
        // setup
        try WebDriver.requireBrowser()
        let catalog = try Catalog.loadBundled()
        func en(_ key: String, _ arguments: String...) -> String { catalog.text(key, .en, arguments) }

        try await ParcServeProcess.with(login: Self.login, password: Self.password) { server in
            let site = try await HelpdeskSite.make(server, login: Self.login)
            let rita = try await site.user("rita", name: "Rita Martin", role: "requester", language: nil)
            _ = try await site.user("tina", name: "Tina Tech", role: "technician", language: nil)
            let arrival = try await site.arrivalCategory(mandatory: ["location", "asset_ids"])
            let machine = try await site.id(site.api("POST", "/api/v1/assets", [
                "entity_id": site.rootID, "type": "computer", "name": "PC-COMPTA-07", "status": "deployed",
                "assigned_user_id": rita,
            ]))
            let ticket = try await site.ticket("Nouvel arrivant au service compta", requester: rita, assigned: false)
            let reference = try #require(try await site.api("GET", "/api/v1/tickets/\(ticket)")["reference"] as? String)

            try await WebDriver.with(width: 1280, height: 900) { browser in
                let page = PageChecker(browser: browser, server: server)
                try await page.signIn("tina", Self.password)
                try await page.expect(path: "/", h1: en("nav.dashboard"), lang: "en")

                // MUT: a canned response — an unknown placeholder is refused and the text kept, then corrected
                try await browser.open(server.url("/tickets/canned-responses"))
                try await page.expect(path: "/tickets/canned-responses", h1: en("tickets.canned.title"), lang: "en")
                try await browser.type("Welcome", into: browser.element("#canned-name"))
                try await browser.type("Hello {{firstname}}", into: browser.element("#canned-body"))
                try await browser.click(browser.element("#canned-form button[type='submit']"))
                try await page.expect(path: "/tickets/canned-responses", h1: en("tickets.canned.title"), lang: "en",
                                      refused: true)
                #expect(try await page.fieldErrors()["canned-body"] != nil, "the unknown placeholder is named")
                #expect(try await page.value(of: "#canned-body") == "Hello {{firstname}}")
                try await page.setValue("", of: "#canned-body")
                try await browser.type("Hello {{requester}}, we are preparing {{reference}}. {{technician}}",
                                       into: browser.element("#canned-body"))
                try await browser.click(browser.element("#canned-form button[type='submit']"))
                try await page.expect(path: "/tickets/canned-responses", h1: en("tickets.canned.title"), lang: "en")
                #expect(try await browser.text(of: "#main table tbody")?.contains("Welcome") == true)

                // MUT: Insert on the ticket's discussion fills the followup; sending it adds it
                try await browser.open(server.url("/tickets/\(ticket)"))
                try await page.expect(path: "/tickets/\(ticket)", lang: "en")
                try await browser.click(browser.element("#canned option:not([value=''])"))
                try await browser.click(browser.element("form.canned-picker button[type='submit']"))
                #expect(try await browser.wait { try await browser.currentURL().query?.contains("canned=") == true })
                try await page.expect(path: "/tickets/\(ticket)", lang: "en")
                let filled = "Hello Rita Martin, we are preparing \(reference). Tina Tech"
                #expect(try await page.value(of: "#body") == filled)
                try await browser.click(browser.element("form[action$='/followups'] button[type='submit']"))
                try await page.expect(path: "/tickets/\(ticket)", lang: "en")
                #expect(try await browser.text(of: ".flash")?.hasPrefix(en("tickets.followup_added")) == true)
                #expect(try await browser.text(of: ".timeline")?.contains(filled) == true)

                // MUT: Details — the category alone is refused; what was typed stays, the missing fields are named
                try await browser.click(browser.element(".tabs a[href$='tab=details']"))
                try await page.expect(path: "/tickets/\(ticket)", lang: "en")
                try await browser.click(browser.element("#category_id option[value='\(arrival)']"))
                try await browser.type("Desk and PC to prepare", into: browser.element("#diagnosis"))
                try await browser.click(browser.element("form[action='/tickets/\(ticket)'] button[type='submit']"))
                try await page.expect(path: "/tickets/\(ticket)", lang: "en", refused: true)
                #expect(try await browser.text(of: ".form-errors")?.hasSuffix(
                    en("tickets.category_fields.entering", "Arrivée", "Location, Assets")) == true)
                let errors = try await page.fieldErrors()
                #expect(errors["location"] == en("validation.ticket_category_change_required")
                        && errors["asset_ids"] == en("validation.ticket_category_change_required"), "\(errors)")
                #expect(try await page.value(of: "#category_id") == arrival)
                #expect(try await page.value(of: "#diagnosis") == "Desk and PC to prepare")
                #expect(try await site.api("GET", "/api/v1/tickets/\(ticket)")["category_id"] is NSNull, "nothing saved")

                // MUT: the same form, completed
                try await browser.type("Office 12", into: browser.element("#location"))
                try await browser.click(browser.element("#asset_ids option[value='\(machine)']"))
                try await browser.click(browser.element("form[action='/tickets/\(ticket)'] button[type='submit']"))
                try await page.expect(path: "/tickets/\(ticket)", lang: "en")
                #expect(try await browser.text(of: ".flash")?.hasPrefix(en("common.saved")) == true)
                let details = try await browser.text(of: "dl.details") ?? ""
                #expect(details.contains("Arrivée") && details.contains("Office 12"), "\(details)")
                let saved = try await site.api("GET", "/api/v1/tickets/\(ticket)")
                #expect(saved["category_id"] as? String == arrival && saved["asset_ids"] as? [String] == [machine]
                        && saved["diagnosis"] as? String == "Desk and PC to prepare")
                try await page.expectNoErrors()
            }
        }
    }

    @Test("an administrator writes a business rule and tries it on the test page, then reads the helpdesk reports (SVG charts, CSV and SVG downloads) and the SLA dashboard",
          .timeLimit(.minutes(5)))
    func rulesReportsAndSLA() async throws {
        // setup: an SLA policy by default, a few tickets, one of them solved
        try WebDriver.requireBrowser()
        let catalog = try Catalog.loadBundled()
        func en(_ key: String, _ arguments: String...) -> String { catalog.text(key, .en, arguments) }

        try await ParcServeProcess.with(login: Self.login, password: Self.password) { server in
            let site = try await HelpdeskSite.make(server, login: Self.login)
            let printers = try await site.category("Printers")
            let policy = try await site.id(site.api("POST", "/api/v1/sla-policies", [
                "entity_id": site.rootID, "name": "Office hours",
                "calendar": ["time_zone": "UTC", "week": Dictionary(uniqueKeysWithValues:
                    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"].map { ($0, ["08:00-18:00"]) })],
                "rules": [["time_to_own": "1h", "time_to_resolve": "8h"]],
            ]))
            try await site.api("PATCH", "/api/v1/helpdesk-settings/\(site.rootID)", ["default_sla_policy_id": policy])
            for title in ["Printer jammed", "VPN drops", "Mailbox full"] {
                _ = try await site.ticket(title, requester: site.adminID)
            }
            let solved = try await site.ticket("Screen flickers", requester: site.adminID)
            try await site.api("POST", "/api/v1/tickets/\(solved)/tasks",
                               ["description": "Cable swapped", "spent_minutes": 30, "done": true])
            try await site.api("PATCH", "/api/v1/tickets/\(solved)", ["status": "solved", "solution": "Cable replaced."])

            try await WebDriver.with(width: 1280, height: 900) { browser in
                let page = PageChecker(browser: browser, server: server)
                try await page.signIn(Self.login, Self.password)
                try await page.expect(path: "/", h1: en("nav.dashboard"), lang: "en")

                // MUT: a rule written on the form: title contains "printer" → category Printers, tag "printing"
                try await browser.open(server.url("/tickets/rules"))
                try await page.expect(path: "/tickets/rules", h1: en("tickets.rules.title"), lang: "en")
                try await browser.click(browser.element(".page-actions a[href='/tickets/rules/new']"))
                try await page.expect(path: "/tickets/rules/new", h1: en("tickets.rules.new"), lang: "en")
                try await browser.type("Printers", into: browser.element("#name"))
                try await browser.click(browser.element("#condition_field_0 option[value='title']"))
                try await browser.click(browser.element("#condition_operator_0 option[value='contains']"))
                try await browser.type("printer", into: browser.element("#condition_value_0"))
                try await browser.click(browser.element("#action_kind_0 option[value='set_category']"))
                // The category is chosen by name: choosing the action swaps the typed value for a select.
                try await browser.click(browser.element("#action_choice_0 option[value='\(printers)']"))
                try await browser.click(browser.element("#action_kind_1 option[value='add_tag']"))
                try await browser.type("printing", into: browser.element("#action_value_1"))
                try await browser.click(browser.element("form[action='/tickets/rules'] button[type='submit']"))
                try await page.expect(path: "/tickets/rules", h1: en("tickets.rules.title"), lang: "en")
                #expect(try await browser.text(of: "#main table tbody")?.contains("Printers") == true)
                #expect(try await browser.text(of: "#main table tbody .badge") == en("tickets.rules.enabled"))

                // MUT: which rules would match a ticket to be
                try await browser.click(browser.element(".page-actions a[href='/tickets/rules/test']"))
                try await page.expect(path: "/tickets/rules/test", h1: en("tickets.rules.test.title"), lang: "en")
                try await browser.type("The printer on floor 2 jams again", into: browser.element("#title"))
                try await browser.click(browser.element("form[action='/tickets/rules/test'] button[type='submit']"))
                try await page.expect(path: "/tickets/rules/test", h1: en("tickets.rules.test.title"), lang: "en")
                #expect(try await browser.text(of: "#verdicts tr[data-verdict='matched']")?.contains("Printers") == true)
                let changes = try await browser.text(of: "#verdicts dl") ?? ""
                #expect(changes.contains("Printers") && changes.contains("printing"), "\(changes)")
                // And on an existing ticket, by its reference.
                try await browser.open(server.url("/tickets/rules/test"))
                let reference = try #require(try await site.api("GET", "/api/v1/tickets/\(solved)")["reference"] as? String)
                try await browser.type(reference, into: browser.element("#ticket"))
                try await browser.click(browser.element("form[action='/tickets/rules/test'] button[type='submit']"))
                try await page.expect(path: "/tickets/rules/test", h1: en("tickets.rules.test.title"), lang: "en")
                #expect(try await browser.text(of: "#verdicts tbody tr")?.contains("Printers") == true)
                #expect(try await browser.execute("return document.querySelector('#verdicts tbody tr').dataset.verdict",
                                                  as: String.self) == "no_match")

                // MUT: disable the rule; the test page then says so
                try await browser.open(server.url("/tickets/rules"))
                try await browser.click(browser.element("form[action$='/toggle'] button"))
                try await page.expect(path: "/tickets/rules", h1: en("tickets.rules.title"), lang: "en")
                #expect(try await browser.text(of: "#main table tbody .badge") == en("tickets.rules.disabled"))

                // MUT: the reports — a chart and its table per report, CSV and SVG downloads
                try await browser.open(server.url("/tickets/reports"))
                try await page.expect(path: "/tickets/reports", h1: en("reports.title"), lang: "en")
                for report in ["backlog", "created-solved", "time-to-resolve", "sla-compliance", "time-spent"] {
                    try await browser.click(browser.element("#report option[value='\(report)']"))
                    try await browser.click(browser.element("form.report-form button[type='submit']"))
                    #expect(try await browser.wait { try await browser.currentURL().query?.contains("report=\(report)") == true })
                    try await page.expect(path: "/tickets/reports", h1: en("reports.title"), lang: "en")
                    let charts: [Int] = try await browser.execute("""
                        const svgs = [...document.querySelectorAll('figure.report-chart svg')];
                        return [svgs.length, svgs.filter(s => s.getBoundingClientRect().width > 100).length,
                                document.querySelectorAll('.report-section tbody tr').length];
                        """)
                    #expect(charts.count == 3 && charts[0] >= 1 && charts[1] == charts[0] && charts[2] >= 1,
                            "\(report): [charts, visible charts, table rows] = \(charts)")
                    let downloads: [String] = try await browser.execute("""
                        const get = a => fetch(a.href).then(r => r.text().then(t => r.status + ' ' + r.headers.get('content-type') + ' ' + (t.includes('<svg') ? 'svg' : t.trim().slice(0, 4))));
                        return Promise.all([...document.querySelectorAll('.table-footer a.export')].map(get));
                        """)
                    #expect(downloads.count == 2 && downloads[0].hasPrefix("200 text/csv")
                            && downloads[1].hasPrefix("200 image/svg+xml") && downloads[1].hasSuffix(" svg"),
                            "\(report): \(downloads)")
                }

                // MUT: the SLA dashboard; a card leads to the list it counts
                try await browser.open(server.url("/tickets/sla"))
                try await page.expect(path: "/tickets/sla", h1: en("sla.title"), lang: "en")
                let cards: Int = try await browser.execute("return document.querySelectorAll('.card-grid a.card').length")
                #expect(cards >= 2)
                #expect(try await browser.text(of: "#main table tbody")?.isEmpty == false, "compliance by entity")
                try await browser.click(browser.element(".card-grid a.card"))
                try await page.expect(path: "/tickets", h1: en("nav.tickets"), lang: "en")
            }
        }
    }
}

/// Waits for a page to load and checks what every page must show: the expected `h1`, the language,
/// no error page, the stylesheet applied and a clean browser console.
private struct PageChecker {
    let browser: WebDriver
    let server: ParcServeProcess

    func expect(path: String? = nil, pathPrefix: String? = nil, h1: String? = nil, lang: String, refused: Bool = false,
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
        try await expectNoErrors(refused: refused, sourceLocation: sourceLocation)
    }

    /// No error page, the stylesheet applied, nothing severe in the console (failed loads, script
    /// errors, Content-Security-Policy violations). With `refused`, the page is a form given back with its
    /// errors: its own 422 status is what Chromium reports, and only that is let through.
    func expectNoErrors(refused: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let path = try await browser.currentURL().path
        let errorPage = try await browser.text(of: ".error-page")
        #expect(errorPage == nil, "an error page shows on \(path): \(errorPage ?? "")", sourceLocation: sourceLocation)
        let styled: Bool = try await browser.execute(
            "return getComputedStyle(document.body).backgroundColor !== 'rgba(0, 0, 0, 0)'")
        #expect(styled, "the stylesheet did not apply on \(path)", sourceLocation: sourceLocation)
        let page = try await browser.currentURL().absoluteString
        let severe = try await browser.consoleLog().filter {
            $0.level == "SEVERE"
                && !(refused && $0.message.hasPrefix(page + " - ") && $0.message.contains("status of 422"))
        }
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

    /// Signs in through the login form and waits to leave it.
    func signIn(_ login: String, _ password: String) async throws {
        try await browser.open(server.url("/login"))
        try await browser.type(login, into: browser.element("#login"))
        try await browser.type(password, into: browser.element("#password"))
        try await browser.click(browser.element("form[action='/login'] button[type='submit']"))
        _ = try await browser.wait { try await browser.currentURL().path != "/login" }
    }

    /// The current value of a form field.
    func value(of selector: String) async throws -> String? {
        try await browser.execute("const e = document.querySelector(arguments[0]); return e ? e.value : null", [selector])
    }

    /// Sets a field's value as a script would (to empty it before typing).
    func setValue(_ value: String, of selector: String) async throws {
        let _: Bool = try await browser.execute("document.querySelector(arguments[0]).value = arguments[1]; return true",
                                                [selector, value])
    }

    /// The values of the options chosen in a select.
    func selected(in selector: String) async throws -> [String] {
        try await browser.execute("return [...document.querySelectorAll(arguments[0] + ' option:checked')].map(o => o.value)",
                                  [selector])
    }

    /// The inline errors of the page's forms, by the id of the field each one is about.
    func fieldErrors() async throws -> [String: String] {
        try await browser.execute("""
            const errors = {};
            document.querySelectorAll('.field.has-error').forEach(f => {
                const input = f.querySelector('input:not([type=hidden]), select, textarea');
                const error = f.querySelector('.field-error');
                if (input && error) errors[input.id] = error.textContent.replace(/[ \\t\\r\\n]+/g, ' ').trim();
            });
            return errors;
            """)
    }
}

/// A helpdesk as an administrator sets it up, through `parc admin create-token` and the API of the running server:
/// accounts, categories, assets, tickets.
private struct HelpdeskSite {
    let server: ParcServeProcess
    let token: String
    let rootID: String
    let adminID: String
    static let password = "correct horse battery staple"

    static func make(_ server: ParcServeProcess, login: String) async throws -> HelpdeskSite {
        let environment = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("PARC_") && $0.key != "DATABASE_URL"
        }
        let created = try await LaunchedProcess.run(
            try ParcServeProcess.locateExecutable(),
            ["admin", "create-token", "--data-dir", server.dataDirectory.path, "--login", login, "--name", "browser-tests"],
            input: "", environment: environment)
        guard created.status == 0,
              let token = created.output.split(separator: "\n").last?.trimmingCharacters(in: .whitespaces) else {
            throw TestProcessError("parc admin create-token exited with \(created.status):\n\(created.output)")
        }
        let anonymous = HelpdeskSite(server: server, token: token, rootID: "", adminID: "")
        let me = try await anonymous.api("GET", "/api/v1/me")
        return HelpdeskSite(server: server, token: token, rootID: try #require(me["entity_id"] as? String),
                            adminID: try #require(me["id"] as? String))
    }

    /// Calls the API as the administrator; anything but a 2xx fails with what the server said.
    @discardableResult
    func api(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> [String: Any] {
        let (status, json) = try await AgentEndToEndTests.API(server: server, token: token).call(method, path, body)
        guard (200..<300).contains(status) else {
            throw TestProcessError("\(method) \(path) answered \(status): \(String(describing: json))")
        }
        return json as? [String: Any] ?? [:]
    }

    func id(_ object: [String: Any]) throws -> String { try #require(object["id"] as? String) }

    /// An account with one profile on the root entity.
    func user(_ login: String, name: String, role: String, language: String?) async throws -> String {
        var body: [String: Any] = ["login": login, "display_name": name, "email": "\(login)@example.org",
                                   "password": Self.password, "entity_id": rootID, "role": role]
        if let language { body["language"] = language }
        return try await id(api("POST", "/api/v1/users", body))
    }

    func category(_ name: String) async throws -> String {
        try await id(api("POST", "/api/v1/ticket-categories", ["entity_id": rootID, "name": name]))
    }

    /// *Arrivée*: a Markdown checklist to start from, predefined values and the given required fields.
    func arrivalCategory(mandatory: [String]) async throws -> String {
        try await id(api("POST", "/api/v1/ticket-categories", [
            "entity_id": rootID, "name": "Arrivée", "template": "## Nom de l'arrivant\n\n## Date d'arrivée\n",
            "predefined": ["type": "request", "urgency": 2, "impact": 1, "title": "Arrivée : ", "tags": ["arrivée"]],
            "mandatory_fields": mandatory,
        ]))
    }

    /// A ticket for `requester`, assigned to the administrator unless `assigned` is false.
    func ticket(_ title: String, requester: String, assigned: Bool = true) async throws -> String {
        try await id(api("POST", "/api/v1/tickets", [
            "title": title, "description": "\(title).", "type": "incident", "urgency": 3, "impact": 3,
            "requester_ids": [requester], "assignee_ids": assigned ? [adminID] : [],
        ]))
    }
}
