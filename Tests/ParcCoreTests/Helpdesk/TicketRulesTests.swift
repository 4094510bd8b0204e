import Foundation
import ParcCore
import Testing

@Suite("Ticket business rules")
struct TicketRulesTests {
    static let printers = "0B6D3A4E-8A53-4B2B-9C1D-2F3E4A5B6C7D"
    static let groupN1 = "9F8E7D6C-5B4A-4938-8271-605F4E3D2C1B"
    static func subject(title: String = "Imprimante bloquée", description: String = "Bourrage papier",
                        urgency: Int = 3, email: String = "rita@ecole.example") -> TicketRuleSubject {
        TicketRuleSubject(title: title, description: description, type: "incident", categoryPath: [],
                          entityPath: ["ROOT", "ALPHA"], source: "mail", urgency: urgency, impact: 3, tags: [],
                          requesterIDs: ["U1"], requesterEmails: [email])
    }

    @Test("rules run in order; keywords ignore case and accents; a rule's actions change what later rules see")
    func order() throws {
        let rules = [
            try TicketRule(name: "Imprimantes", conditions: [.init(.text, .contains, "IMPRIMANTE")],
                           actions: [.init(.setCategory, Self.printers), .init(.addTag, "impression")]).validated(),
            try TicketRule(name: "Catégorie imprimantes → groupe", conditions: [.init(.category, .is, Self.printers)],
                           actions: [.init(.assignGroup, Self.groupN1)]).validated(),
            try TicketRule(name: "Direction", conditions: [.init(.requesterEmail, .endsWith, "@direction.example")],
                           actions: [.init(.setPriority, "5")]).validated(),
        ]
        let outcome = TicketRuleEngine.run(rules, on: Self.subject(title: "L'imprimanté du CDI"))
        #expect(outcome.matched == [0, 1] && outcome.category == Self.printers && outcome.groups == [Self.groupN1])
        #expect(outcome.tags == ["impression"] && outcome.priority == nil)
        let direction = TicketRuleEngine.run(rules, on: Self.subject(title: "Écran", email: "chef@DIRECTION.example"))
        #expect(direction.matched == [2] && direction.priority == 5)
    }

    @Test("all or any, stop, levels, patterns")
    func matching() throws {
        let urgent = try TicketRule(name: "Urgent réseau", match: .all,
                                    conditions: [.init(.urgency, .atLeast, "4"), .init(.text, .matches, "r[ée]seau|wi-?fi")],
                                    actions: [.init(.setImpact, "4")], stop: true).validated()
        let never = try TicketRule(name: "Après", conditions: [.init(.title, .notContains, "zzz")],
                                   actions: [.init(.addTag, "vu")]).validated()
        let either = try TicketRule(name: "Mail ou téléphone", match: .any,
                                    conditions: [.init(.source, .is, "phone"), .init(.source, .is, "mail")],
                                    actions: [.init(.setType, "request")]).validated()
        let hit = TicketRuleEngine.run([urgent, never], on: Self.subject(title: "Wifi coupé", urgency: 5))
        #expect(hit.matched == [0] && hit.impact == 4, "stop ends the run")
        let miss = TicketRuleEngine.run([urgent, never], on: Self.subject(title: "Wifi coupé", urgency: 3))
        #expect(miss.matched == [1] && miss.tags == ["vu"])
        #expect(TicketRuleEngine.run([either], on: Self.subject()).type == "request")
    }

    @Test("bad rules are refused with a message that says what to fix")
    func validation() {
        let cases: [(TicketRule, String)] = [
            (TicketRule(name: " ", conditions: [.init(.title, .contains, "x")], actions: [.init(.addTag, "x")]), "name"),
            (TicketRule(name: "r", conditions: [], actions: [.init(.addTag, "x")]), "conditions"),
            (TicketRule(name: "r", conditions: [.init(.title, .contains, "x")], actions: []), "actions"),
            (TicketRule(name: "r", conditions: [.init(.title, .matches, "(")], actions: [.init(.addTag, "x")]), "pattern"),
            (TicketRule(name: "r", conditions: [.init(.title, .atLeast, "4")], actions: [.init(.addTag, "x")]), "urgency"),
            (TicketRule(name: "r", conditions: [.init(.title, .contains, "")], actions: [.init(.addTag, "x")]), "empty"),
            (TicketRule(name: "r", conditions: [.init(.title, .contains, "x")], actions: [.init(.setPriority, "7")]), "1 to 6"),
            (TicketRule(name: "r", conditions: [.init(.title, .contains, "x")], actions: [.init(.setCategory, "printers")]), "id"),
            (TicketRule(name: "r", conditions: [.init(.title, .contains, "x")], actions: [.init(.setType, "problem")]), "incident"),
        ]
        for (rule, message) in cases {
            do {
                _ = try rule.validated()
                Issue.record("accepted: \(rule)")
            } catch {
                #expect(error.description.contains(message), "\(error.description)")
            }
        }
    }

    @Test("rules round-trip through JSON as the database stores them")
    func coding() throws {
        let rule = try TicketRule(name: "Imprimantes", match: .any, conditions: [.init(.requesterEmail, .endsWith, "@x.fr")],
                                  actions: [.init(.assignGroup, UUID().uuidString)], stop: true).validated()
        #expect(try JSONDecoder().decode(TicketRule.self, from: JSONEncoder().encode(rule)) == rule)
    }

    @Test("runs_on: creation-only rules skip updates and the other way round; rules stored without it run on creation")
    func runsOn() throws {
        let onCreate = try TicketRule(name: "À l'ouverture", conditions: [.init(.text, .contains, "imprimante")],
                                      actions: [.init(.addTag, "ouverture")]).validated()
        let onUpdate = try TicketRule(name: "À la modification", conditions: [.init(.text, .contains, "imprimante")],
                                      actions: [.init(.addTag, "modif")], runsOn: .update).validated()
        let always = try TicketRule(name: "Toujours", conditions: [.init(.urgency, .atLeast, "1")],
                                    actions: [.init(.setSLAPolicy, Self.groupN1)], runsOn: .both).validated()
        let created = TicketRuleEngine.run([onCreate, onUpdate, always], on: Self.subject(), event: .create)
        #expect(created.matched == [0, 2] && created.tags == ["ouverture"] && created.slaPolicy == Self.groupN1)
        let updated = TicketRuleEngine.run([onCreate, onUpdate, always], on: Self.subject(), event: .update)
        #expect(updated.matched == [1, 2] && updated.tags == ["modif"])
        let stored = #"{"name":"Ancienne","match":"all","conditions":[{"field":"title","operator":"contains","value":"x"}],"actions":[{"kind":"add_tag","value":"x"}],"stop":false}"#
        #expect(try JSONDecoder().decode(TicketRule.self, from: Data(stored.utf8)).runsOn == .create)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(TicketRule.self, from: Data(stored.replacingOccurrences(of: "\"stop\":false",
                                                                                           with: "\"runs_on\":\"never\"").utf8))
        }
    }

    @Test("on update, an action whose field the change set by hand is left out and listed; the rule still matches")
    func setByHand() throws {
        let rule = try TicketRule(name: "VIP", conditions: [.init(.requesterEmail, .endsWith, "@direction.example")],
                                  actions: [.init(.setPriority, "5"), .init(.addTag, "vip")], runsOn: .both).validated()
        let outcome = TicketRuleEngine.run([rule], on: Self.subject(email: "chef@direction.example"), event: .update,
                                           setByHand: [.setPriority])
        #expect(outcome.matched == [0] && outcome.priority == nil && outcome.tags == ["vip"])
        #expect(outcome.skipped == ["VIP: set_priority"])
        #expect(TicketRuleEngine.run([rule], on: Self.subject(email: "chef@direction.example"), event: .update)
            .priority == 5)
    }

    @Test("set_sla_policy takes an id")
    func slaPolicyAction() {
        #expect(throws: TicketRuleError.self) {
            try TicketRule(name: "r", conditions: [.init(.title, .contains, "x")], actions: [.init(.setSLAPolicy, "Gold")])
                .validated()
        }
    }
}
