import Testing

@testable import OPCCCore

/// The three allocation methods of DOMAIN.md ("Money, budgets and years"), each test named after the rule it shows.
@Suite("Allocation methods")
struct AllocationMethodTests {
    private func pounds(_ n: Int64) -> Money { Money(pounds: n)! }
    private func pence(_ n: Int64) -> Money { Money(pence: n)! }

    /// Flattens a split so it can be compared (tuples are not Equatable inside arrays).
    private func flat(_ split: [(recipient: String, amount: Money)]) -> [String] {
        split.map { "\($0.recipient) \($0.amount.pence)" }
    }

    private let thamesValleyWeights: FormulaWeights = try! FormulaWeights([
        "population": 50, "crime": 25, "nonCrimeDemand": 25,
    ])

    /// One recipient's Thames Valley-style figures.
    private func input(_ id: String, _ population: Int64, _ crime: Int64, _ demand: Int64) -> FormulaInput {
        FormulaInput(recipient: id, factors: ["population": population, "crime": crime, "nonCrimeDemand": demand])
    }

    // MARK: Fixed per area

    @Test func cumbriaFixedTwoTimesFiftyThousand() async throws {
        let split = try AllocationMethod.fixedPerArea(amount: pounds(50_000), areas: ["Mirehouse", "Ormsgill"])
        #expect(split.map(\.area) == ["Mirehouse", "Ormsgill"])
        #expect(split.map(\.amount) == [pounds(50_000), pounds(50_000)])
        let total = try AllocationMethod.fixedPerAreaTotal(amount: pounds(50_000), areas: ["Mirehouse", "Ormsgill"])
        #expect(total == pounds(100_000))
        #expect(total.formatted == "£100,000.00")
    }

    @Test func fixedPerAreaRefusesNoAreasRepeatedAreasAndOverflow() {
        #expect(throws: AllocationError.noAreas) {
            try AllocationMethod.fixedPerArea(amount: pounds(35_000), areas: [])
        }
        #expect(throws: AllocationError.duplicateArea("Nuneaton and Bedworth")) {
            try AllocationMethod.fixedPerArea(
                amount: pounds(35_000), areas: ["Nuneaton and Bedworth", "Rugby", "Nuneaton and Bedworth"])
        }
        #expect(throws: AllocationError.blankArea(position: 2)) {
            try AllocationMethod.fixedPerArea(amount: pounds(35_000), areas: ["Rugby", " "])
        }
        #expect(throws: AllocationError.fixedTotalTooLarge(amount: Money.max, areas: 2)) {
            try AllocationMethod.fixedPerAreaTotal(amount: Money.max, areas: ["Rugby", "Warwick"])
        }
    }

    // MARK: Formula

    @Test func thamesValleyStyleFormulaSumsExactly() async throws {
        // £100,000.00 = 10,000,000p shared by population 50, crime 25, non-crime demand 25 (W = 100):
        //
        //   recipient    population        crime           non-crime demand
        //   GB-LAE-MIK   300,000 (3/7)     5,000 (5/9)     2,000 (2/11)
        //   GB-LAE-OXF   200,000 (2/7)     3,000 (3/9)     4,000 (4/11)
        //   GB-LAE-RDG   200,000 (2/7)     1,000 (1/9)     5,000 (5/11)
        //   total        700,000           9,000           11,000
        //
        // Shares over the common denominator 2772 (= lcm of 14, 36, 44):
        //   MIK = 1/2·3/7 + 1/4·5/9 + 1/4·2/11 = 3/14 + 5/36 + 1/22 = (594 + 385 + 126)/2772 = 1105/2772
        //   OXF = 1/2·2/7 + 1/4·3/9 + 1/4·4/11 = 1/7 + 1/12 + 1/11  = (396 + 231 + 252)/2772 =  879/2772
        //   RDG = 1/2·2/7 + 1/4·1/9 + 1/4·5/11 = 1/7 + 1/36 + 5/44  = (396 +  77 + 315)/2772 =  788/2772
        //   (1105 + 879 + 788 = 2772, so the shares are the whole.)
        // Exact quotas of 10,000,000p:
        //   MIK = 11,050,000,000/2772 = 3,986,291.486…p
        //   OXF =  8,790,000,000/2772 = 3,170,995.670…p
        //   RDG =  7,880,000,000/2772 = 2,842,712.842…p
        // Floors add up to 9,999,998p, so 2 pennies are left: they go to the largest remainders, RDG (.842) then
        // OXF (.670). MIK, the largest recipient, has the smallest remainder (.486) and gets none:
        //   MIK 3,986,291p, OXF 3,170,996p, RDG 2,842,713p = 10,000,000p.
        let inputs = [
            input("GB-LAE-RDG", 200_000, 1_000, 5_000),
            input("GB-LAE-MIK", 300_000, 5_000, 2_000),
            input("GB-LAE-OXF", 200_000, 3_000, 4_000),
        ]
        let split = try AllocationMethod.formulaSplit(
            total: pounds(100_000), weights: thamesValleyWeights, inputs: inputs)
        #expect(flat(split) == ["GB-LAE-MIK 3986291", "GB-LAE-OXF 3170996", "GB-LAE-RDG 2842713"])
        #expect(try Money.sum(split.map(\.amount)) == pounds(100_000))
    }

    @Test func formulaWeightsInPercentOrBasisPointsGiveTheSameSplit() async throws {
        let basisPoints = try FormulaWeights(["population": 5_000, "crime": 2_500, "nonCrimeDemand": 2_500])
        let inputs = [
            FormulaInput(recipient: "GB-LAE-MIK", factors: ["population": 3, "crime": 5, "nonCrimeDemand": 2]),
            FormulaInput(recipient: "GB-LAE-OXF", factors: ["population": 2, "crime": 3, "nonCrimeDemand": 4]),
            FormulaInput(recipient: "GB-LAE-RDG", factors: ["population": 2, "crime": 1, "nonCrimeDemand": 5]),
        ]
        let total = pence(53_333_350)  // Surrey's 2020/21 Community Safety Fund, £533,333.50
        let inPercent = try AllocationMethod.formulaSplit(total: total, weights: thamesValleyWeights, inputs: inputs)
        let inBasisPoints = try AllocationMethod.formulaSplit(total: total, weights: basisPoints, inputs: inputs)
        #expect(flat(inPercent) == flat(inBasisPoints))
        #expect(try Money.sum(inPercent.map(\.amount)) == total)
    }

    @Test func tiesAreBrokenByRecipientId() async throws {
        // Three equal recipients, given out of order: 100p is 33⅓p each, so one penny is left and the three
        // remainders are equal; it goes to the id that sorts first. With 200p (66⅔p each) two pennies are left.
        let weights = try FormulaWeights(["population": 1])
        let inputs = ["GB-LAE-CCC", "GB-LAE-AAA", "GB-LAE-BBB"].map {
            FormulaInput(recipient: $0, factors: ["population": 10_000])
        }
        let hundred = try AllocationMethod.formulaSplit(total: pence(100), weights: weights, inputs: inputs)
        #expect(flat(hundred) == ["GB-LAE-AAA 34", "GB-LAE-BBB 33", "GB-LAE-CCC 33"])
        let twoHundred = try AllocationMethod.formulaSplit(total: pence(200), weights: weights, inputs: inputs)
        #expect(flat(twoHundred) == ["GB-LAE-AAA 67", "GB-LAE-BBB 67", "GB-LAE-CCC 66"])
        // The same rule as Money.split(byWeights:) over the recipients in id order.
        #expect(try pence(100).split(byWeights: [1, 1, 1]) == hundred.map(\.amount))
    }

    @Test func eachBadFormulaInputIsRefusedWithItsNumbers() async throws {
        let weights = thamesValleyWeights
        func refusal(_ inputs: [FormulaInput]) -> AllocationError? {
            do {
                _ = try AllocationMethod.formulaSplit(total: pounds(1_000), weights: weights, inputs: inputs)
                return nil
            } catch {
                return error
            }
        }
        let formula = ["population", "crime", "nonCrimeDemand"]

        #expect(refusal([]) == .noRecipients)

        let duplicate = refusal([input("GB-LAE-OXF", 1, 1, 1), input("GB-LAE-OXF", 2, 2, 2)])
        #expect(duplicate == .duplicateRecipient("GB-LAE-OXF", times: 2))
        #expect(duplicate?.description == "recipient GB-LAE-OXF appears 2 times: each recipient may appear once")

        let missing = refusal([
            input("GB-LAE-MIK", 1, 1, 1),
            FormulaInput(recipient: "GB-LAE-OXF", factors: ["population": 1, "nonCrimeDemand": 1]),
        ])
        #expect(missing == .missingFactor(recipient: "GB-LAE-OXF", factor: "crime", formula: formula))
        #expect(missing?.description.contains("recipient GB-LAE-OXF has no value for factor 'crime'") == true)

        let misspelt = refusal([
            FormulaInput(
                recipient: "GB-LAE-OXF", factors: ["population": 1, "crime": 1, "nonCrimeDemand": 1, "popluation": 2])
        ])
        #expect(misspelt == .unknownFactor(recipient: "GB-LAE-OXF", factor: "popluation", formula: formula))

        let negative = refusal([input("GB-LAE-MIK", 1, 1, 1), input("GB-LAE-RDG", 300_000, -5_000, 1)])
        #expect(negative == .negativeFactorValue(recipient: "GB-LAE-RDG", factor: "crime", value: -5_000))
        #expect(
            negative?.description
                == "recipient GB-LAE-RDG has crime -5,000: factor values are counts and must be zero or more")

        let zeroSum = refusal([input("GB-LAE-MIK", 1, 0, 1), input("GB-LAE-OXF", 2, 0, 2)])
        #expect(zeroSum == .factorSumIsZero(factor: "crime", recipients: 2))
        #expect(zeroSum?.description.hasPrefix("factor 'crime' is 0 for all 2 recipients") == true)

        let blank = refusal([input("GB-LAE-MIK", 1, 1, 1), input("", 1, 1, 1)])
        #expect(blank == .blankRecipient(position: 2))

        let overflowing = refusal([input("GB-LAE-MIK", Int64.max, 1, 1), input("GB-LAE-OXF", 1, 1, 1)])
        #expect(overflowing == .factorSumTooLarge(factor: "population"))

        // Factor totals whose common denominator (100 × lcm ≈ 100 × 2^126) needs more than 128 bits: refused, not
        // trapped. Consecutive numbers share no factor, so their lcm is their product.
        let huge = refusal([input("GB-LAE-MIK", Int64.max, Int64.max - 1, 1)])
        let expectedTotals = ["population": Int64.max, "crime": Int64.max - 1, "nonCrimeDemand": 1]
        #expect(huge == .formulaTooLarge(weightTotal: 100, factorTotals: expectedTotals))
        #expect(huge?.description.contains("population 9,223,372,036,854,775,807") == true)
    }

    @Test func badFormulaWeightsAreRefusedWhenWritten() {
        #expect(throws: AllocationError.noFactors) { try FormulaWeights([:]) }
        #expect(throws: AllocationError.negativeWeight(factor: "crime", weight: -25)) {
            try FormulaWeights(["population": 50, "crime": -25])
        }
        #expect(throws: AllocationError.weightsSumToZero(factors: ["population", "crime"])) {
            try FormulaWeights(["population": 0, "crime": 0])
        }
        #expect(throws: AllocationError.duplicateFactor("crime")) {
            try FormulaWeights(["crime": 50, "crime": 25])
        }
        #expect(throws: AllocationError.weightsTooLarge) {
            try FormulaWeights(["population": Int64.max, "crime": 1])
        }
        #expect(AllocationError.negativeWeight(factor: "crime", weight: -25).description.contains("weight -25"))
    }

    @Test func aFactorWithZeroWeightChangesNothing() async throws {
        let withUnusedFactor = try FormulaWeights(["population": 1, "crime": 0])
        let inputs = [
            FormulaInput(recipient: "GB-LAE-A", factors: ["population": 2, "crime": 90]),
            FormulaInput(recipient: "GB-LAE-B", factors: ["population": 1, "crime": 10]),
        ]
        let split = try AllocationMethod.formulaSplit(total: pence(1_000), weights: withUnusedFactor, inputs: inputs)
        #expect(flat(split) == ["GB-LAE-A 667", "GB-LAE-B 333"])
    }

    // MARK: Size bands

    @Test func sizeBandsClassifySurreyGrants() async throws {
        let surrey = try SizeBands([.init("small", upTo: pounds(5_000)), .init("standard", upTo: nil)])
        #expect(surrey.band(for: .zero) == "small")
        #expect(surrey.band(for: pounds(5_000)) == "small")
        #expect(surrey.band(for: pence(500_001)) == "standard")
        #expect(surrey.band(for: Money.max) == "standard")
        #expect(AllocationMethod.grantRound(surrey) == .grantRound(surrey))

        let capped = try SizeBands([.init("small", upTo: pounds(5_000)), .init("standard", upTo: pounds(50_000))])
        #expect(capped.band(for: pounds(50_000)) == "standard")
        #expect(capped.band(for: pence(5_000_001)) == nil)
    }

    @Test func sizeBandsWithGapsOverlapsOrAnEarlyOpenBandAreRefused() {
        #expect(throws: AllocationError.noBands) { try SizeBands([]) }
        #expect(
            throws: AllocationError.bandLimitsNotAscending(
                band: "standard", limit: pounds(5_000), previous: "small", previousLimit: pounds(5_000))
        ) {
            try SizeBands([.init("small", upTo: pounds(5_000)), .init("standard", upTo: pounds(5_000))])
        }
        #expect(throws: AllocationError.openBandNotLast("standard")) {
            try SizeBands([.init("standard", upTo: nil), .init("large", upTo: pounds(100_000))])
        }
        #expect(throws: AllocationError.duplicateBandName("small")) {
            try SizeBands([.init("small", upTo: pounds(1_000)), .init("small", upTo: pounds(5_000))])
        }
        let message = AllocationError.bandLimitsNotAscending(
            band: "standard", limit: pounds(4_000), previous: "small", previousLimit: pounds(5_000)
        ).description
        #expect(message.hasPrefix("size band 'standard' goes up to £4,000.00, which is not above the £5,000.00 limit"))
    }
}
