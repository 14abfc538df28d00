import Foundation
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

@Suite("Grant agreements: termination")
struct TerminationTests {
    /// The reconciliation line of a strand (or of a recipient within it) for 2016/17 in Cumbria.
    func line(
        _ app: Commissioning, strand: String, recipient: String? = nil
    ) async throws -> Commissioning.ReconciliationRow? {
        row(try await app.reconciliation(year: fy("2016/17"), office: "cumbria"), strand: strand, recipient: recipient)
    }

    @Test(arguments: TestEngine.all) func terminationReleasesTheUnpaidMoneyToTheStrandAndKeepsWhatWasPaid(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let (agreement, state) = try await #require(
            try app.agreements(office: "cumbria").first { $0.agreement.id == "cumbria-GA-0002" })
        #expect(state == "active")
        let paid = agreement.payments.filter { $0.paidOn != nil }.reduce(Int64(0)) { $0 + $1.amount.pence }
        let unpaid = agreement.amount.pence - paid
        #expect(paid > 0 && unpaid > 0, "part paid, part not")
        let strand = try await #require(
            app.store.read { tx in
                try tx.allocations(office: "cumbria").first { $0.allocation.id == agreement.allocationIDs[0] }
            }?.allocation.strand)
        let recipient = agreement.recipient.orgID
        let strandBefore = try await #require(try line(app, strand: strand))
        let recipientBefore = try await #require(try line(app, strand: strand, recipient: recipient))
        let decisionHeld = try await app.store.read {
            try $0.allocatedUnderDecision(agreement.decisionID, office: "cumbria")
        }

        try await app.terminateAgreement(
            "cumbria-GA-0002", reason: "The hub site was withdrawn", by: "cumbria.pcc", on: day("2016-09-01"))

        let (ended, endedState) = try await #require(
            try app.agreements(office: "cumbria").first { $0.agreement.id == "cumbria-GA-0002" })
        #expect(endedState == "terminated")
        let held = try await app.store.read { tx in
            try tx.allocations(office: "cumbria").filter { ended.allocationIDs.contains($0.allocation.id) }
        }
        #expect(held.reduce(Int64(0)) { $0 + $1.allocation.amount.pence } == paid, "its allocations hold what was paid")
        #expect(ended.amount.pence == paid, "the agreement is now for what it paid")
        #expect(ended.variations.last?.amountChange == SignedMoney(pence: -unpaid))
        #expect(ended.variations.last?.description == "Terminated: The hub site was withdrawn")
        let strandAfter = try await #require(try line(app, strand: strand))
        let recipientAfter = try await #require(try line(app, strand: strand, recipient: recipient))
        #expect(strandAfter.unallocatedPence == strandBefore.unallocatedPence.map { $0 + unpaid })
        #expect(recipientAfter.allocatedPence == recipientBefore.allocatedPence - unpaid)
        #expect(recipientAfter.paidPence == recipientBefore.paidPence, "what was paid stays paid")
        await #expect(
            try app.store.read { try $0.allocatedUnderDecision(agreement.decisionID, office: "cumbria") }
                == decisionHeld - unpaid, "the decision's headroom comes back")
        let check = try await app.financeCheck()
        #expect(check.isEmpty, "\(check)")
        await #expect(try app.verifyAudit().isIntact)
    }

    @Test(arguments: TestEngine.all) func aTerminationRefusedForWantOfAReasonMovesNoMoney(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let figures = { try await app.reconciliation(year: fy("2016/17"), office: "cumbria").map { "\($0)" } }
        let before = try await figures()
        let head = try await app.auditHead()
        let refused = await #expect(throws: ActRefused.self) {
            try await app.terminateAgreement(
                "cumbria-GA-0002", reason: " ", by: "cumbria.finance", on: day("2016-09-01"))
        }
        #expect(refused?.rules == ["reason-given"])
        await #expect(try figures() == before)
        await #expect(try app.auditHead().sequence == head.sequence)
    }
}

@Suite("Grant agreements: termination of an agreement that paid nothing")
struct TerminationOfAnUnpaidAgreementTests {
    /// Reproduction: ending an active agreement before its first instalment failed on the database's own check
    /// (`amount_pence > 0`: "SQLite result code 19", on PostgreSQL too) and so could not be recorded at all.
    @Test(arguments: TestEngine.all) func anAgreementThatPaidNothingCanBeTerminatedAndReleasesAllItsMoney(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let decision = try await approvedDecision(app, amount: "£1,000")
        let made = try await app.allocate(
            [
                .init(
                    office: "cumbria", year: fy("2016/17"), strand: "ASB", recipientOrgID: "GB-LAE-CAR",
                    recipientName: "Carlisle City Council", purpose: "grant", decision: decision,
                    amount: money("£1,000"))
            ], by: "cumbria.finance", on: day("2016-05-05"))
        let agreement = try await app.draftAgreement(
            LedgerRun.terms(over: made[0].id, decisionID: decision, recipient: "GB-LAE-CAR", pence: 100_000),
            by: "cumbria.finance", on: day("2016-05-05"))
        for equality in [true, false] {
            try await app.recordAssessment(
                agreement.id, equality: equality, reference: "REF", by: "cumbria.finance", on: day("2016-05-05"))
        }
        try await app.confirmAgreementConditions(agreement.id, by: "cumbria.finance", on: day("2016-05-05"))
        for party in [GrantAgreement.Party.opcc, .recipient] {
            try await app.recordAgreementSignature(
                agreement.id, party: party, name: "Signatory", by: "cumbria.finance", on: day("2016-05-05"))
        }
        try await app.signAgreement(agreement.id, by: "cumbria.finance", on: day("2016-05-06"))
        try await app.activateAgreement(agreement.id, by: "cumbria.finance", on: day("2016-05-07"))
        let held = try await app.store.read { try $0.allocatedUnderDecision(decision, office: "cumbria") }

        try await app.terminateAgreement(
            agreement.id, reason: "The partner withdrew before starting", by: "cumbria.pcc", on: day("2016-09-01"))

        let (ended, state) = try await #require(
            try app.agreements(office: "cumbria").first { $0.agreement.id == agreement.id })
        #expect(state == "terminated")
        #expect(ended.amount.pence == 0, "the agreement is now for what it paid: nothing")
        #expect(ended.allocationIDs.isEmpty, "every allocation it held is reversed")
        #expect(ended.variations.last?.amountChange == SignedMoney(pence: -100_000))
        await #expect(
            try app.store.read { try $0.allocatedUnderDecision(decision, office: "cumbria") } == held - 100_000,
            "the whole amount goes back to the decision's headroom")
        let check = try await app.financeCheck()
        #expect(check.isEmpty, "\(check)")
        await #expect(try app.verifyAudit().isIntact)
    }
}
