import Foundation
import Testing

@testable import ParcCore

@Suite("Ticket templates")
struct TicketTemplateTests {
    static let limits = (title: 250, location: 255, tag: 50, tags: 20)

    func problems(_ template: TicketTemplate) -> [String: String] {
        template.problems(titleLimit: Self.limits.title, locationLimit: Self.limits.location,
                          tagLimit: Self.limits.tag, tagCount: Self.limits.tags)
    }

    @Test("mandatory fields come out in a stable order without repeats")
    func mandatoryOrder() {
        let template = TicketTemplate(mandatory: [.tags, .location, .tags, .assets])
        #expect(template.mandatory == [.location, .assets, .tags])
        #expect(!template.isEmpty)
        #expect(TicketTemplate().isEmpty)
    }

    @Test("a well-formed template has no problems")
    func valid() {
        let template = TicketTemplate(predefined: .init(type: "request", urgency: 2, impact: 1, title: "Arrivée : ",
                                                        location: "Accueil", tags: ["arrivée"]),
                                      mandatory: [.location])
        #expect(problems(template).isEmpty)
    }

    @Test("bad predefined values are named by field")
    func invalid() {
        let template = TicketTemplate(predefined: .init(type: "problem", urgency: 0, impact: 6,
                                                        title: String(repeating: "a", count: 251),
                                                        location: "a\nb", tags: ["ok", " "]))
        let found = problems(template)
        #expect(Set(found.keys) == ["predefined.type", "predefined.urgency", "predefined.impact", "predefined.title",
                                    "predefined.location", "predefined.tags"])
        #expect(found["predefined.urgency"] == "Use 1 to 5.")
    }

    @Test("too many tags, an overlong tag and a title on two lines are refused")
    func limits() {
        let many = TicketTemplate(predefined: .init(tags: (0...20).map { "t\($0)" }))
        #expect(problems(many)["predefined.tags"] == "Give at most 20 tags.")
        let long = TicketTemplate(predefined: .init(tags: [String(repeating: "x", count: 51)]))
        #expect(problems(long)["predefined.tags"] != nil)
        let twoLines = TicketTemplate(predefined: .init(title: "a\r\nb"))
        #expect(problems(twoLines)["predefined.title"] == "Keep it on one line.")
    }

    @Test("missing mandatory fields are listed; blank counts as missing")
    func missing() {
        let template = TicketTemplate(mandatory: [.location, .assets, .tags])
        let empty = TicketTemplate.Values(description: "PC en panne", location: "  ", tags: [" "], assetCount: 0)
        #expect(template.missingFields(in: empty, descriptionTemplate: nil) == ["location", "asset_ids", "tags"])
        let filled = TicketTemplate.Values(description: "PC en panne", location: "Bureau 12", tags: ["poste"],
                                           assetCount: 1)
        #expect(template.missingFields(in: filled, descriptionTemplate: nil).isEmpty)
    }

    @Test("a description sent back as the category's template, unchanged, is not a description")
    func untouchedDescription() {
        let start = "## Nom de l'arrivant\n\n## Date d'arrivée\n"
        let template = TicketTemplate()
        let untouched = TicketTemplate.Values(description: "  " + start + "\n\n", location: nil, tags: [], assetCount: 0)
        #expect(template.missingFields(in: untouched, descriptionTemplate: start) == ["description"])
        let written = TicketTemplate.Values(description: start + "Alice Martin", location: nil, tags: [], assetCount: 0)
        #expect(template.missingFields(in: written, descriptionTemplate: start).isEmpty)
        // A browser sends the textarea's lines ended by CR LF: still the template.
        let fromBrowser = TicketTemplate.Values(description: start.replacingOccurrences(of: "\n", with: "\r\n"),
                                                location: nil, tags: [], assetCount: 0)
        #expect(template.missingFields(in: fromBrowser, descriptionTemplate: start) == ["description"])
        // An empty template never makes a description missing.
        let any = TicketTemplate.Values(description: "x", location: nil, tags: [], assetCount: 0)
        #expect(template.missingFields(in: any, descriptionTemplate: "  \n").isEmpty)
    }

    @Test("moving a ticket into a category: every required field left empty counts, unless the change fills it")
    func enteringCategory() {
        let template = TicketTemplate(mandatory: [.location, .assets])
        let before = TicketTemplate.Values(description: "Écran noir", location: nil, tags: [], assetCount: 0)
        #expect(template.missingAfterChange(before: before, after: before, entering: true) == [.location, .assets])
        let filled = TicketTemplate.Values(description: "Écran noir", location: "Bureau 12", tags: [], assetCount: 1)
        #expect(template.missingAfterChange(before: before, after: filled, entering: true).isEmpty)
        let half = TicketTemplate.Values(description: "Écran noir", location: " ", tags: [], assetCount: 2)
        #expect(template.missingAfterChange(before: before, after: half, entering: true) == [.location])
    }

    @Test("a change within the category: only the required fields it empties count, not those already empty")
    func changeWithinCategory() {
        let template = TicketTemplate(mandatory: [.location, .assets, .tags])
        // Opened by mail: no location, no asset; a tag is there.
        let before = TicketTemplate.Values(description: "x", location: nil, tags: ["poste"], assetCount: 0)
        #expect(template.missingAfterChange(before: before, after: before, entering: false).isEmpty)
        let cleared = TicketTemplate.Values(description: "x", location: nil, tags: [], assetCount: 0)
        #expect(template.missingAfterChange(before: before, after: cleared, entering: false) == [.tags])
        #expect(TicketTemplate().missingAfterChange(before: before, after: cleared, entering: true).isEmpty)
    }

    @Test("a template survives JSON as the category stores it")
    func codable() throws {
        let template = TicketTemplate(predefined: .init(urgency: 4, location: "Salle serveur"), mandatory: [.assets])
        let data = try JSONEncoder().encode(template)
        #expect(try JSONDecoder().decode(TicketTemplate.self, from: data) == template)
    }
}
