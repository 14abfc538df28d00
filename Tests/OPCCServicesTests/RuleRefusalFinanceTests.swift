import Foundation
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

/// Cumbria's shipped office profile with `line` added, as a test registers it.
func cumbriaProfile(
    adding line: String = "", replacing old: String? = nil, with new: String = ""
) throws
    -> LoadedProfile
{
    let url = repositoryRoot.appendingPathComponent("fixtures/offices/cumbria.yaml")
    var text = try String(contentsOf: url, encoding: .utf8)
    if let old {
        #expect(text.contains(old))
        text = text.replacingOccurrences(of: old, with: new)
    }
    text += line.isEmpty ? "" : "\n\(line)\n"
    return LoadedProfile(profile: try OfficeProfile.parse(yaml: text, source: "test"), text: text, source: "test")
}

/// What any change to an office's money moves: the audit chain's head and the number of its postings.
private func books(_ app: Commissioning, _ office: String = "cumbria") async throws -> (AuditHead, Int) {
    (try await app.auditHead(), try await app.store.read { try $0.postings(office: office) }.count)
}

/// One test for each finance rule that no test triggered before (issue 22, item 3): each drives the service into
/// the refusal, checks the rule id, and checks that the ledger and the audit chain are as they were.
@Suite("Rules: finance refusals, each triggered")
struct RuleRefusalFinanceTests {
    /// A new strand, so the posting (the difference from what is budgeted now) is the whole amount.
    @Test(arguments: TestEngine.all) func anAmountAboveTheCeilingIsRefusedAndNothingIsPosted(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let before = try await books(app)
        let tooBig = try #require(Money(pence: Money.ceiling.pence + 1))
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.setBudget(
                office: "cumbria", year: fy("2016/17"), strand: "HUGE", name: "A new strand", amount: tooBig,
                by: "cumbria.finance", on: day("2016-05-01"))
        }
        #expect(refused?.rule == "amount-within-ceiling")
        #expect(try await books(app) == before)
        let strands = try await app.store.read { try $0.strands(office: "cumbria", year: nil) }
        #expect(!strands.contains { $0.strand == "HUGE" })
    }

    /// The strand is budgeted at the ceiling first, so the rise that follows posts only a penny (below the ceiling):
    /// it is the budget the rise would leave, not the rise, that must be within it.
    @Test(arguments: TestEngine.all) func aBudgetAboveTheCeilingIsRefusedEvenWhenTheRiseToItIsSmall(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        try await app.setBudget(
            office: "cumbria", year: fy("2016/17"), strand: "HUGE", name: "A new strand", amount: Money.ceiling,
            by: "cumbria.finance", on: day("2016-05-01"))
        let before = try await books(app)
        let tooBig = try #require(Money(pence: Money.ceiling.pence + 1))
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.setBudget(
                office: "cumbria", year: fy("2016/17"), strand: "HUGE", name: "A new strand", amount: tooBig,
                by: "cumbria.finance", on: day("2016-05-02"))
        }
        #expect(refused?.rule == "amount-within-ceiling")
        #expect(try await books(app) == before)
        let account = try #require(LedgerAccount(.budget, office: "cumbria", year: fy("2016/17"), strand: "HUGE"))
        let budget = try await app.store.read { try $0.balance(of: account) }
        #expect(budget.pence == Money.ceiling.pence)
    }

    /// Two strands, one budgeted at the ceiling: a virement of a penny into it would budget it above the ceiling,
    /// although the penny itself is far below it.
    @Test(arguments: TestEngine.all) func aVirementThatWouldBudgetAStrandAboveTheCeilingIsRefused(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        try await app.setBudget(
            office: "cumbria", year: fy("2016/17"), strand: "HUGE", name: "A new strand", amount: Money.ceiling,
            by: "cumbria.finance", on: day("2016-05-01"))
        try await app.setBudget(
            office: "cumbria", year: fy("2016/17"), strand: "SPARE", name: "Another new strand", amount: money("£100"),
            by: "cumbria.finance", on: day("2016-05-01"))
        let before = try await books(app)
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.vire(
                office: "cumbria", year: fy("2016/17"), from: "SPARE", to: "HUGE", amount: money("£0.01"),
                reason: "a top-up", by: "cumbria.finance", on: day("2016-05-02"))
        }
        #expect(refused?.rule == "amount-within-ceiling")
        #expect(try await books(app) == before)
    }

    @Test(arguments: TestEngine.all) func aStrandCodeWithASpaceIsNotAStrandCode(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let before = try await books(app)
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.setBudget(
                office: "cumbria", year: fy("2016/17"), strand: "A SB", name: "Spaced", amount: money("£1"),
                by: "cumbria.finance", on: day("2016-05-01"))
        }
        #expect(refused?.rule == "valid-strand")
        #expect(try await books(app) == before)
        #expect(
            try await app.store.read { try $0.strands(office: "cumbria", year: nil) }.contains { $0.strand == "A SB" }
                == false)
    }

    @Test(arguments: TestEngine.all) func anAccountForARecipientWithASlashIsNotAValidAccount(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let before = try await books(app)
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.requestCarryForward(
                office: "cumbria", from: fy("2016/17"), strand: "ASB", recipient: "GB-LAE/BAR",
                forecast: money("£1,000"), reason: "slippage", by: "cumbria.finance", on: day("2017-03-01"))
        }
        #expect(refused?.rule == "valid-account")
        #expect(try await books(app) == before)
        #expect(try await app.store.read { try $0.carryForwardCount(office: "cumbria") } == 0)
    }

    @Test(arguments: TestEngine.all) func reversingAPostingThatDoesNotExistIsNotFound(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let before = try await books(app)
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.reversePosting(999_999, reason: "typo", by: "cumbria.finance", on: day("2016-05-02"))
        }
        #expect(refused?.rule == "known-posting")
        #expect(refused?.kind == .notFound)
        #expect(try await books(app) == before)
    }

    @Test(arguments: TestEngine.all) func aProjectBoardMemberMayNotReadTheOfficesFinance(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let before = try await books(app)
        let refused = await #expect(throws: ServiceRefusal.self) {
            _ = try await app.financeOverview(as: "cumbria.barrow-board")
        }
        #expect(refused?.rule == "finance-readers")
        #expect(refused?.kind == .forbidden)
        #expect(try await books(app) == before)
    }

    @Test(arguments: TestEngine.all) func aVirementAboveTheOfficesThresholdNeedsAnApprovedDecision(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        try await app.registerOffice(try cumbriaProfile(adding: "virementDecisionAbove: \"£10,000\""))
        try await app.setBudget(
            office: "cumbria", year: fy("2016/17"), strand: "VICTIMS", name: "Victims", amount: money("£10,000"),
            by: "cumbria.finance", on: day("2016-05-01"))
        let draft = try await app.raiseDecision(
            office: "cumbria", draft: shortDraft("Victims virement"), by: "cumbria.officer", on: day("2016-05-01"))
        let before = try await books(app)
        for decision in [nil, draft.id] {
            let refused = await #expect(throws: ServiceRefusal.self) {
                try await app.vire(
                    office: "cumbria", year: fy("2016/17"), from: "ASB", to: "VICTIMS", amount: money("£20,000"),
                    reason: "victims' demand", decision: decision, by: "cumbria.finance", on: day("2016-05-02"))
            }
            #expect(refused?.rule == "virement-above-threshold-needs-decision")
        }
        #expect(try await books(app) == before)
    }

    @Test(arguments: TestEngine.all) func aVirementOfMoreThanTheStrandHasUnallocatedIsRefused(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        try await app.setBudget(
            office: "cumbria", year: fy("2016/17"), strand: "VICTIMS", name: "Victims", amount: money("£10,000"),
            by: "cumbria.finance", on: day("2016-05-01"))
        let before = try await books(app)
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.vire(
                office: "cumbria", year: fy("2016/17"), from: "ASB", to: "VICTIMS", amount: money("£150,000.01"),
                reason: "demand", by: "cumbria.finance", on: day("2016-05-02"))
        }
        #expect(refused?.rule == "virement-within-unallocated")
        #expect(try await books(app) == before)
    }

    @Test func aSplitFileMissingItsFieldsIsRefusedNamingTheFile() async throws {
        let refused = #expect(throws: ServiceRefusal.self) {
            try Commissioning.SplitFile.parse(yaml: "year: 2016/17\nstrand: ASB\n", source: "split.yaml")
        }
        #expect(refused?.rule == "valid-split-file")
        #expect(refused?.message.hasPrefix("split.yaml") == true)
    }

    @Test(arguments: TestEngine.all) func decidingACarryForwardThatDoesNotExistIsNotFound(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let before = try await books(app)
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.decideCarryForward("cumbria-CF-0099", approve: true, by: "cumbria.pcc", on: day("2017-03-02"))
        }
        #expect(refused?.rule == "known-carry-forward")
        #expect(refused?.kind == .notFound)
        #expect(try await books(app) == before)
    }

    @Test(arguments: TestEngine.all) func anAgreementOverAllocationsTheOfficeDoesNotHoldIsRefused(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let file = try StrictYAML.decode(
            Commissioning.AgreementFile.self,
            from: """
                allocations: [cumbria-AL-0099]
                purpose: A grant over nothing
                crimeAndDisorderStatement: None
                start: 2016-06-01
                end: 2017-03-31
                """, source: "agreement.yaml")
        let before = try await books(app)
        let agreements = try await app.agreements(office: "cumbria").count
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.draftAgreement(from: file, office: "cumbria", by: "cumbria.finance", on: day("2016-06-01"))
        }
        #expect(refused?.rule == "agreement-over-allocations")
        #expect(try await books(app) == before)
        #expect(try await app.agreements(office: "cumbria").count == agreements)
    }

    @Test(arguments: TestEngine.all) func anAssessmentWithoutItsReferenceIsRefused(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = "cumbria-GA-0001"
        let version = try await app.version(of: id, by: "cumbria.finance")
        let before = try await books(app)
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.recordAssessment(id, equality: true, reference: "", by: "cumbria.finance")
        }
        #expect(refused?.rule == "assessment-reference")
        #expect(try await app.version(of: id, by: "cumbria.finance") == version)
        #expect(try await books(app) == before)
    }

    @Test(arguments: TestEngine.all) func releasingAnInstalmentTheAgreementDoesNotHaveIsNotFound(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let before = try await books(app)
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.releasePayment("cumbria-GA-0001", instalment: "I9", by: "cumbria.finance")
        }
        #expect(refused?.rule == "known-instalment")
        #expect(refused?.kind == .notFound)
        #expect(try await books(app) == before)
    }

    /// Barrow's allocation holds £37,500 after the first instalment; carrying £30,000 of it forward leaves £7,500,
    /// less than the £12,500 instalment the first accepted return releases.
    @Test(arguments: TestEngine.all) func anInstalmentBeyondWhatTheAllocationsStillHoldIsNotPaid(
        engine: TestEngine
    ) async throws {
        let (app, store) = try await demoApp(engine: engine)
        let request = try await app.requestCarryForward(
            office: "cumbria", from: fy("2016/17"), strand: "ASB", recipient: "GB-LAE-BAR", forecast: money("£30,000"),
            reason: "slippage", by: "cumbria.finance", on: day("2016-06-01"))
        try await app.decideCarryForward(request.id, approve: true, by: "cumbria.pcc", on: day("2016-06-02"))
        let id = try #require(
            try await store.read { try $0.returnRecords(office: "cumbria", agreement: "cumbria-GA-0001") }.first {
                $0.quarter.description == "2016/17 Q1"
            }
        ).id
        let content = ReturnContent(
            spendInQuarter: money("£12,000"), spendToDate: money("£12,000"), narrative: "Group formed.",
            milestones: [.init(name: "Group meeting monthly", rag: .green)],
            indicators: [
                .init(name: "Incidents in Ormsgill", actual: "101"),
                .init(name: "IOM offenders in Ormsgill", actual: "10"),
            ])
        try await app.saveReturn(id, content: content, by: "cumbria.barrow-board", on: day("2016-07-10"))
        try await app.submitReturn(id, by: "cumbria.barrow-board", on: day("2016-07-10"))
        let before = try await books(app)
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.acceptReturn(id, by: "cumbria.officer", on: day("2016-07-11"))
        }
        #expect(refused?.rule == "payment-within-allocation")
        #expect(try await books(app) == before)
        #expect(try await app.instance(id)?.state == "submitted")
        #expect(try await app.agreement("cumbria-GA-0001").payments.first { $0.id == "I2" }?.paidOn == nil)
    }

    @Test(arguments: TestEngine.all) func refusingAVariationProposalThatDoesNotExistIsNotFound(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let before = try await books(app)
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.refuseProposal("cumbria-VP-0099", reason: "not needed", by: "cumbria.finance")
        }
        #expect(refused?.rule == "known-proposal")
        #expect(refused?.kind == .notFound)
        #expect(try await books(app) == before)
    }

    @Test(arguments: TestEngine.all) func anIncreaseCitingADecisionThatIsNotApprovedIsRefused(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let draft = try await app.raiseDecision(
            office: "cumbria", draft: shortDraft("More for Barrow"), by: "cumbria.officer", on: day("2016-06-01"))
        var request = Commissioning.VariationRequest(kind: .amount, reason: "More sessions")
        request.amountChange = SignedMoney(pence: 100_000)
        request.newDecision = draft.id
        let before = try await books(app)
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.varyAgreement("cumbria-GA-0001", request, by: "cumbria.finance", on: day("2016-07-01"))
        }
        #expect(refused?.rule == "variation-new-decision-approved")
        #expect(try await books(app) == before)
        #expect(try await app.agreement("cumbria-GA-0001").amount == money("£50,000"))
    }

    /// The grant guard refuses it before the service would (its own check of the same rule stays as a last line).
    @Test(arguments: TestEngine.all) func aReductionOfMoreThanTheWholeAgreementIsRefused(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        var request = Commissioning.VariationRequest(kind: .amount, reason: "Stop everything")
        request.amountChange = SignedMoney(pence: -5_000_001)
        let before = try await books(app)
        let refused = await #expect(throws: ActRefused.self) {
            try await app.varyAgreement("cumbria-GA-0001", request, by: "cumbria.finance", on: day("2016-07-01"))
        }
        #expect(refused?.rules == ["grant-variation-not-below-zero"])
        #expect(try await books(app) == before)
        #expect(try await app.agreement("cumbria-GA-0001").variations.isEmpty)
    }
}
