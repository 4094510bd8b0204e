import Foundation
import Testing

@testable import ParcCore

@Suite("Asset fields set by hand, and names kept unique per entity")
struct AssetFieldRulesTests {
    @Test("text fields: 255 characters, comments 10 000, line breaks and tabs but no other control characters")
    func texts() {
        #expect(AssetFieldRules.textProblem(field: "location", value: String(repeating: "é", count: 255)) == nil)
        #expect(AssetFieldRules.textProblem(field: "location", value: String(repeating: "a", count: 256))
            == AssetFieldRules.tooLongMessage)
        #expect(AssetFieldRules.textProblem(field: "comment", value: String(repeating: "a", count: 10_000)) == nil)
        #expect(AssetFieldRules.textProblem(field: "comment", value: String(repeating: "a", count: 10_001))
            == AssetFieldRules.commentTooLongMessage)
        #expect(AssetFieldRules.textProblem(field: "comment", value: "two\nlines\tand a tab") == nil)
        #expect(AssetFieldRules.textProblem(field: "name", value: "bell\u{7}") == AssetFieldRules.controlCharactersMessage)
        #expect(AssetFieldRules.textProblem(field: "name", value: "nul\u{0}") == AssetFieldRules.controlCharactersMessage)
    }

    @Test("imported dates: ISO, or day first as French spreadsheets write them; impossible days refused",
          arguments: [
              ("2024-03-01", "2024-03-01"), ("01/03/2024", "2024-03-01"), ("1/3/2024", "2024-03-01"),
              ("31.12.2025", "2025-12-31"), ("29-02-2024", "2024-02-29"), ("29/02/2023", nil), ("03/31/2024", nil),
              ("2024/03/01", nil), ("01/03/24", nil), ("", nil), ("1/3/2024 10:00", nil), ("١/٣/٢٠٢٤", nil),
              ("001/3/2024", nil),
          ] as [(String, String?)])
    func dates(text: String, expected: String?) {
        #expect(AssetFieldRules.importedDate(text)?.description == expected)
    }

    @Test("imported amounts: decimal point or comma, spaces between thousands, a euro sign; nothing ambiguous",
          arguments: [
              ("849.9", 849.9), ("849,90", 849.9), ("1 234,50", 1234.5), ("1\u{202F}234,50 €", 1234.5), ("0", 0),
              ("1,234.50", nil), ("-5", nil), ("1e3", nil), ("12,3,4", nil), ("abc", nil), ("", nil), ("€", nil),
              ("inf", nil), ("99999999999999", nil),
          ] as [(String, Double?)])
    func costs(text: String, expected: Double?) {
        #expect(AssetFieldRules.importedCost(text) == expected)
    }

    @Test("a batch's names conflict with each other and with stored assets, except those the batch moves away")
    func nameClaims() {
        let alpha = UUID(), beta = UUID()
        let pc1 = UUID(), pc2 = UUID(), pc3 = UUID()
        let holders = [
            AssetNameClaims.Holder(assetID: pc1, entityID: alpha, name: "PC-01"),
            AssetNameClaims.Holder(assetID: pc2, entityID: alpha, name: "PC-02"),
            AssetNameClaims.Holder(assetID: pc3, entityID: beta, name: "PC-01"),
        ]
        // A new PC-01 in Alpha is taken (any case); in Beta too; a new PC-04 is free.
        #expect(AssetNameClaims.conflicts([.init(claimant: 2, assetID: nil, entityID: alpha, name: "pc-01"),
                                           .init(claimant: 3, assetID: nil, entityID: alpha, name: "PC-04")],
                                          holders: holders) == [2: AssetNameClaims.takenMessage])
        // Two rows giving one name in one entity: the second conflicts.
        #expect(AssetNameClaims.conflicts([.init(claimant: 2, assetID: nil, entityID: beta, name: "New"),
                                           .init(claimant: 5, assetID: nil, entityID: beta, name: "NEW")],
                                          holders: holders) == [5: AssetNameClaims.repeatedMessage])
        // Swapping two names within the batch is fine: each holder is renamed away.
        #expect(AssetNameClaims.conflicts([.init(claimant: 1, assetID: pc1, entityID: alpha, name: "PC-02"),
                                           .init(claimant: 2, assetID: pc2, entityID: alpha, name: "PC-01")],
                                          holders: holders).isEmpty)
        // Moving Beta's PC-01 into Alpha collides with Alpha's PC-01, which stays.
        #expect(AssetNameClaims.conflicts([.init(claimant: 7, assetID: pc3, entityID: alpha, name: "PC-01")],
                                          holders: holders) == [7: AssetNameClaims.takenMessage])
        // An asset keeping its own name is no conflict with itself.
        #expect(AssetNameClaims.conflicts([.init(claimant: 1, assetID: pc1, entityID: alpha, name: "pc-01")],
                                          holders: holders).isEmpty)
    }
}
