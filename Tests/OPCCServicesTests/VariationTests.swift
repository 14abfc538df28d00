import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

/// Variations of a running agreement (issue 5, item 4): amount, dates and plan lines, each approved with a reason,
/// and a new decision when the amount would exceed what the decision approved.
@Suite("Finance: grant variations")
struct VariationTests {
    let barrow = "cumbria-GA-0001"

    /// The agreement's instalments with the last unpaid one changed by `pence` (paid ones untouched).
    func payments(_ agreement: GrantAgreement, changingLastUnpaidBy pence: Int64) -> [GrantAgreement.PaymentInstalment]
    {
        var list = agreement.payments
        let index = list.lastIndex { $0.paidOn == nil }!
        list[index].amount = Money(pence: list[index].amount.pence + pence)!
        return list
    }

    /// The agreement's spend profile with its last quarter changed by `pence`.
    func profile(_ agreement: GrantAgreement, changingLastBy pence: Int64) -> [GrantAgreement.QuarterSpend] {
        var list = agreement.spendProfile
        list[list.count - 1].amount = Money(pence: list[list.count - 1].amount.pence + pence)!
        return list
    }

    func ledgerSize(_ store: TestStore) async throws -> Int {
        try await store.read { try $0.postings(office: "cumbria") }.count
    }

    @Test(arguments: TestEngine.all)
    func aReductionReturnsUnpaidMoneyToTheStrandAndKeepsTheAgreementEqualToItsAllocations(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let before = try await app.reconciliation(year: fy("2016/17"), office: "cumbria")
        let agreement = try await app.agreement(barrow)
        var request = Commissioning.VariationRequest(kind: .amount, reason: "Fewer sessions needed")
        request.amountChange = SignedMoney(pence: -500_000)
        request.payments = payments(agreement, changingLastUnpaidBy: -500_000)
        request.spendProfile = profile(agreement, changingLastBy: -500_000)
        let varied = try await app.varyAgreement(barrow, request, by: "cumbria.finance", on: day("2016-07-01"))
        #expect(varied.amount == money("£45,000"))
        #expect(varied.variations.last?.approvedBy == "cumbria.finance")
        #expect(varied.variations.last?.amountChange == SignedMoney(pence: -500_000))
        let live = try await app.store.read { tx in try tx.allocations(office: "cumbria") }.filter {
            varied.allocationIDs.contains($0.allocation.id)
        }
        #expect(live.map(\.allocation.amount.pence).reduce(0, +) == 4_500_000)
        let after = try await app.reconciliation(year: fy("2016/17"), office: "cumbria")
        #expect(row(after, strand: "ASB")!.unallocatedPence! == row(before, strand: "ASB")!.unallocatedPence! + 500_000)
        #expect(row(after, strand: "ASB", recipient: "GB-LAE-BAR")?.committedPence == 4_500_000)
        await #expect(try app.financeCheck() == [])
    }

    @Test(arguments: TestEngine.all) func variationWithinUnpaid(engine: TestEngine) async throws {
        let (app, store) = try await demoApp(engine: engine)
        let agreement = try await app.agreement(barrow)
        let paid = agreement.payments.filter { $0.paidOn != nil }.map(\.amount.pence).reduce(0, +)
        var request = Commissioning.VariationRequest(kind: .amount, reason: "Project stopped")
        request.amountChange = SignedMoney(pence: -(agreement.amount.pence - paid + 1))
        let size = try await ledgerSize(store)
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.varyAgreement(barrow, request, by: "cumbria.finance", on: day("2016-07-01"))
        }
        #expect(refused?.rule == "variation-within-unpaid")
        #expect(refused?.message.contains("can be reduced by at most") == true)
        await #expect(try ledgerSize(store) == size)
        await #expect(try app.agreement(barrow) == agreement)
    }

    @Test(arguments: TestEngine.all) func grantVariationWithinDecisionAndANewDecisionForMore(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let agreement = try await app.agreement(barrow)
        var request = Commissioning.VariationRequest(kind: .amount, reason: "Extra hub sessions")
        request.amountChange = SignedMoney(pence: 1_000_000)
        request.payments =
            agreement.payments + [.init(id: "V1", amount: money("£10,000"), condition: .onDate(day("2016-12-01")))]
        request.spendProfile = profile(agreement, changingLastBy: 1_000_000)
        let beyond = await #expect(throws: ActRefused.self) {
            try await app.varyAgreement(barrow, request, by: "cumbria.finance", on: day("2016-07-01"))
        }
        #expect(beyond?.rules == ["grant-variation-within-decision"])
        #expect(
            beyond?.description.contains(
                "the variation would take the money committed under the decision to £110,000.00, beyond the "
                    + "£100,000.00 it approved") == true)
        let newDecision = try await approvedDecision(
            app, title: "Hub extension", amount: "£10,000", raised: "2016-06-01")
        request.newDecision = newDecision
        let varied = try await app.varyAgreement(barrow, request, by: "cumbria.finance", on: day("2016-07-01"))
        #expect(varied.amount == money("£60,000"))
        #expect(varied.variations.last?.newDecisionID == newDecision)
        let topUp = try await app.store.read { try $0.allocations(office: "cumbria") }.map(\.allocation).first {
            $0.id == varied.allocationIDs.last
        }
        #expect(topUp?.decisionID == newDecision)
        #expect(topUp?.amount == money("£10,000"))
        await #expect(try app.financeCheck() == [])
    }

    @Test(arguments: TestEngine.all) func paymentsSumToAmountAfterAVariation(engine: TestEngine) async throws {
        let (app, store) = try await demoApp(engine: engine)
        var request = Commissioning.VariationRequest(kind: .amount, reason: "Fewer sessions needed")
        request.amountChange = SignedMoney(pence: -500_000)
        request.spendProfile = await profile(try app.agreement(barrow), changingLastBy: -500_000)
        let size = try await ledgerSize(store)
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.varyAgreement(barrow, request, by: "cumbria.finance", on: day("2016-07-01"))
        }
        #expect(refused?.rule == "payments-sum-to-amount")
        #expect(
            refused?.message.hasPrefix(
                "the payment instalments add up to £50,000.00 but the agreement is for £45,000.00")
                == true)
        await #expect(try ledgerSize(store) == size)
        await #expect(try app.agreement(barrow).amount == money("£50,000"))
    }

    @Test(arguments: TestEngine.all) func paidInstalmentsUnchanged(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let agreement = try await app.agreement(barrow)
        var request = Commissioning.VariationRequest(kind: .amount, reason: "Fewer sessions needed")
        request.amountChange = SignedMoney(pence: -500_000)
        request.spendProfile = profile(agreement, changingLastBy: -500_000)
        var list = agreement.payments
        let paidIndex = list.firstIndex { $0.paidOn != nil }!
        list[paidIndex].amount = Money(pence: list[paidIndex].amount.pence - 500_000)!
        request.payments = list
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.varyAgreement(barrow, request, by: "cumbria.finance", on: day("2016-07-01"))
        }
        #expect(refused?.rule == "paid-instalments-unchanged")
    }

    @Test(arguments: TestEngine.all) func aDatesVariationNeedsAReasonAndKeepsTheTermsConsistent(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        var request = Commissioning.VariationRequest(kind: .dates, reason: "")
        request.period = .init(start: day("2016-04-01"), end: day("2017-06-30"))
        let noReason = await #expect(throws: ActRefused.self) {
            try await app.varyAgreement(barrow, request, by: "cumbria.finance", on: day("2016-07-01"))
        }
        #expect(noReason?.rules == ["reason-given"])
        request.reason = "Hub opening delayed"
        let varied = try await app.varyAgreement(barrow, request, by: "cumbria.finance", on: day("2016-07-01"))
        #expect(varied.period.end == day("2017-06-30"))
        #expect(varied.variations.last?.kind == .dates)
        request.period = .init(start: day("2016-04-01"), end: day("2016-03-31"))
        let backwards = await #expect(throws: ServiceRefusal.self) {
            try await app.varyAgreement(barrow, request, by: "cumbria.finance", on: day("2016-07-02"))
        }
        #expect(backwards?.rule == "grant-period-valid")
    }

    @Test(arguments: TestEngine.all) func planLinesSumToAmountAfterAVariation(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        var request = Commissioning.VariationRequest(kind: .planLines, reason: "Move money to diversion work")
        request.planLines = [
            .init(priority: "Reducing reoffending", description: "Diversion", amount: money("£30,000")),
            .init(priority: "Reducing victimisation", description: "Victim support", amount: money("£19,000")),
        ]
        let short = await #expect(throws: ServiceRefusal.self) {
            try await app.varyAgreement(barrow, request, by: "cumbria.finance", on: day("2016-07-01"))
        }
        #expect(short?.rule == "plan-lines-sum-to-amount")
        request.planLines![1].amount = money("£20,000")
        let varied = try await app.varyAgreement(barrow, request, by: "cumbria.finance", on: day("2016-07-01"))
        #expect(varied.planLines.map(\.amount.pence) == [3_000_000, 2_000_000])
        let audit = try await app.store.read { try $0.auditEvents(instance: barrow, office: nil) }.last
        #expect(audit?.event == "vary")
        #expect(audit?.payloadFields["reason"] == "Move money to diversion work")
    }

    @Test(arguments: TestEngine.all) func variationFitsKind(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        var request = Commissioning.VariationRequest(kind: .dates, reason: "Mixed up")
        request.amountChange = SignedMoney(pence: 100)
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.varyAgreement(barrow, request, by: "cumbria.finance", on: day("2016-07-01"))
        }
        #expect(refused?.rule == "variation-fits-kind")
    }

    @Test(arguments: TestEngine.all) func onlyFinanceApprovesAVariation(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        var request = Commissioning.VariationRequest(kind: .dates, reason: "Hub opening delayed")
        request.period = .init(start: day("2016-04-01"), end: day("2017-06-30"))
        let officer = await #expect(throws: ActRefused.self) {
            try await app.varyAgreement(barrow, request, by: "cumbria.officer", on: day("2016-07-01"))
        }
        #expect(officer?.rules == ["role-required"])
        await #expect(try app.agreement(barrow).variations.isEmpty)
    }
}
