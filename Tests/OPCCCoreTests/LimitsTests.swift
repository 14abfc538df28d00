import Foundation
import Testing

@testable import OPCCCore

/// Issue 21 items 3 to 5 in the core: the money ceiling, the one text check, and CSV cells guarded against
/// formula injection.
@Suite("Limits")
struct CoreLimitsTests {
    // MARK: Money

    @Test(arguments: [
        "£92,233,720,368,547,758.07", "£10,000,000,000.01", "10000000000.01", "£10,000,000,001", "99999999999999",
    ])
    func anAmountAboveTenBillionPoundsIsRefusedWhateverItsForm(text: String) {
        #expect(throws: MoneyParseError(text: text, reason: .aboveCeiling)) { try Money(parsing: text) }
        let refusal = MoneyParseError(text: text, reason: .aboveCeiling)
        #expect(refusal.description.contains("above £10,000,000,000.00"))
    }

    @Test func tenBillionPoundsExactlyIsAccepted() async throws {
        #expect(try Money(parsing: "£10,000,000,000.00") == Money.ceiling)
        #expect(Money.ceiling.pence == 1_000_000_000_000)
        #expect(Money.ceiling.isWithinCeiling)
        #expect(!Money(pence: 1_000_000_000_001)!.isWithinCeiling)
    }

    @Test func aFileOrARequestGivingPenceAboveTheCeilingIsRefusedButStoredDataStillReads() async throws {
        let data = Data("[1000000000001]".utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Money].self, from: data) }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([Money].self, from: Data(#"["£92,233,720,368,547,758.07"]"#.utf8))
        }
        let stored = JSONDecoder()
        stored.userInfo[.moneyReadsStoredData] = true
        #expect(try stored.decode([Money].self, from: data) == [Money(pence: 1_000_000_000_001)!])
        #expect(try JSONDecoder().decode([Money].self, from: Data("[1000000000000]".utf8)) == [Money.ceiling])
    }

    @Test func exactBalancesNameAnAccountBeyondSixtyFourBitsInsteadOfStopping() async throws {
        let funding = LedgerAccount(.funding, office: "cumbria", year: FinancialYear(startYear: 2016))!
        let asb = LedgerAccount(.budget, office: "cumbria", year: FinancialYear(startYear: 2016), strand: "ASB")!
        let vic = LedgerAccount(.budget, office: "cumbria", year: FinancialYear(startYear: 2016), strand: "VIC")!
        let day = try Day(iso: "2016-04-01")
        let postings = try [asb, vic].map { budget in
            try Posting(
                office: "cumbria", day: day, cause: PostingCause(.budget, budget.key), memo: "",
                transfers: [Transfer(from: funding, to: budget, amount: .max)])
        }
        #expect(throws: LedgerError.overflow) { try LedgerBalances(postings) }
        let exact = LedgerBalances.exact(postings)
        #expect(exact[funding] == -2 * Int128(Int64.max))
        #expect(exact[asb] == Int128(Int64.max))
        #expect(exact.values.reduce(0, +) == 0)
    }

    @Test func reconciliationFiguresThatLeaveSixtyFourBitsAreMarkedNotTrapped() async throws {
        let year = FinancialYear(startYear: 2016)
        let funding = LedgerAccount(.funding, office: "cumbria", year: year)!
        let asb = LedgerAccount(.budget, office: "cumbria", year: year, strand: "ASB")!
        let sums = [(from: funding, to: asb, pence: Int64.max), (from: funding, to: asb, pence: Int64(1))]
        let lines = Reconciliation.lines(fromSums: sums)
        let line = ReconciliationLine(office: "cumbria", year: year, strand: "ASB", recipient: nil)
        #expect(lines[line]?.fits == false)
        let sound = Reconciliation.lines(fromSums: [(from: funding, to: asb, pence: Int64.max)])
        #expect(sound[line]?.fits == true)
        #expect(sound[line]?.unallocatedPence == Int64.max)
    }

    @Test func checkedSumsRefuseWithWhatWasBeingAddedUp() {
        #expect(throws: LedgerError.sumTooLarge(of: "x")) { try LedgerError.sum(Int64.max, 1, of: "x") }
        #expect(LedgerError.sumTooLarge(of: "x").description.contains("opcc finance reverse"))
        #expect((try? LedgerError.sum(2, 3, of: "x")) == 5)
    }

    // MARK: Text

    @Test(arguments: [
        (TextField.Kind.name, 300), (.short, 1_000), (.long, 100_000),
    ])
    func eachKindOfFieldHoldsItsLimitAndNotOneCharacterMore(kind: TextField.Kind, limit: Int) async throws {
        let full = String(repeating: "a", count: limit)
        #expect(try TextField.normalized(full, field: "f", kind: kind) == full)
        #expect(throws: TextFieldRefusal(field: "f", reason: .tooLong(characters: limit + 1, limit: limit))) {
            try TextField.normalized(full + "é", field: "f", kind: kind)
        }
    }

    @Test func aMillionCharacterTitleIsRefusedNamingTheFieldAndItsLength() {
        let title = String(repeating: "x", count: 1_000_000)
        #expect(throws: TextFieldRefusal(field: "title", reason: .tooLong(characters: 1_000_000, limit: 300))) {
            try TextField.normalized(title, field: "title", kind: .name)
        }
        let message = TextFieldRefusal(field: "title", reason: .tooLong(characters: 1_000_000, limit: 300)).description
        #expect(message == "title: is 1,000,000 characters long; the most it may be is 300")
    }

    @Test func crlfAndCRBecomeLFAndCountAsOneCharacter() async throws {
        #expect(try TextField.normalized("a\r\nb\rc\nd", field: "f", kind: .short) == "a\nb\nc\nd")
        #expect(try TextField.normalized("\r\n\r\n", field: "f", kind: .short) == "\n\n")
        // 500 CRLF pairs are 500 characters once normalised: within a short field.
        let breaks = String(repeating: "\r\n", count: 1_000)
        #expect(try TextField.normalized(breaks, field: "f", kind: .short).unicodeScalars.count == 1_000)
        #expect(throws: TextFieldRefusal(field: "f", reason: .tooLong(characters: 1_001, limit: 1_000))) {
            try TextField.normalized(breaks + "\r\n", field: "f", kind: .short)
        }
    }

    @Test(arguments: [
        ("a\u{0}b", TextFieldRefusal.Reason.controlCharacter(0, position: 2)),
        ("\u{1B}[31m", .controlCharacter(0x1B, position: 1)),
        ("ab\u{7F}", .controlCharacter(0x7F, position: 3)),
        ("\u{85}", .controlCharacter(0x85, position: 1)),
        ("a\u{8}", .controlCharacter(8, position: 2)),
        ("abc\u{202E}cba", .bidiControl(0x202E, position: 4)),
        ("\u{202A}", .bidiControl(0x202A, position: 1)),
        ("x\u{2066}", .bidiControl(0x2066, position: 2)),
        ("x\u{2069}", .bidiControl(0x2069, position: 2)),
    ])
    func controlAndBidiCharactersAreRefusedWithTheirPosition(text: String, reason: TextFieldRefusal.Reason) {
        for kind in TextField.Kind.allCases {
            #expect(throws: TextFieldRefusal(field: "purpose", reason: reason)) {
                try TextField.normalized(text, field: "purpose", kind: kind)
            }
        }
        #expect(TextFieldRefusal(field: "purpose", reason: reason).description.hasPrefix("purpose: character "))
    }

    @Test func tabsAndLineBreaksAreKeptInTextButANameIsOneLine() async throws {
        #expect(try TextField.normalized("a\tb\nc", field: "f", kind: .long) == "a\tb\nc")
        #expect(try TextField.normalized("a\tb", field: "title", kind: .name) == "a\tb")
        #expect(throws: TextFieldRefusal(field: "title", reason: .lineBreak(position: 2))) {
            try TextField.normalized("a\r\nb", field: "title", kind: .name)
        }
        // Other marks that only look odd are text: the left-to-right mark, a zero-width joiner, an emoji.
        let text = "a\u{200E}b\u{200D}c👩‍👩‍👧"
        #expect(try TextField.normalized(text, field: "f", kind: .name) == text)
    }

    /// Arbitrary Unicode, seeded: whatever comes in, what is accepted has no CR, no refused character and no more
    /// characters than the limit; it is accepted exactly when its normalised form qualifies; and checking again
    /// changes nothing.
    @Test func theCheckHoldsForArbitraryUnicode() async throws {
        var random = LimitsGenerator(seed: 21)
        for round in 0..<3_000 {
            let text = arbitraryText(using: &random, maxLength: round % 10 == 0 ? 1_200 : 40)
            let kind = TextField.Kind.allCases[round % 3]
            let expected = modelNormalised(text)
            let refusedScalar = expected.first { s in
                (TextField.isControl(s) && s != "\n" && s != "\t") || TextField.isBidiControl(s)
                    || (s == "\n" && !kind.allowsLineBreaks)
            }
            let shouldAccept = expected.count <= kind.limit && refusedScalar == nil
            do {
                let result = try TextField.normalized(text, field: "f", kind: kind)
                #expect(shouldAccept, "accepted \(Array(text.unicodeScalars))")
                #expect(Array(result.unicodeScalars) == expected)
                #expect(!result.unicodeScalars.contains("\r"))
                #expect(try TextField.normalized(result, field: "f", kind: kind) == result)
            } catch {
                #expect(!shouldAccept, "refused \(error) for \(Array(text.unicodeScalars))")
                #expect(error.field == "f")
                if case .tooLong(let characters, _) = error.reason { #expect(characters == expected.count) }
            }
        }
    }

    /// The normalisation written the simplest way, to check the real one against.
    private func modelNormalised(_ text: String) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            if scalars[i] == "\r" {
                out.append("\n")
                if i + 1 < scalars.count && scalars[i + 1] == "\n" { i += 1 }
            } else {
                out.append(scalars[i])
            }
            i += 1
        }
        return out
    }

    private func arbitraryText(using random: inout LimitsGenerator, maxLength: Int) -> String {
        // Mostly ordinary text, with the troublesome ranges drawn often: C0 and C1 controls, CR and LF, the bidi
        // controls and their neighbours, combining marks, and anything else in the Unicode range.
        let pools: [ClosedRange<UInt32>] = [
            0x20...0x7E, 0x0...0x1F, 0x7F...0x9F, 0xA0...0x2FF, 0x300...0x36F, 0x2020...0x2070, 0x1F300...0x1F6FF,
            0x0...0x10FFFF,
        ]
        var scalars: [Unicode.Scalar] = []
        let length = Int.random(in: 0...maxLength, using: &random)
        while scalars.count < length {
            let pool = pools[Int.random(in: 0..<pools.count, using: &random)]
            if Bool.random(using: &random) && Bool.random(using: &random) {
                let breaks: [Unicode.Scalar] = ["\r", "\n"]
                let count = Int.random(in: 1...2, using: &random)
                scalars.append(contentsOf: breaks.shuffled(using: &random).prefix(count))
                continue
            }
            if let scalar = Unicode.Scalar(UInt32.random(in: pool, using: &random)) { scalars.append(scalar) }
        }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: scalars)
        return String(text)
    }

    // MARK: CSV

    @Test(arguments: [
        ("=HYPERLINK(\"http://evil.example\",\"Click\")", "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"Click\"\")\""),
        ("=1+2", "'=1+2"), ("@SUM(A1)", "'@SUM(A1)"), ("+1", "'+1"), ("-1", "'-1"), ("\tx", "'\tx"),
        ("\rx", "\"'\rx\""), ("Carlisle City Council", "Carlisle City Council"), ("a=b", "a=b"), ("", ""),
        ("'=already", "'=already"),
    ])
    func aTextCellStartingLikeAFormulaIsPrefixedWithAQuote(text: String, written: String) {
        #expect(CSV.field(.text(text)) == written)
    }

    @Test func numbersAreNeverAltered() {
        #expect(
            CSV.line([.integer(Int64(-3_800_000)), .number("-12.50"), .integer(0), .integer(Int64?.none)])
                == "-3800000,-12.50,0,")
        #expect(CSV.line(["-1", "5"], numberColumns: [0]) == "-1,5")
        #expect(CSV.line(["-1", "-1"], numberColumns: [1]) == "'-1,-1")
        #expect(CSV.header(["=a", "b"]) == "'=a,b")
    }

    @Test func aTransparencyTableGuardsItsTextAndLeavesItsNumbers() {
        let table = TransparencyTable(
            title: "t", columns: ["recipient", "amountPence", "amountPounds", "areas"],
            rows: [[.string("=HYPERLINK(\"x\")"), .integer(-500), .pounds(pence: -500), .array([.string("@SUM(A1)")])]])
        #expect(
            table.csv()
                == "recipient,amountPence,amountPounds,areas\r\n\"'=HYPERLINK(\"\"x\"\")\",-500,-5.00,'@SUM(A1)\r\n")
        // JSON is never altered.
        #expect(table.json().contains("=HYPERLINK"))
        #expect(!table.json().contains("'="))
    }
}

/// SplitMix64: a small seeded generator, so that the arbitrary texts are the same on every run.
struct LimitsGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
