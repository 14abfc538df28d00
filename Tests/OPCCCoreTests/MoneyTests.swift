import Foundation
import Testing

@testable import OPCCCore

@Suite("Money")
struct MoneyTests {
    private func money(_ text: String) throws -> Money { try Money(parsing: text) }

    @Test func moneyRoundTripsSurreyCommunitySafetyFundExactly() async throws {
        let fund = try money("£533,333.50")
        #expect(fund.pence == 53_333_350)
        #expect(fund.description == "£533,333.50")
        #expect(try money(fund.formatted) == fund)
    }

    @Test(arguments: [
        ("£1,234.56", Int64(123_456)),
        ("£100,000", 10_000_000),
        ("1234.56", 123_456),
        ("£533,333.50", 53_333_350),
        ("100000", 10_000_000),
        ("£0.50", 50),
        ("£5", 500),
        ("  £5.00\n", 500),
        ("\t1,234,567.89 ", 123_456_789),
        ("0", 0),
        ("£0.00", 0),
        ("£999", 99_900),
        ("£10,000,000,000.00", 1_000_000_000_000),
    ])
    func acceptedFormsParse(text: String, pence: Int64) throws {
        #expect(try money(text).pence == pence)
    }

    @Test(arguments: [
        ("£6.5k", MoneyParseError.Reason.suffix("k")),
        ("£2m", .suffix("m")),
        ("£1.2bn", .suffix("bn")),
        ("£1.234", .decimalPlaces(3)),
        ("12,34", .badGrouping),
        ("1,2345", .badGrouping),
        ("1234,567", .badGrouping),
        (",123", .badGrouping),
        ("1,234,56", .badGrouping),
        ("£1.5", .decimalPlaces(1)),
        ("£1.", .decimalPlaces(0)),
        ("£1.005", .decimalPlaces(3)),
        ("-£5", .negative),
        ("£-5", .negative),
        ("", .empty),
        ("   ", .empty),
        ("£", .empty),
        ("££5", .multiplePoundSigns),
        ("5£", .misplacedPoundSign),
        ("£1 234", .spaceInside),
        ("£ 5", .spaceInside),
        ("£١٢٣", .nonASCIIDigit),
        ("£１２", .nonASCIIDigit),
        ("1.2.3", .multiplePoints),
        ("£.50", .missingPounds),
        ("$5", .unexpectedCharacter("$")),
        ("1,234.56,7", .badGrouping),
        ("£92,233,720,368,547,758.08", .aboveCeiling),
        ("99999999999999999999", .aboveCeiling),
        ("£92,233,720,368,547,758.07", .aboveCeiling),
        ("£10,000,000,000.01", .aboveCeiling),
        ("10000000001", .aboveCeiling),
    ])
    func ambiguousAmountsAreRefusedWithTheAcceptedForm(text: String, reason: MoneyParseError.Reason) {
        #expect(throws: MoneyParseError(text: text, reason: reason)) { try Money(parsing: text) }
        do {
            _ = try Money(parsing: text)
        } catch {
            #expect(error.description.contains("'\(text)'"))
            #expect(error.description.contains("£1,234.56"))
            #expect(error.description.contains(error.problem))
        }
    }

    @Test func refusalsSayWhatIsWrong() {
        let oneDecimal = MoneyParseError(text: "£1.5", reason: .decimalPlaces(1))
        #expect(oneDecimal.description.contains("only one digit after the point"))
        let suffix = MoneyParseError(text: "£6.5k", reason: .suffix("k"))
        #expect(suffix.description.hasPrefix("'£6.5k' is not an amount of money"))
        #expect(suffix.description.contains("suffixes"))
        let reasons: [MoneyParseError.Reason] = [
            .empty, .suffix("k"), .decimalPlaces(3), .badGrouping, .negative, .aboveCeiling,
        ]
        let problems = Set(reasons.map { MoneyParseError(text: "x", reason: $0).problem })
        #expect(problems.count == reasons.count)
    }

    @Test(arguments: [
        (Int64(0), "£0.00"),
        (5, "£0.05"),
        (50, "£0.50"),
        (100, "£1.00"),
        (123_456, "£1,234.56"),
        (10_000_000, "£100,000.00"),
        (53_333_350, "£533,333.50"),
        (99_999_999, "£999,999.99"),
        (100_000_000, "£1,000,000.00"),
        (Int64.max, "£92,233,720,368,547,758.07"),
    ])
    func formattingAlwaysShowsPenceAndGroupsThousands(pence: Int64, text: String) throws {
        let amount = try #require(Money(pence: pence))
        #expect(amount.formatted == text)
        #expect("\(amount)" == text)
        if amount.isWithinCeiling {
            #expect(try Money(parsing: text) == amount)
        } else {
            // An old database can hold it, and it prints; it is never accepted again.
            #expect(throws: MoneyParseError(text: text, reason: .aboveCeiling)) { try Money(parsing: text) }
        }
    }

    @Test func negativePenceAndPoundsAreNotMoney() {
        #expect(Money(pence: -1) == nil)
        #expect(Money(pounds: -1) == nil)
        #expect(Money(pounds: Int64.max) == nil)
        #expect(Money(pounds: 100_000)?.pence == 10_000_000)
        #expect(Money.zero.pence == 0)
    }

    @Test func additionOverflowIsRefusedNotTrapped() async throws {
        let big = try #require(Money(pence: Int64.max - 1))
        let two = try #require(Money(pence: 2))
        #expect(throws: MoneyArithmeticError.overflow) { try big.adding(two) }
        #expect(throws: MoneyArithmeticError.overflow) { try Money.sum([big, two]) }
        #expect(throws: MoneyArithmeticError.overflow) { try two.multiplied(by: Int64.max) }
        #expect(try big.adding(Money(pence: 1)!) == Money.max)
        #expect(MoneyArithmeticError.overflow.description.contains("too large"))
    }

    @Test func subtractionBelowZeroIsRefused() async throws {
        let budget = try money("£38,000")
        let spend = try money("£76,000")
        #expect(throws: MoneyArithmeticError.wouldBeNegative(minuend: budget, subtrahend: spend)) {
            try budget.subtracting(spend)
        }
        #expect(try spend.subtracting(budget) == budget)
        #expect(try budget.subtracting(budget) == .zero)
        let description = MoneyArithmeticError.wouldBeNegative(minuend: budget, subtrahend: spend).description
        #expect(description.contains("£76,000.00"))
        #expect(description.contains("£38,000.00"))
    }

    @Test func multiplicationAndSumAreExact() async throws {
        let quarterly = try money("£25,000.25")
        #expect(try quarterly.multiplied(by: 4) == money("£100,001.00"))
        #expect(try quarterly.multiplied(by: 0) == .zero)
        #expect(throws: MoneyArithmeticError.negativeMultiplier(-1)) { try quarterly.multiplied(by: -1) }
        #expect(try Money.sum([]) == .zero)
        #expect(try Money.sum([money("£0.10"), money("£0.20")]) == money("£0.30"))
    }

    @Test func splitDistributesEveryPenny() async throws {
        let fund = try money("£100,000")
        #expect(try fund.split(byWeights: [50, 25, 25]) == [money("£50,000"), money("£25,000"), money("£25,000")])
        #expect(
            try money("£100.00").split(byWeights: [1, 1, 1]) == [money("£33.34"), money("£33.33"), money("£33.33")])
        // Ties go to the lower index; larger remainders win first.
        #expect(try money("£0.02").split(byWeights: [1, 1, 1]).map(\.pence) == [1, 1, 0])
        #expect(try money("£0.05").split(byWeights: [1, 3]).map(\.pence) == [1, 4])
        #expect(try money("£1.00").split(byWeights: [0, 1, 0]).map(\.pence) == [0, 100, 0])
        #expect(try Money.max.split(byWeights: [Int64.max / 2, Int64.max / 3]).map(\.pence).reduce(0, +) == Int64.max)

        var generator = SplitMix64(seed: 2016)
        for _ in 0..<2_000 {
            let whole = try #require(Money(pence: Int64(generator.next() % 100_000_000_000)))
            let count = Int(generator.next() % 7) + 1
            var weights = (0..<count).map { _ in Int64(generator.next() % 1_000) }
            if weights.allSatisfy({ $0 == 0 }) { weights[0] = 1 }
            let parts = try whole.split(byWeights: weights)
            #expect(parts.count == weights.count)
            #expect(try Money.sum(parts) == whole)
            let total = weights.reduce(0, +)
            for (part, weight) in zip(parts, weights) {
                let exact = Double(whole.pence) * Double(weight) / Double(total)
                #expect(abs(Double(part.pence) - exact) < 1.0 + 1e-6 * exact)
                if weight == 0 { #expect(part == .zero) }
            }
        }
    }

    @Test func splitRefusesWeightsThatCannotShare() async throws {
        let whole = try money("£10")
        #expect(throws: MoneySplitError.noWeights) { try whole.split(byWeights: []) }
        #expect(throws: MoneySplitError.negativeWeight(index: 1, weight: -2)) { try whole.split(byWeights: [1, -2]) }
        #expect(throws: MoneySplitError.allWeightsZero) { try whole.split(byWeights: [0, 0]) }
        #expect(throws: MoneySplitError.weightsTooLarge) { try whole.split(byWeights: [Int64.max, 1]) }
    }

    @Test func moneyEncodesAsIntegerPence() async throws {
        let fund = try money("£533,333.50")
        let data = try JSONEncoder().encode([fund])
        #expect(String(decoding: data, as: UTF8.self) == "[53333350]")
        #expect(try JSONDecoder().decode([Money].self, from: data) == [fund])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Money].self, from: Data("[-1]".utf8)) }
    }

    @Test func moneyOrdersByValue() async throws {
        #expect(try money("£0.99") < money("£1"))
        #expect(
            try [money("£5"), money("£0.50"), money("£1,000")].sorted().map(\.description)
                == ["£0.50", "£5.00", "£1,000.00"])
    }

    @Test(arguments: [
        (Int64(-3_800_000), "-£38,000.00"),
        (100, "£1.00"),
        (0, "£0.00"),
        (-5, "-£0.05"),
        (Int64.min, "-£92,233,720,368,547,758.08"),
    ])
    func signedMoneyFormatsTheSignBeforeThePound(pence: Int64, text: String) {
        #expect(SignedMoney(pence: pence).description == text)
    }

    @Test func signedMoneyArithmeticIsCheckedAndMayGoNegative() async throws {
        let budget = SignedMoney(try money("£38,000"))
        let spend = SignedMoney(try money("£76,000"))
        let variance = try budget.subtracting(spend)
        #expect(variance.description == "-£38,000.00")
        #expect(variance.isNegative)
        #expect(variance.money == nil)
        #expect(variance.magnitude == (try money("£38,000")))
        #expect(try variance.negated() == budget)
        #expect(try variance.adding(spend) == budget)
        #expect(try money("£38,000").difference(from: money("£76,000")) == variance)
        #expect(variance < .zero)
        #expect(throws: MoneyArithmeticError.overflow) { try SignedMoney(pence: Int64.min).negated() }
        #expect(throws: MoneyArithmeticError.overflow) {
            try SignedMoney(pence: Int64.max).adding(SignedMoney(pence: 1))
        }
        #expect(throws: MoneyArithmeticError.overflow) {
            try SignedMoney(pence: Int64.min).subtracting(SignedMoney(pence: 1))
        }
        #expect(SignedMoney(pence: Int64.min).magnitude == nil)
        #expect(try SignedMoney.sum([variance, budget, budget]) == budget.adding(budget).subtracting(budget))
    }

    @Test func moneyInAFileMayBeWrittenInPounds() async throws {
        let data = Data(#"["£25,000", "20000.00", 150]"#.utf8)
        #expect(
            try JSONDecoder().decode([Money].self, from: data).map(\.pence) == [2_500_000, 2_000_000, 150])
        let bad = #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([Money].self, from: Data(#"["£25,00.0"]"#.utf8))
        }
        #expect(bad != nil)
    }

    @Test func signedMoneyEncodesAsIntegerPence() async throws {
        let data = try JSONEncoder().encode([SignedMoney(pence: -3_800_000)])
        #expect(String(decoding: data, as: UTF8.self) == "[-3800000]")
        #expect(try JSONDecoder().decode([SignedMoney].self, from: data) == [SignedMoney(pence: -3_800_000)])
    }
}

/// A small deterministic generator so that the property-style split test is repeatable.
private struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
