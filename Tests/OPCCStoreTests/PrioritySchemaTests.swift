import Foundation
import GRDB
import OPCCCore
import OPCCTestSupport
import Testing

@testable import OPCCStore

private func pct(_ text: String) -> Percentage { try! Percentage(parsing: text) }

/// A two-threat, two-agency assessment of the shape seed 001 publishes.
private func assessment() -> PriorityAssessment {
    let steps: [ProbabilityScale.Step] = [.init(atLeast: .zero, score: 2), .init(atLeast: pct("10%"), score: 4)]
    return PriorityAssessment(
        id: "PA-1", office: "leicestershire", partnershipCode: "SNWP", partnershipName: "Safer North West Partnership",
        year: FinancialYear(startYear: 2017), source: "seed 001",
        method: PartnershipMethod(
            model: "ACPO 3 PLEM", combination: .sumDividedBySixHalfUp,
            probabilityScale: ProbabilityScale(underControl: steps, uncontrolled: steps, reducing: steps),
            bands: RiskBands(highFrom: 50, mediumFrom: 30), priorityCount: 1,
            statutoryObligations: ["Reducing reoffending"]),
        agencies: ["NWLDC", "Police"],
        threats: [
            .init(
                name: "Domestic Abuse",
                scores: ["NWLDC": HarmScore(sum: 15), "Police": HarmScore(factors: [4, 3, 2, 2, 1, 1])],
                recordedTotal: 13, control: .underControl, volumeShare: pct("7.8%"), note: "ASSUMED"),
            .init(name: "Cybercrime", scores: ["NWLDC": HarmScore(sum: 9)], recordedTotal: 8),
        ])
}

/// The database holds the matrix's invariants itself: each is tried here with raw writes past the services.
@Suite("SQLite schema: priorities")
struct PrioritySchemaTests {
    /// A SQLite store holding the assessment, its instance in `state`, for the raw writes below.
    func store(state: String = "scoring") async throws -> SQLiteStore {
        let store = try SQLiteStore()
        try await seed(store, state: state)
        return store
    }

    /// `store()` on `engine`.
    func store(_ engine: TestEngine) async throws -> TestStore {
        let store = try engine.makeStore()
        try await seed(store, state: "scoring")
        return store
    }

    func seed(_ store: any CommissioningStore, state: String) async throws {
        try await store.write { tx in
            try tx.saveOffice(
                id: "leicestershire", name: "Leicestershire OPCC", orgID: nil, profileText: "id: leicestershire",
                registeredAt: "t")
            try tx.pin(
                PinnedDefinition(
                    name: "priority-selection", version: 1, sha256: String(repeating: "a", count: 64), text: "x"),
                at: "t")
            try tx.insertInstance(
                WorkflowInstance(
                    id: "PA-1", office: "leicestershire", workflow: "priority-selection", workflowVersion: 1,
                    state: "scoring", version: 0, recordRef: nil, lastEffectiveDay: nil), createdAt: "t")
            try tx.insertAssessment(assessment())
            _ = try tx.append(
                AuditEventDraft(
                    office: "leicestershire", event: "x", actor: "leics.officer",
                    effectiveDay: Day(year: 2017, month: 3, day: 1)!,
                    recordedAt: "t"))
        }
        guard state != "scoring" else { return }
        try await store.write {
            try $0.updateInstance(
                id: "PA-1", state: state, expectedVersion: 0, lastEffectiveDay: Day(year: 2017, month: 3, day: 1)!)
        }
    }

    func rejects(_ store: SQLiteStore, _ sql: String) -> Bool {
        do {
            try store.writer.write { try $0.execute(sql: sql) }
            return false
        } catch { return true }
    }

    @Test(arguments: TestEngine.all) func anAssessmentReadsBackAsStored(engine: TestEngine) async throws {
        let s = try await store(engine)
        let read = try await #require(try s.read { try $0.assessment(id: "PA-1") })
        #expect(read == assessment())
        #expect(read.threats[0].scores["Police"]?.factors == [4, 3, 2, 2, 1, 1])
        await #expect(try s.read { try $0.assessmentCount(office: "leicestershire") } == 1)
    }

    // SQLite only: it writes raw SQL through GRDB's writer.
    @Test func aHarmSumLiesBetweenSixAndTwentyFour() async throws {
        let s = try await store()
        #expect(rejects(s, "UPDATE priority_harm_score SET sum_score = 25 WHERE agency = 'NWLDC'"))
        #expect(rejects(s, "UPDATE priority_harm_score SET sum_score = 5 WHERE agency = 'NWLDC'"))
        #expect(rejects(s, "UPDATE priority_harm_score SET factors_json = '[1,2,3]' WHERE agency = 'Police'"))
        #expect(!rejects(s, "UPDATE priority_harm_score SET sum_score = 24 WHERE agency = 'NWLDC'"))
        #expect(
            rejects(
                s,
                "INSERT INTO priority_harm_score (assessment_id, threat, agency, sum_score) "
                    + "VALUES ('PA-1', 'Cybercrime', 'Probation', 10)"))
        #expect(rejects(s, "UPDATE priority_threat SET volume_share_bp = 10001"))
        #expect(rejects(s, "UPDATE priority_threat SET control = 'rising'"))
    }

    // SQLite only: it writes raw SQL through GRDB's writer.
    @Test func scoresChangeOnlyWhileScoringAndAreNeverDeleted() async throws {
        let scoring = try await store()
        #expect(rejects(scoring, "DELETE FROM priority_harm_score"))
        let selecting = try await store(state: "selecting")
        #expect(rejects(selecting, "UPDATE priority_harm_score SET sum_score = 20 WHERE agency = 'NWLDC'"))
        #expect(rejects(selecting, "UPDATE priority_threat SET volume_share_bp = 100"))
        let error = await #expect(throws: StoreError.self) {
            try await selecting.write {
                try $0.saveHarmScore(assessment: "PA-1", threat: "Cybercrime", agency: "Police", HarmScore(sum: 10))
            }
        }
        #expect(error?.description.contains("harm scores change only while the assessment is being scored") == true)
    }

    // SQLite only: it writes raw SQL through GRDB's writer.
    @Test func boardDecisionsAreRecordedWhileSelectingAndNeverChanged() async throws {
        let scoring = try await store()
        let decision = PrioritySelection.BoardRecord(
            .mediumDecision(threat: "Domestic Abuse", selected: true), reason: "Violence in the home",
            day: Day(year: 2017, month: 3, day: 14)!, by: "leics.officer")
        await #expect(throws: StoreError.self) {
            try await scoring.write { try $0.appendBoardRecord(assessment: "PA-1", decision, auditSequence: 1) }
        }
        let s = try await store(state: "selecting")
        try await s.write { try $0.appendBoardRecord(assessment: "PA-1", decision, auditSequence: 1) }
        try await s.write {
            try $0.appendBoardRecord(
                assessment: "PA-1",
                .init(.priorityCount(2), reason: "Board minute 4", day: Day(year: 2017, month: 3, day: 14)!, by: "x"),
                auditSequence: 1)
        }
        await #expect(try s.read { try $0.selection(assessment: "PA-1") }.boardRecords.count == 2)
        #expect(rejects(s, "UPDATE priority_board_record SET reason = 'changed'"))
        #expect(rejects(s, "DELETE FROM priority_board_record"))
        #expect(
            rejects(
                s,
                "INSERT INTO priority_board_record (assessment_id, seq, kind, threat, selected, reason, day, "
                    + "recorded_by, audit_seq) VALUES ('PA-1', 9, 'medium-decision', 'Domestic Abuse', 1, '  ', "
                    + "'2017-03-14', 'x', 1)"))
        #expect(
            rejects(
                s,
                "INSERT INTO priority_board_record (assessment_id, seq, kind, threat, reason, day, recorded_by, "
                    + "audit_seq) VALUES ('PA-1', 9, 'medium-decision', 'Domestic Abuse', 'why', '2017-03-14', 'x', 1)"
            ))
    }

    // SQLite only: it writes raw SQL through GRDB's writer.
    @Test func prioritiesChangeWhileSelectingAndTheirMoneyAlsoOnceAdopted() async throws {
        let s = try await store(state: "selecting")
        let priority = PrioritySelection.Priority(
            code: "P1", title: "Violence", kind: .local, threats: ["Domestic Abuse"],
            money: [.init(strand: "SAFER", recipient: "GB-LAE-NWL", service: "PLF", share: pct("40%"))])
        try await s.write { try $0.savePriority(assessment: "PA-1", priority) }
        try await s.write {
            try $0.savePriority(assessment: "PA-1", .init(code: "S1", title: "Reducing reoffending", kind: .statutory))
        }
        await #expect(
            try s.read { try $0.selection(assessment: "PA-1") }.priorities == [
                priority, .init(code: "S1", title: "Reducing reoffending", kind: .statutory),
            ])
        await #expect(throws: StoreError.self) {
            try await s.write {
                try $0.savePriority(
                    assessment: "PA-1", .init(code: "P2", title: "x", kind: .local, threats: ["Robbery"]))
            }
        }
        #expect(rejects(s, "UPDATE priority_money_link SET share_bp = 0"))
        try await s.writer.write { try $0.execute(sql: "UPDATE workflow_instance SET state = 'adopted'") }
        #expect(rejects(s, "UPDATE priority SET title = 'changed'"))
        #expect(rejects(s, "DELETE FROM priority_coverage"))
        try await s.write {
            try $0.saveMoneyLinks(assessment: "PA-1", priority: "P1", [.init(strand: "SAFER", share: pct("50%"))])
        }
        await #expect(
            try s.read { try $0.selection(assessment: "PA-1") }.priorities[0].money == [
                .init(strand: "SAFER", share: pct("50%"))
            ])
        try await s.writer.write { try $0.execute(sql: "UPDATE workflow_instance SET state = 'closed'") }
        await #expect(throws: StoreError.self) {
            try await s.write { try $0.saveMoneyLinks(assessment: "PA-1", priority: "P1", []) }
        }
    }

    @Test(arguments: TestEngine.all) func onePartnershipHasOneAssessmentAYear(engine: TestEngine) async throws {
        let s = try await store(engine)
        try await s.write { tx in
            try tx.insertInstance(
                WorkflowInstance(
                    id: "PA-2", office: "leicestershire", workflow: "priority-selection", workflowVersion: 1,
                    state: "scoring", version: 0, recordRef: nil, lastEffectiveDay: nil), createdAt: "t")
        }
        var again = assessment()
        again.id = "PA-2"
        let error = await #expect(throws: StoreError.self) {
            try await s.write { [again] in try $0.insertAssessment(again) }
        }
        #expect(error == .duplicate(what: "an assessment by SNWP for 2017/18 in leicestershire"))
    }
}
