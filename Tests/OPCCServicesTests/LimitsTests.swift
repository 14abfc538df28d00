import Foundation
import OPCCCore
import OPCCStore
import OPCCTestSupport
import Testing

@testable import OPCCServices

/// A Lincolnshire grant under the published 007/2020 whose recipient, purpose and area are spreadsheet formulas
/// (issue 21, item 5). SYNTHETIC, for these tests only.
let formulaFinance = """
    office: lincolnshire
    budgets:
      - { year: 2020/21, strand: DEMAND, name: Demand and data quality, amount: "£100,000", on: 2020-05-27 }
    allocations:
      - year: 2020/21
        strand: DEMAND
        decision: 007/2020
        on: 2020-05-28
        amount: "£20,000"
        recipient: GB-LAE-ELI
        recipientName: '=HYPERLINK("http://evil.example","Click")'
        area: '@SUM(A1)'
        purpose: '=1+2'
    agreements:
      - recipient: GB-LAE-ELI
        recipientName: '=HYPERLINK("http://evil.example","Click")'
        purpose: '=1+2'
        crimeAndDisorderStatement: '-1 crimes'
        start: 2020-06-01
        end: 2021-03-31
        draftedOn: 2020-05-28
        equalityImpactAssessment: { reference: EIA-ELI, on: 2020-05-29 }
        riskAssessment: { reference: RISK-ELI, on: 2020-05-29 }
        signatures:
          - { party: opcc, name: Chief Executive, on: 2020-06-01 }
          - { party: recipient, name: Chief Executive for East Lindsey, on: 2020-06-01 }
        signedOn: 2020-06-01
        activatedOn: 2020-06-02
        payments:
          - { id: I1, amount: "£12,000", releasedOn: 2020-06-10 }
          - { id: I2, amount: "£8,000", onDate: 2021-01-04 }
    """

/// The demo with the formula-named Lincolnshire grant above.
func formulaApp(_ engine: TestEngine) async throws -> Commissioning {
    let (app, _) = try await demoApp(engine: engine)
    _ = try await app.loadFinanceFixture(try FinanceFixture.parse(yaml: formulaFinance, source: "test"), source: "test")
    return app
}

@Suite("Limits: money above the ceiling in an old database, and the books")
struct MoneyCeilingServiceTests {
    /// What an older version wrote for `PUT /api/v1/budgets` with £92,233,720,368,547,758.07 on Cumbria's ASB strand,
    /// after a second strand was budgeted: the funding account then goes past what 64 bits hold.
    private func oldDatabaseWithAnAmountAboveTheCeiling(
        _ engine: TestEngine
    ) async throws -> (
        app: Commissioning, store: TestStore, sequence: Int64, asbBudgetPence: Int64
    ) {
        let (app, store) = try await demoApp(engine: engine)
        let year = fy("2016/17")
        try await app.setBudget(
            office: "cumbria", year: year, strand: "VICTIMS", name: "Victims", amount: money("£10,000"),
            by: "cumbria.finance", on: day("2016-05-01"))
        let current = try #require(
            row(try await app.reconciliation(year: year, office: "cumbria"), strand: "ASB")?.budgetPence)
        let funding = try #require(LedgerAccount(.funding, office: "cumbria", year: year))
        let budget = try #require(LedgerAccount(.budget, office: "cumbria", year: year, strand: "ASB"))
        let amount = try #require(Money(pence: Int64.max - current))
        let posting = try Posting(
            office: "cumbria", day: day("2016-06-01"), cause: PostingCause(.budget, "cumbria/2016/17/ASB"),
            memo: "budget for ASB set to £92,233,720,368,547,758.07",
            transfers: [Transfer(from: funding, to: budget, amount: amount)])
        let sequence = try await store.write { tx in
            let event = try tx.append(
                AuditEventDraft(
                    office: "cumbria", event: "ledger-posting", actor: "cumbria.finance", role: "finance",
                    effectiveDay: day("2016-06-01"), recordedAt: "2016-06-01T09:00:00.000Z",
                    payload: [
                        "cause": posting.cause.description, "memo": posting.memo,
                        "transfers": "\(funding.key)>\(budget.key):\(amount.pence)",
                    ]))
            return try tx.appendPosting(posting, auditSequence: event.sequence, recordedBy: "cumbria.finance")
        }
        return (app, store, sequence, current)
    }

    @Test(arguments: TestEngine.all) func financeCheckFinishesAndNamesThePostingAndTheAccountAnOldAmountBroke(
        engine: TestEngine
    ) async throws {
        let (app, _, sequence, _) = try await oldDatabaseWithAnAmountAboveTheCeiling(engine)
        let problems = try await app.financeCheck()
        #expect(problems.contains { $0.hasPrefix("posting \(sequence) ") && $0.contains("above £10,000,000,000.00") })
        #expect(problems.contains { $0.hasPrefix("account funding/cumbria/2016-17") && $0.contains("too large") })
        // The other offices' books are still checked: nothing else is wrong with them.
        #expect(problems.allSatisfy { $0.contains("cumbria") || $0.hasPrefix("posting \(sequence) ") })
    }

    @Test(arguments: TestEngine.all) func thePostingIsReversedWithAReasonAndThenTheBooksAreClean(
        engine: TestEngine
    ) async throws {
        let (app, _, sequence, before) = try await oldDatabaseWithAnAmountAboveTheCeiling(engine)
        let reversal = try await app.reversePosting(
            sequence, reason: "an amount above the ceiling, accepted by an older version", by: "cumbria.finance",
            on: day("2026-11-20"))
        #expect(reversal > sequence)
        await #expect(try app.financeCheck() == [])
        let asb = try await #require(row(try app.reconciliation(year: fy("2016/17"), office: "cumbria"), strand: "ASB"))
        #expect(asb.budgetPence == before, "the budget as it was before the old amount")
    }

    @Test(arguments: TestEngine.all) func theReconciliationAndANewBudgetStillWorkBesideTheOldAmount(
        engine: TestEngine
    ) async throws {
        let (app, _, _, _) = try await oldDatabaseWithAnAmountAboveTheCeiling(engine)
        // Another office's figures are untouched; the broken office's strand reads (its own sum fits).
        let westMidlands = try await app.reconciliation(year: fy("2017/18"), office: "west-midlands")
        #expect(!westMidlands.isEmpty)
        let cumbria = try await app.reconciliation(year: fy("2016/17"), office: "cumbria")
        #expect(row(cumbria, strand: "ASB")?.budgetPence == .max)
    }
}

@Suite("Limits: text at the service boundary")
struct TextLimitServiceTests {
    @Test(arguments: TestEngine.all) func aMillionCharacterTitleIsRefusedAndNothingIsRaised(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let before = try await app.decisionRegister(DecisionFilter(), by: "cumbria.officer").count
        var draft = shortDraft()
        draft.title = String(repeating: "x", count: 1_000_000)
        await #expect {
            try await app.raiseDecision(office: "cumbria", draft: draft, by: "cumbria.officer", on: day("2016-04-01"))
        } throws: { error in
            (error as? ServiceRefusal)?.message == "title: is 1,000,000 characters long; the most it may be is 300"
        }
        await #expect(try app.decisionRegister(DecisionFilter(), by: "cumbria.officer").count == before)
    }

    @Test(arguments: TestEngine.all) func aNulOrABidiOverrideIsRefusedNamingTheField(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        for (field, text) in [("title", "Hub\u{0}works"), ("executiveSummary", "Pay \u{202E}0001£ now")] {
            var draft = shortDraft()
            if field == "title" { draft.title = text } else { draft.executiveSummary = text }
            await #expect {
                try await app.raiseDecision(
                    office: "cumbria", draft: draft, by: "cumbria.officer", on: day("2016-04-01"))
            } throws: { error in
                (error as? ServiceRefusal)?.message.hasPrefix("\(field): character ") == true
            }
        }
    }

    @Test(arguments: TestEngine.all) func crlfFromABrowserIsStoredAsLF(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        var draft = shortDraft()
        draft.executiveSummary = "First line.\r\nSecond line.\rThird."
        let raised = try await app.raiseDecision(
            office: "cumbria", draft: draft, by: "cumbria.officer", on: day("2016-04-01"))
        await #expect(
            try app.showDecision(raised.id, by: "cumbria.officer").record.executiveSummary
                == "First line.\nSecond line.\nThird.")
    }

    @Test(arguments: TestEngine.all) func reasonsPurposesAndNamesElsewhereAreCheckedToo(engine: TestEngine) async throws
    {
        let (app, _) = try await demoApp(engine: engine)
        func refusedField(_ body: () async throws -> Void) async -> String? {
            do { try await body() } catch let refusal as ServiceRefusal where refusal.rule == "text-within-limits" {
                return String(refusal.message.prefix { $0 != ":" })
            } catch { return "other: \(error)" }
            return nil
        }
        #expect(
            await refusedField {
                try await app.setBudget(
                    office: "cumbria", year: fy("2016/17"), strand: "ASB", name: "Anti-social\nbehaviour",
                    amount: money("£1"), by: "cumbria.finance", on: day("2016-05-01"))
            } == "name")
        let decision = try await approvedDecision(app, amount: "£1,000")
        var request = Commissioning.AllocationRequest(
            office: "cumbria", year: fy("2016/17"), strand: "ASB", recipientOrgID: "GB-LAE-CAR",
            recipientName: "Carlisle City Council", purpose: String(repeating: "p", count: 1_001), decision: decision,
            amount: money("£1"))
        await #expect(
            refusedField { try await app.allocate([request], by: "cumbria.finance", on: day("2016-05-05")) }
                == "purpose")
        request.purpose = "Fine"
        request.recipientName = "Carlisle\u{7}"
        await #expect(
            refusedField { try await app.allocate([request], by: "cumbria.finance", on: day("2016-05-05")) }
                == "recipientName")
        await #expect(
            refusedField { try await app.reversePosting(1, reason: "x\u{2066}", by: "cumbria.finance") } == "reason")
        await #expect(try app.financeCheck() == [], "nothing was posted")
    }
}

@Suite("Limits: every CSV export guards text cells and leaves numbers")
struct CSVInjectionServiceTests {
    @Test(arguments: TestEngine.all) func theGrantsRegisterSpendingAndContractsGuardFormulas(
        engine: TestEngine
    ) async throws {
        let app = try await formulaApp(engine)
        let grants = await TransparencyTable.grantsRegister(try app.transparencyGrants(office: "lincolnshire")).csv()
        #expect(
            grants.contains(#","'=HYPERLINK(""http://evil.example"",""Click"")",GB-LAE-ELI,'=1+2,2000000,20000.00,"#))
        #expect(grants.contains(",'-1 crimes,"))
        #expect(grants.contains("'@SUM(A1)"))
        #expect(!grants.contains(",=") && !grants.contains(",@") && !grants.contains(",+"))
        let spending = await TransparencyTable.spending(try app.spendingOver500(office: "lincolnshire")).csv()
        #expect(spending.contains(",1200000,12000.00,'=1+2,"))
        let contracts = await TransparencyTable.contracts(try app.contractsOver10000(office: "lincolnshire")).csv()
        #expect(contracts.contains(#""'=HYPERLINK(""http://evil.example"",""Click"")",GB-LAE-ELI,2000000,20000.00,"#))
        // JSON is never altered.
        let json = await TransparencyTable.grantsRegister(try app.transparencyGrants(office: "lincolnshire")).json()
        #expect(json.contains(#""purpose":"=1+2""#) || json.contains(#""purpose": "=1+2""#))
    }

    @Test(arguments: TestEngine.all) func theDecisionRegisterGuardsATitle(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        for title in ["=1+2", "@SUM(A1)", "+1", "-1", "\tTabbed", "=HYPERLINK(\"http://evil.example\",\"Click\")"] {
            var draft = shortDraft(title)
            draft.amount = "£100,000"
            _ = try await app.raiseDecision(
                office: "cumbria", draft: draft, by: "cumbria.officer", on: day("2016-04-01"))
        }
        let csv = await RegisterExport.csv(try app.decisionRegister(DecisionFilter(), by: "cumbria.officer"))
        for guarded in [
            "'=1+2", "'@SUM(A1)", "'+1", "'-1", "'\tTabbed", #""'=HYPERLINK(""http://evil.example"",""Click"")""#,
        ] {
            #expect(csv.contains(",\(guarded),draft,10000000,"), "\(guarded)")
        }
    }

    @Test(arguments: TestEngine.all) func thePriorityMatrixGuardsAThreatNameAndLeavesItsScores(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let view = try await app.priorityView(as: nil)
        var assessment = view.assessment
        assessment.threats[0].name = "=1+2"
        assessment.threats[1].name = "-1"
        let csv = PriorityExport.csv(
            Commissioning.PriorityView(assessment: assessment, state: view.state, selection: view.selection))
        let lines = csv.split(separator: "\n")
        #expect(lines[1].hasPrefix("1,'=1+2,"))
        #expect(lines[2].hasPrefix("2,'-1,"))
        let scores = PriorityExport.csv(view).split(separator: "\n")[1].split(separator: ",").dropFirst(2).prefix(5)
        #expect(lines[1].split(separator: ",").dropFirst(2).prefix(5) == scores, "the agencies' scores as they were")
    }
}
