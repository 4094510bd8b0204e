import Testing

@testable import ParcCore

@Suite("QR code")
struct QRCodeTests {
    /// Inputs covering small and large versions, a version with unequal blocks and every level.
    static let samples: [(byteCount: Int, errorCorrection: QRCode.ErrorCorrection)] = [
        (4, .medium), (20, .low), (61, .high), (91, .quartile), (300, .medium), (1000, .low), (2331, .medium),
    ]

    static func sampleBytes(count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 * 31 + 7) }
    }

    static func sampleCode(byteCount: Int, errorCorrection: QRCode.ErrorCorrection) throws -> QRCode {
        try QRCode(bytes: sampleBytes(count: byteCount), errorCorrection: errorCorrection)
    }

    // MARK: Function patterns

    @Test("finder patterns with light separators sit at the top-left, top-right and bottom-left", arguments: samples)
    func finderPatterns(byteCount: Int, errorCorrection: QRCode.ErrorCorrection) throws {
        // setup
        let code = try Self.sampleCode(byteCount: byteCount, errorCorrection: errorCorrection)
        let far = code.size - 7

        // validate
        for (originX, originY) in [(0, 0), (far, 0), (0, far)] {
            for dy in -1...7 {
                for dx in -1...7 {
                    let x = originX + dx
                    let y = originY + dy
                    guard (0..<code.size).contains(x), (0..<code.size).contains(y) else { continue }
                    // 0 at the centre, 1 for the rest of the 3 × 3 core, 2 and 3 for the rings, 4 for the separator.
                    let ring = max(abs(2 * dx - 6), abs(2 * dy - 6)) / 2
                    #expect(code.isDark(x: x, y: y) == (ring != 2 && ring != 4), "finder at (\(originX), \(originY))")
                }
            }
        }
    }

    @Test("timing patterns alternate dark and light along row 6 and column 6 between the finders", arguments: samples)
    func timingPatterns(byteCount: Int, errorCorrection: QRCode.ErrorCorrection) throws {
        let code = try Self.sampleCode(byteCount: byteCount, errorCorrection: errorCorrection)
        for index in 8..<(code.size - 8) {
            #expect(code.isDark(x: index, y: 6) == index.isMultiple(of: 2))
            #expect(code.isDark(x: 6, y: index) == index.isMultiple(of: 2))
        }
    }

    @Test("alignment patterns are drawn at every centre pairing that does not overlap a finder")
    func alignmentPatterns() throws {
        // setup
        let code = try Self.sampleCode(byteCount: 61, errorCorrection: .high)
        let finderCorners: Set<[Int]> = [[6, 6], [6, 38], [38, 6]]

        // validate
        #expect(code.version == 7)
        for centreY in [6, 22, 38] {
            for centreX in [6, 22, 38] where !finderCorners.contains([centreX, centreY]) {
                for dy in -2...2 {
                    for dx in -2...2 {
                        #expect(code.isDark(x: centreX + dx, y: centreY + dy) == (max(abs(dx), abs(dy)) != 1))
                    }
                }
            }
        }
    }

    @Test(
        "alignment pattern centres match the standard's table",
        arguments: [
            (1, []), (2, [6, 18]), (6, [6, 34]), (7, [6, 22, 38]), (14, [6, 26, 46, 66]), (15, [6, 26, 48, 70]),
            (32, [6, 34, 60, 86, 112, 138]), (36, [6, 24, 50, 76, 102, 128, 154]),
            (40, [6, 30, 58, 86, 114, 142, 170]),
        ]
    )
    func alignmentCentres(version: Int, centres: [Int]) {
        #expect(QRVersion(version).alignmentPatternCentres == centres)
    }

    @Test("the dark module above the bottom-left format copy is always dark", arguments: samples)
    func darkModule(byteCount: Int, errorCorrection: QRCode.ErrorCorrection) throws {
        let code = try Self.sampleCode(byteCount: byteCount, errorCorrection: errorCorrection)
        #expect(code.isDark(x: 8, y: code.size - 8))
    }

    @Test("the codeword area formula equals the modules the function patterns leave free, in every version")
    func dataModuleCount() {
        for version in QRVersion.all {
            let free = QRModuleMatrix(version: version).functionModules.count(where: { !$0 })
            #expect(free == version.dataModuleCount, "version \(version.number)")
        }
    }

    // MARK: Format and version information

    /// Reads format information from the positions of ISO/IEC 18004 figure 25, bit 14 first.
    static func formatBits(of code: QRCode, secondCopy: Bool) -> Int {
        let n = code.size
        let positions: [(x: Int, y: Int)] =
            secondCopy
            ? [
                (8, n - 1), (8, n - 2), (8, n - 3), (8, n - 4), (8, n - 5), (8, n - 6), (8, n - 7),
                (n - 8, 8), (n - 7, 8), (n - 6, 8), (n - 5, 8), (n - 4, 8), (n - 3, 8), (n - 2, 8), (n - 1, 8),
            ]
            : [
                (0, 8), (1, 8), (2, 8), (3, 8), (4, 8), (5, 8), (7, 8), (8, 8),
                (8, 7), (8, 5), (8, 4), (8, 3), (8, 2), (8, 1), (8, 0),
            ]
        return positions.reduce(0) { $0 << 1 | (code.isDark(x: $1.x, y: $1.y) ? 1 : 0) }
    }

    @Test(
        "both format information copies pass the BCH check and name the level and mask",
        arguments: QRCode.ErrorCorrection.allCases, QRMask.allCases
    )
    func formatInformation(errorCorrection: QRCode.ErrorCorrection, mask: QRMask) throws {
        // setup
        let code = try QRCode(bytes: Array("otpauth://totp/Parc".utf8), errorCorrection: errorCorrection, mask: mask)

        // MUT
        let first = QRFormatInformation(bits: Self.formatBits(of: code, secondCopy: false))
        let second = QRFormatInformation(bits: Self.formatBits(of: code, secondCopy: true))

        // validate
        #expect(code.mask == mask)
        #expect(first == QRFormatInformation(errorCorrection: errorCorrection, mask: mask))
        #expect(second == first)
    }

    @Test(
        "format information bits match the standard's table",
        arguments: [
            (QRCode.ErrorCorrection.medium, QRMask.pattern0, 0x5412), (.medium, .pattern1, 0x5125),
            (.medium, .pattern2, 0x5E7C), (.medium, .pattern3, 0x5B4B), (.low, .pattern0, 0x77C4),
            (.low, .pattern1, 0x72F3), (.high, .pattern0, 0x1689),
        ]
    )
    func formatInformationTable(errorCorrection: QRCode.ErrorCorrection, mask: QRMask, bits: Int) {
        #expect(QRFormatInformation(errorCorrection: errorCorrection, mask: mask).bits == bits)
    }

    @Test("format information with a flipped bit is not taken as exact")
    func formatInformationRejectsErrors() {
        let bits = QRFormatInformation(errorCorrection: .quartile, mask: .pattern5).bits
        for bit in 0..<15 {
            #expect(QRFormatInformation(bits: bits ^ (1 << bit)) == nil)
        }
    }

    @Test("version information matches the standard's table", arguments: [(7, 0x07C94), (8, 0x085BC), (40, 0x28C69)])
    func versionInformationTable(version: Int, bits: Int) {
        #expect(QRVersion(version).informationBits == bits)
    }

    @Test("versions below 7 carry no version information")
    func noVersionInformationBelow7() {
        #expect((1...6).allSatisfy { QRVersion($0).informationBits == nil })
    }

    @Test("both version information blocks hold the version and its BCH check bits", arguments: samples)
    func versionInformation(byteCount: Int, errorCorrection: QRCode.ErrorCorrection) throws {
        // setup
        let code = try Self.sampleCode(byteCount: byteCount, errorCorrection: errorCorrection)
        guard code.version >= 7 else { return }

        // MUT
        var topRight = 0
        var bottomLeft = 0
        for index in 0..<18 {
            topRight |= (code.isDark(x: code.size - 11 + index % 3, y: index / 3) ? 1 : 0) << index
            bottomLeft |= (code.isDark(x: index / 3, y: code.size - 11 + index % 3) ? 1 : 0) << index
        }

        // validate
        #expect(topRight >> 12 == code.version)
        #expect(BCHCode.remainder(of: topRight, generator: BCHCode.versionGenerator) == 0)
        #expect(bottomLeft == topRight)
    }

    // MARK: Capacity

    @Test(
        "the smallest version that holds the data is chosen",
        arguments: [
            (17, QRCode.ErrorCorrection.low, 1), (18, .low, 2), (14, .medium, 1), (15, .medium, 2),
            (11, .quartile, 1), (12, .quartile, 2), (7, .high, 1), (8, .high, 2), (230, .low, 9), (231, .low, 10),
            (271, .low, 10), (272, .low, 11), (2953, .low, 40), (2331, .medium, 40), (1663, .quartile, 40),
            (1273, .high, 40),
        ]
    )
    func smallestVersion(byteCount: Int, errorCorrection: QRCode.ErrorCorrection, version: Int) throws {
        let code = try Self.sampleCode(byteCount: byteCount, errorCorrection: errorCorrection)
        #expect(code.version == version)
        #expect(code.size == 4 * version + 17)
    }

    @Test(
        "data beyond what version 40 holds is refused with the limit",
        arguments: [
            (2954, QRCode.ErrorCorrection.low, 2953), (2332, .medium, 2331), (1664, .quartile, 1663),
            (1274, .high, 1273),
        ]
    )
    func tooLong(byteCount: Int, errorCorrection: QRCode.ErrorCorrection, maximum: Int) {
        let expected = QRCodeError.dataTooLong(
            byteCount: byteCount,
            maximumByteCount: maximum,
            errorCorrection: errorCorrection
        )
        #expect(throws: expected) {
            try Self.sampleCode(byteCount: byteCount, errorCorrection: errorCorrection)
        }
    }

    @Test("the too-long error says how much fits and what to do")
    func tooLongMessage() {
        let message = QRCodeError.dataTooLong(byteCount: 3000, maximumByteCount: 2953, errorCorrection: .low)
            .description
        #expect(message.contains("3000 bytes"))
        #expect(message.contains("level L holds at most 2953 bytes"))
        #expect(message.contains("lower error-correction level"))
    }

    @Test("block layouts add up and give the standard's data codeword counts")
    func blockLayouts() {
        let known: [Int: [QRCode.ErrorCorrection: Int]] = [
            1: [.low: 19, .medium: 16, .quartile: 13, .high: 9],
            5: [.low: 108, .medium: 86, .quartile: 62, .high: 46],
            10: [.low: 274, .medium: 216, .quartile: 154, .high: 122],
            40: [.low: 2956, .medium: 2334, .quartile: 1666, .high: 1276],
        ]
        for version in QRVersion.all {
            for level in QRCode.ErrorCorrection.allCases {
                let layout = QRBlockStructure(version: version, errorCorrection: level)
                let longBlocks = layout.blockCount - layout.shortBlockCount
                #expect((1...layout.blockCount).contains(layout.shortBlockCount))
                #expect(
                    layout.shortBlockCount * layout.shortBlockDataCodewordCount
                        + longBlocks * (layout.shortBlockDataCodewordCount + 1) == layout.dataCodewordCount
                )
                if let expected = known[version.number]?[level] {
                    #expect(layout.dataCodewordCount == expected, "version \(version.number)-\(level)")
                }
            }
        }
    }

    // MARK: Codewords

    @Test("Reed–Solomon codewords match the worked example of ISO/IEC 18004 annex I")
    func reedSolomon() {
        // setup: "01234567" in version 1-M, numeric mode.
        let data: [UInt8] = [
            0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11,
        ]

        // MUT
        let errorCorrection = ReedSolomonEncoder(degree: 10).errorCorrectionCodewords(for: data)

        // validate
        #expect(errorCorrection == [0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55])
    }

    @Test("byte mode data is mode, count, bytes, terminator, then alternating pad codewords")
    func byteModeCodewords() {
        let codewords = QRByteModeEncoder.dataCodewords(for: [0x41, 0x42], version: QRVersion(1), dataCodewordCount: 6)
        // 0100 00000010 01000001 01000010 0000, then pads.
        #expect(codewords == [0x40, 0x24, 0x14, 0x20, 0xEC, 0x11])
    }

    @Test("interleaving takes codewords from each block in turn, the longer blocks' extra one last")
    func interleaving() {
        // setup: version 5-Q has two blocks of 15 data codewords, then two of 16.
        let layout = QRBlockStructure(version: QRVersion(5), errorCorrection: .quartile)
        let data = (0..<62).map { UInt8($0) }

        // MUT
        let sequence = QRCodewordInterleaver.finalSequence(data: data, structure: layout)

        // validate
        #expect(layout.shortBlockCount == 2 && layout.shortBlockDataCodewordCount == 15)
        #expect(sequence.count == 134)
        #expect(Array(sequence.prefix(8)) == [0, 15, 30, 46, 1, 16, 31, 47])
        #expect(Array(sequence[56..<62]) == [14, 29, 44, 60, 45, 61])
    }

    // MARK: Masking

    @Test("mask patterns follow the standard's conditions at sample modules")
    func maskConditions() {
        #expect(QRMask.pattern0.inverts(row: 0, column: 0) && !QRMask.pattern0.inverts(row: 0, column: 1))
        #expect(QRMask.pattern1.inverts(row: 2, column: 1) && !QRMask.pattern1.inverts(row: 1, column: 0))
        #expect(QRMask.pattern2.inverts(row: 1, column: 3) && !QRMask.pattern2.inverts(row: 0, column: 1))
        #expect(QRMask.pattern3.inverts(row: 1, column: 2) && !QRMask.pattern3.inverts(row: 1, column: 1))
        #expect(QRMask.pattern4.inverts(row: 1, column: 2) && !QRMask.pattern4.inverts(row: 2, column: 0))
        #expect(QRMask.pattern5.inverts(row: 0, column: 5) && !QRMask.pattern5.inverts(row: 1, column: 1))
        #expect(QRMask.pattern6.inverts(row: 1, column: 1) && !QRMask.pattern6.inverts(row: 1, column: 5))
        #expect(QRMask.pattern7.inverts(row: 0, column: 0) && !QRMask.pattern7.inverts(row: 1, column: 1))
    }

    @Test("penalty rule 1 charges runs of five or more by their length")
    func runPenalty() {
        #expect(QRMaskPenalty.runPenalty([true, true, true, true, false, true]) == 0)
        #expect(QRMaskPenalty.runPenalty([true, true, true, true, true, false]) == 3)
        #expect(QRMaskPenalty.runPenalty(Array(repeating: false, count: 7) + [true]) == 5)
        #expect(QRMaskPenalty.runPenalty(Array(repeating: true, count: 5) + Array(repeating: false, count: 6)) == 7)
    }

    @Test("penalty rule 2 charges every 2 × 2 block of one colour, overlapping ones too")
    func blockPenalty() {
        #expect(QRMaskPenalty.blockPenalty(modules: Array(repeating: true, count: 9), size: 3) == 12)
        #expect(QRMaskPenalty.blockPenalty(modules: [true, false, false, true], size: 2) == 0)
    }

    @Test("penalty rule 3 charges finder-like runs with four light modules on either side, quiet zone included")
    func finderLikePenalty() {
        let finderLike = [true, false, true, true, true, false, true]
        let light = [Bool](repeating: false, count: 4)
        let dark = [Bool](repeating: true, count: 4)
        #expect(QRMaskPenalty.finderLikePenalty(light + finderLike + dark) == 40)
        #expect(QRMaskPenalty.finderLikePenalty(finderLike) == 80)
        #expect(QRMaskPenalty.finderLikePenalty(dark + finderLike + dark) == 0)
    }

    @Test("penalty rule 4 charges 10 per full 5 % away from half dark")
    func balancePenalty() {
        let elevenOfTwenty = Array(repeating: true, count: 11) + Array(repeating: false, count: 9)
        #expect(QRMaskPenalty.balancePenalty(modules: [true, false]) == 0)
        #expect(QRMaskPenalty.balancePenalty(modules: elevenOfTwenty) == 10)
        #expect(QRMaskPenalty.balancePenalty(modules: Array(repeating: true, count: 20)) == 100)
    }

    @Test(
        "the chosen mask scores lowest of the eight, the lowest reference winning ties",
        arguments: samples.prefix(4)
    )
    func chosenMaskScoresLowest(byteCount: Int, errorCorrection: QRCode.ErrorCorrection) throws {
        // setup
        let bytes = Self.sampleBytes(count: byteCount)
        let penalties = try QRMask.allCases.map { mask in
            let code = try QRCode(bytes: bytes, errorCorrection: errorCorrection, mask: mask)
            return QRMaskPenalty.score(modules: code.modules, size: code.size)
        }

        // MUT
        let code = try QRCode(bytes: bytes, errorCorrection: errorCorrection)

        // validate
        let lowest = try #require(penalties.min())
        #expect(code.mask.rawValue == penalties.firstIndex(of: lowest))
    }

    // MARK: Whole symbols

    /// "Parc" at level M; zbarimg 0.23.92 decoded these rows when they were recorded.
    static let goldenVersion1 = [
        "#######.....#.#######",
        "#.....#...#.#.#.....#",
        "#.###.#.####..#.###.#",
        "#.###.#.#..##.#.###.#",
        "#.###.#.#.###.#.###.#",
        "#.....#.#.#.#.#.....#",
        "#######.#.#.#.#######",
        "........##.##........",
        "#.#####..#..#.#####..",
        ".##.#...##..#..#..#.#",
        ".....##..#.#.#..####.",
        "##.....#.#.....####..",
        ".##.#####..#.#..##...",
        "........#.#####...##.",
        "#######..#..#.##...#.",
        "#.....#.#######..##..",
        "#.###.#.#.#.#..#...#.",
        "#.###.#.#...#..#..#..",
        "#.###.#.##.#.#..##...",
        "#.....#...#....##.#..",
        "#######.#..#.#..#.##.",
    ]

    /// An otpauth URI at level H: version 7, with version information and blocks of unequal length; zbarimg 0.23.92
    /// decoded these rows when they were recorded.
    static let goldenVersion7 = [
        "#######.#####.#####.#.##......####..#.#######",
        "#.....#..#....#.#####...##.#...#...#..#.....#",
        "#.###.#.#.#...##...#.#...#..#.#..#.#..#.###.#",
        "#.###.#..#.#.##...######....##.#.#.##.#.###.#",
        "#.###.#.#####.....#############.#.###.#.###.#",
        "#.....#....#.##..##.#...##.#...##.....#.....#",
        "#######.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#######",
        "........#....###.####...#.#####.#.#.#........",
        ".....##....###.##.#.######..##...#.#..#.#.#.#",
        "..#.....#.###.....#..#.####..##.#.#.#####.#.#",
        ".#.#..##.#...##.#..#.##..#..###...##.##..#.#.",
        ".####..#..##.#....##.###.#...###..#......####",
        "....####.##..####.#.#.##.....#..##....#.#..##",
        "...#...#.####.###...#....#.#.#####..##.#.#.##",
        ".####.#..#...#.###...#...##.#....##.###..#.#.",
        ".##.##.#.#..######.######.....#..#.##.##.###.",
        "#.#...##.#.##..###.#.#.#.#.#####...#.#...#.##",
        "...#....##.###.####.#.##.##.#.##.#..##.##.###",
        "..##.#######..#..#.........##.##.##....####.#",
        "....##.##..#....##..#.##.#..##.##...#...#.#..",
        "#########....#.##.#######.###..#..#.#####..#.",
        "#...#...###..####..##...#....#.#.####...#.#..",
        "##..#.#.#.#..####..##.#.#.#...###..##.#.##.#.",
        "#.###...#..#.......##...#..###......#...####.",
        ".#..#####.#.#......######..#.#.##.########...",
        "#.......##....#.######.###########....##.####",
        ".###.##...###.#.###.####..#...#...#..#.#..##.",
        "....##.##.#.#..#...#...###...####.......#####",
        "##.#####.#......#..####........#.##...#####.#",
        "..#.##.##..#....#.#.......###.#........#..###",
        "##.#..###.....#.#.####..#....###.#..#.###..##",
        "#.#.#..#.#...##.##.#..#..##...##.....#...###.",
        "#....##.###......#.###...#.#..##....#..###..#",
        "###.#...##.##..#.#.##..##...###..##.#..#####.",
        "....#.##..#..##..##.###.###..#...##.......#..",
        ".####...#.#.....#.##.#.#...##...#.##.###.###.",
        "#..##.#.##.#.#...#.#######.#.#..##.######...#",
        "........#.#...#.###.#...#.#.##...#.##...##.##",
        "#######..#.##.#.#..##.#.#####..###..#.#.##.#.",
        "#.....#.#.#.#..#.####...#..#.#....###...####.",
        "#.###.#..##.......#.#####.#.#.#..#..#########",
        "#.###.#..#...##.#..##.##.......###...#...####",
        "#.###.#...#...#.####...#...#.##...#.#.#.#.###",
        "#.....#..##.#...####.#.##..#.#..#....#...##..",
        "#######...##..#...#.##...#.##..#.##.####...#.",
    ]

    static func rows(of code: QRCode) -> [String] {
        (0..<code.size).map { y in String((0..<code.size).map { code.isDark(x: $0, y: y) ? "#" : "." }) }
    }

    @Test("a short text at level M gives the recorded version 1 symbol, module for module")
    func goldenSmall() throws {
        let code = try QRCode(text: "Parc", errorCorrection: .medium)
        #expect(code.version == 1)
        #expect(Self.rows(of: code) == Self.goldenVersion1)
    }

    @Test("an otpauth URI at level H gives the recorded version 7 symbol, module for module")
    func goldenOTPAuth() throws {
        let uri = "otpauth://totp/Parc:alice?secret=JBSWY3DPEHPK3PXP&issuer=Parc"
        let code = try QRCode(text: uri, errorCorrection: .high)
        #expect(code.version == 7)
        #expect(Self.rows(of: code) == Self.goldenVersion7)
    }

    @Test("text is encoded as its UTF-8 bytes")
    func textIsUTF8() throws {
        let text = "Café crème — 日本語"
        #expect(try QRCode(text: text).modules == QRCode(bytes: Array(text.utf8)).modules)
    }

    @Test("the default error-correction level is M")
    func defaultLevel() throws {
        #expect(try QRCode(text: "Parc").errorCorrection == .medium)
    }

    @Test("modules outside the symbol read as light, like the quiet zone")
    func outsideIsLight() throws {
        let code = try QRCode(text: "Parc")
        #expect(!code.isDark(x: -1, y: 0) && !code.isDark(x: 0, y: -1))
        #expect(!code.isDark(x: code.size, y: 0) && !code.isDark(x: 0, y: code.size))
    }

    // MARK: SVG

    @Test("the SVG is one path of horizontal runs that redraws exactly the dark modules")
    func svgPathRedrawsModules() throws {
        // setup
        let code = try QRCode(text: "otpauth://totp/Parc:alice?secret=JBSWY3DPEHPK3PXP&issuer=Parc")
        let quietZone = 4

        // MUT
        let svg = code.svg(quietZone: quietZone, title: nil)

        // validate
        #expect(svg.split(separator: "<path").count == 2)
        let path = try #require(svg.split(separator: "d=\"").last?.split(separator: "\"").first)
        var dark = Set<[Int]>()
        for rectangle in path.split(separator: "z") {
            // M<x> <y>h<width>v1h-<width>
            let parts = rectangle.dropFirst().split(separator: "h")
            let origin = parts[0].split(separator: " ").compactMap { Int($0) }
            let width = try #require(Int(parts[1].dropLast(2)))
            #expect(parts[1].hasSuffix("v1") && parts[2] == "-\(width)")
            for x in origin[0]..<(origin[0] + width) {
                dark.insert([x - quietZone, origin[1] - quietZone])
            }
        }
        for y in 0..<code.size {
            for x in 0..<code.size {
                #expect(dark.contains([x, y]) == code.isDark(x: x, y: y))
            }
        }
    }

    @Test("the SVG has role img, a white background under the quiet zone, and the requested size and colour")
    func svgFrame() throws {
        let svg = try QRCode(text: "Parc").svg(moduleSize: 5, quietZone: 2, darkColor: "#123456", title: nil)
        let opening = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"125\" height=\"125\" viewBox=\"0 0 25 25\""
        #expect(svg.hasPrefix(opening))
        #expect(svg.contains("role=\"img\""))
        #expect(svg.contains("<rect width=\"25\" height=\"25\" fill=\"#fff\"/>"))
        #expect(svg.contains("<path fill=\"#123456\" d=\"M2 2h7v1h-7z"))
        #expect(!svg.contains("<title>"))
        #expect(svg.hasSuffix("</svg>"))
    }

    @Test("the SVG title is escaped and loses control characters XML cannot hold")
    func svgTitleEscaped() throws {
        let svg = try QRCode(text: "Parc").svg(title: "Scan <Parc> & \"enrol\" 'now'\u{7}")
        #expect(svg.contains("<title>Scan &lt;Parc&gt; &amp; &quot;enrol&quot; &apos;now&apos;</title>"))
    }
}
