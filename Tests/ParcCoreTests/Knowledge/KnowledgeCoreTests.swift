import Foundation
import Testing
@testable import ParcCore

@Suite("Knowledge base rules: who reads what, search words, snippets, templates, diffs")
struct KnowledgeCoreTests {
    // root › msp › (alpha › alpha-site, beta)
    let root = UUID()
    let alpha = UUID()
    let site = UUID()
    let beta = UUID()

    var tree: EntityTree {
        EntityTree([.init(id: root, parentID: nil, name: "Root"), .init(id: alpha, parentID: root, name: "Alpha"),
                    .init(id: site, parentID: alpha, name: "Site"), .init(id: beta, parentID: root, name: "Beta")])
    }

    func scope(_ role: Role, on entity: UUID, recursive: Bool = false, audience: KnowledgeAudience = .technician)
        -> KnowledgeReadScope
    {
        KnowledgeReadScope(scope: AccessScope(profiles: [Profile(entityID: entity, role: role, recursive: recursive)],
                                              tree: tree), tree: tree, audience: audience)
    }

    @Test("requesters read only FAQ articles; staff read technicians articles of their entities")
    func visibility() {
        let requester = scope(.requester, on: site)
        #expect(requester.canRead(entity: site, recursive: false, visibility: .faq, listed: []))
        #expect(!requester.canRead(entity: site, recursive: false, visibility: .technicians, listed: []))
        #expect(!requester.canRead(entity: site, recursive: false, visibility: .entities, listed: [site]))
        #expect(requester.canRead(entity: root, recursive: true, visibility: .faq, listed: []),
                "a recursive FAQ article of an entity above reaches the site")
        #expect(!requester.canRead(entity: root, recursive: false, visibility: .faq, listed: []))
        let technician = scope(.technician, on: alpha)
        #expect(technician.canRead(entity: alpha, recursive: false, visibility: .technicians, listed: []))
        #expect(!technician.canRead(entity: beta, recursive: true, visibility: .faq, listed: []), "another customer")
        #expect(technician.canRead(entity: root, recursive: false, visibility: .entities, listed: [alpha]))
        #expect(!technician.canRead(entity: root, recursive: false, visibility: .entities, listed: [beta]))
        #expect(technician.canRead(entity: alpha, recursive: false, visibility: .entities, listed: [beta]),
                "the writers of the article's entity read it to manage it")
        let siteTechnician = scope(.technician, on: site)
        #expect(siteTechnician.canRead(entity: root, recursive: true, visibility: .entities, listed: [alpha]))
        #expect(!siteTechnician.canRead(entity: root, recursive: false, visibility: .entities, listed: [alpha]))
        let portal = scope(.technician, on: alpha, audience: .requester)
        #expect(!portal.canRead(entity: alpha, recursive: false, visibility: .technicians, listed: []),
                "the requester audience narrows a technician to the FAQ")
        #expect(portal.canRead(entity: alpha, recursive: false, visibility: .faq, listed: []))
    }

    @Test("search words are folded, stripped of query syntax, and bounded")
    func searchTerms() {
        let terms = KnowledgeSearchTerms("Étiquette  d'IMPRIMANTE \"OR\" (NEAR) *x* -y")
        #expect(terms.words == ["etiquette", "d", "imprimante", "or", "near", "x", "y"])
        #expect(terms.fts5Match == "\"etiquette\" \"d\" \"imprimante\" \"or\" \"near\" \"x\" \"y\"*")
        #expect(KnowledgeSearchTerms("mot de passe").tsQuery == "mot & de & passe:*")
        #expect(KnowledgeSearchTerms("' ; DROP TABLE --").words == ["drop", "table"])
        #expect(KnowledgeSearchTerms(String(repeating: "a ", count: 500)).words.count == KnowledgeSearchTerms.maximumWords)
        #expect(KnowledgeSearchTerms("!!! ???").isEmpty)
        #expect(KnowledgeSearchTerms.fold("Cœur ÉLÈVE Ｆｕｌｌ") == "coeur eleve full")
    }

    @Test("snippets show the text around the first match, escaped, matches marked")
    func snippets() {
        let text = String(repeating: "avant ", count: 60) + "changer l'étiquette <b>vite</b> puis " + String(repeating: "après ", count: 60)
        let snippet = SearchSnippet(text: text, terms: KnowledgeSearchTerms("etiquette"), length: 80)
        #expect(snippet.html.contains("<mark>étiquette</mark>"))
        #expect(snippet.html.contains("&lt;b&gt;vite"))
        #expect(snippet.text.hasPrefix("…") && snippet.text.hasSuffix("…"))
        #expect(snippet.text.count < 120)
        let none = SearchSnippet(text: "rien à voir", terms: KnowledgeSearchTerms("imprimante"))
        #expect(none.text == "rien à voir" && none.parts.allSatisfy { !$0.isMatch })
    }

    @Test("every template has a skeleton in both languages; the reflex sheet asks when to escalate")
    func templates() {
        for template in ArticleTemplate.allCases where template != .free {
            #expect(!template.skeleton(.fr).isEmpty && !template.skeleton(.en).isEmpty)
            #expect(template.skeleton(.fr) != template.skeleton(.en))
        }
        #expect(ArticleTemplate.reflex.skeleton(.fr).contains("## Quand escalader"))
        #expect(ArticleTemplate.reflex.skeleton(.en).contains("## When to escalate"))
        #expect(SafeMarkdown.html(from: ArticleTemplate.procedure.skeleton(.fr)).contains("<ol>"))
    }

    @Test("line diffs keep shared lines and show what was removed and added")
    func diffs() {
        #expect(LineDiff.lines(from: "a\nb\nc", to: "a\nx\nc\nd") ==
                [.same("a"), .removed("b"), .added("x"), .same("c"), .added("d")])
        #expect(LineDiff.lines(from: "same", to: "same") == [.same("same")])
        #expect(LineDiff.lines(from: "", to: "new") == [.removed(""), .added("new")])
        let big = (0..<3000).map(String.init).joined(separator: "\n")
        let other = (0..<3000).map { "x\($0)" }.joined(separator: "\n")
        #expect(LineDiff.lines(from: big, to: other).count == 6000, "too big to compare: all removed, all added")
    }
}
