import Foundation
import OPCCCore
import OPCCStore
import OPCCTestSupport
import PropertyBased
import Testing

@testable @_spi(Bench) import OPCCServices

/// Issue 29's last parts, on both engines: an application's documents (who reads and attaches them), the
/// end-of-grant report a round's agreements owe instead of quarterly returns, and partner acts audited under their
/// own role.
@Suite("Grant rounds: application documents, the end-of-grant report, partner roles in the audit log")
struct GrantRoundFinishTests {
    typealias Ref = Commissioning.DocumentRecordRef
    static let pdf = Data("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".utf8)

    /// A published round (the end-of-grant report as asked) with one applicant's draft application.
    static func roundWithDraft(
        _ engine: TestEngine, endOfGrantReport: Bool = true
    ) async throws -> (Commissioning, MovableClock, StoredRound, StoredApplication) {
        let clock = MovableClock(FixedClock(day: day("2026-11-20")).now())
        let app = try Commissioning(store: try await engine.makeStore(), catalog: try shippedCatalog(), clock: clock)
        _ = try await app.loadDemo(from: home, returns: false)
        try await app.setBudget(
            office: "cumbria", year: RoundFixture.year, strand: RoundFixture.strand, name: "Community Safety Fund",
            amount: RoundFixture.fund, by: "cumbria.finance")
        var spec = try RoundFixture.spec()
        spec.endOfGrantReport = endOfGrantReport
        let created = try await app.createRound(spec, office: "cumbria", by: "cumbria.officer")
        for name in ["assessor.a", "assessor.b"] {
            try await app.addAssessor(
                name, to: created.id, displayName: "Assessor \(name.suffix(1))",
                email: "\(name)@partners.example.org", by: "cumbria.officer")
        }
        let round = try await app.publishRound(created.id, by: "cumbria.officer")
        let applicant = try await RoundFixture.signUp(app, 1)
        _ = try await RoundFixture.signUp(app, 2)
        let application = try await app.startApplication(
            round: round.id, draft: RoundFixture.draft("Youth club", pounds: 4_000), by: applicant)
        return (app, clock, round, application)
    }

    /// The draft submitted, the round closed, the application eligible, assessor A not conflicted and scoring,
    /// assessor B conflicted.
    static func assessed(
        _ app: Commissioning, _ clock: MovableClock, _ round: StoredRound, _ application: StoredApplication
    ) async throws {
        _ = try await app.submitApplication(application.id, by: application.applicant)
        clock.advance(seconds: 7 * 24 * 3600 + 1)
        _ = try await app.closeRound(round.id, by: "cumbria.officer")
        try await app.markEligibility(
            application.id, eligible: true, reason: "Meets the criteria", by: "cumbria.officer")
        try await app.declareConflict(application.id, conflicted: false, note: "", by: "assessor.a")
        try await app.declareConflict(application.id, conflicted: true, note: "Trustee", by: "assessor.b")
        _ = try await app.submitScores(application.id, scores: RoundFixture.scores(3, 3, 3), by: "assessor.a")
    }

    func attach(_ app: Commissioning, _ id: String, by actor: String) async throws -> StoredDocument {
        try await app.attachDocument(
            to: Ref(.application, id),
            .init(file: try uploadedFile(Self.pdf, named: "budget.pdf"), kind: .businessCase, part: .part2),
            by: actor)
    }

    func rule(_ body: () async throws -> Void) async -> String? {
        do { try await body() } catch let refusal as ServiceRefusal { return refusal.rule } catch { return nil }
        return nil
    }

    // MARK: - Documents

    @Test(arguments: TestEngine.all)
    func anApplicantAttachesDocumentsToItsDraftAndOnlyItsOrganisationOfficersAndUnconflictedAssessorsReadThem(
        _ engine: TestEngine
    ) async throws {
        let (app, clock, round, application) = try await Self.roundWithDraft(engine)
        let document = try await attach(app, application.id, by: application.applicant)
        #expect(document.recordKind == .application && document.part == .part2)
        let attached = try #require(try await app.auditLog(office: "cumbria").last)
        #expect(attached.event == "document-attached" && attached.role == "applicant")
        #expect(attached.payload.contains("\"application\":\"\(application.id)\""))
        #expect(try await app.documents(of: Ref(.application, application.id), by: application.applicant).count == 1)

        try await Self.assessed(app, clock, round, application)
        let ref = Ref(.application, application.id)
        for reader in [application.applicant, "cumbria.officer", "assessor.a"] {
            #expect(try await app.documents(of: ref, by: reader).map(\.id) == [document.id], "\(reader)")
            let read = try await app.downloadDocument(document.id, by: reader) { _ in }
            #expect(read.id == document.id)
        }
        // The public, another organisation, the conflicted assessor, staff who are not officers, another office.
        for outsider: String? in [nil, "applicant.2", "assessor.b", "cumbria.finance", "lincs.officer"] {
            #expect(
                await rule { _ = try await app.documents(of: ref, by: outsider) }
                    == "applicant-sees-own-organisation", "\(outsider ?? "the public")")
            #expect(
                await rule { _ = try await app.downloadDocument(document.id, by: outsider) { _ in } }
                    == "known-document", "\(outsider ?? "the public")")
        }
        #expect(try await app.verifyAudit().problems == [])
    }

    @Test("document-attachers, application-edited-in-draft, applicant-sees-own-organisation", arguments: TestEngine.all)
    func attachingAnApplicationsDocumentIsRefusedToAnyoneButItsApplicantsWhileItIsADraft(
        _ engine: TestEngine
    ) async throws {
        let (app, clock, round, application) = try await Self.roundWithDraft(engine)
        let head = try await app.auditLog(office: "cumbria").count
        #expect(
            await rule { _ = try await attach(app, application.id, by: "applicant.2") }
                == "applicant-sees-own-organisation")
        #expect(await rule { _ = try await attach(app, application.id, by: "cumbria.officer") } == "document-attachers")
        #expect(
            await rule { _ = try await attach(app, "cumbria-R-0001-A-999", by: application.applicant) }
                == "applicant-sees-own-organisation")
        let kept = try await attach(app, application.id, by: application.applicant)
        #expect(
            await rule { _ = try await app.withdrawDocument(kept.id, reason: "wrong file", by: "cumbria.officer") }
                == "document-attachers")
        #expect(
            await rule { _ = try await app.withdrawDocument(kept.id, reason: "wrong file", by: "applicant.2") }
                == "known-document")
        #expect(try await app.auditLog(office: "cumbria").count == head + 1)
        try await Self.assessed(app, clock, round, application)
        #expect(
            await rule { _ = try await attach(app, application.id, by: application.applicant) }
                == "application-edited-in-draft")
        #expect(
            await rule { _ = try await app.withdrawDocument(kept.id, reason: "late", by: application.applicant) }
                == "application-edited-in-draft")
        #expect(try await app.documents(of: Ref(.application, application.id), by: "cumbria.officer").count == 1)
    }

    @Test(
        "an application document's name and withdrawal reason take arbitrary Unicode: kept cleaned or refused by a rule",
        arguments: TestEngine.all)
    func arbitraryUnicodeInAnApplicationDocumentsNameAndReason(_ engine: TestEngine) async throws {
        let (app, _, _, application) = try await Self.roundWithDraft(engine)
        let ref = Ref(.application, application.id)
        await propertyCheck(count: 20, input: RoundText.text) { text in
            do {
                let document = try await app.attachDocument(
                    to: ref,
                    .init(
                        file: try uploadedFile(Self.pdf, named: "paper.pdf"), name: text, kind: .other, part: .part2),
                    by: application.applicant)
                #expect(!document.name.isEmpty && document.name.count <= 120, "\(text.debugDescription)")
                do {
                    let withdrawn = try await app.withdrawDocument(
                        document.id, reason: text, by: application.applicant)
                    // Kept as every typed text is kept (trimmed, its line endings made one kind).
                    let kept = try? checkedText(text.trimmingCharacters(in: .whitespacesAndNewlines), "reason", .short)
                    #expect(withdrawn.withdrawalReason == kept, "\(text.debugDescription)")
                } catch let r as ServiceRefusal {
                    #expect(
                        ["text-within-limits", "document-withdrawal-reason"].contains(r.rule),
                        "\(text.debugDescription): \(r)")
                }
            } catch let r as ServiceRefusal {
                #expect(
                    r.rule.hasPrefix("document-") || r.rule == "text-within-limits", "\(text.debugDescription): \(r)")
            } catch {
                Issue.record("\(text.debugDescription): \(error)")
            }
        }
        #expect(try await app.verifyAudit().problems == [])
    }

    // MARK: - The audit log's role

    @Test(arguments: TestEngine.all)
    func anApplicantsAndAnAssessorsActsAreAuditedUnderTheirOwnRole(_ engine: TestEngine) async throws {
        let (app, clock, round, application) = try await Self.roundWithDraft(engine)
        try await Self.assessed(app, clock, round, application)
        let events = try await app.auditLog(office: "cumbria")
        func role(_ event: String) -> String?? { events.last { $0.event == event }.map(\.role) }
        #expect(role("applicant-signed-up") == "applicant")
        #expect(role("application-started") == "applicant")
        #expect(role("application-submitted") == "applicant")
        #expect(role("conflict-declared") == "assessor")
        #expect(role("scores-submitted") == "assessor")
        #expect(!events.contains { $0.payload.contains("actingAs") })
        #expect(try await app.verifyAudit().problems == [])
    }

    // MARK: - The end-of-grant report

    /// The round decided with its one award, the agreement signed and activated; its id.
    static func activatedAgreement(
        _ app: Commissioning, _ clock: MovableClock, _ round: StoredRound, _ application: StoredApplication
    ) async throws -> String {
        try await assessed(app, clock, round, application)
        _ = try await app.recommend(
            application.id, moderatedBasisPoints: 7_500, recommendation: .award, amount: nil, reasons: "Strong case",
            by: "cumbria.officer")
        let decision = try await app.raiseRoundDecision(round: round.id, by: "cumbria.officer")
        try await app.submitDecision(decision, by: "cumbria.officer")
        try await app.signDecision(decision, position: "originating-officer", name: "V", by: "cumbria.officer")
        try await app.signDecision(decision, position: "chief-executive", name: "S", by: "cumbria.chief-executive")
        try await app.referDecision(decision, by: "cumbria.chief-executive")
        try await app.decide(
            decision, approve: true, interests: "none", urgency: "The round's timetable", by: "cumbria.pcc")
        let id = try #require(try await app.roundOutcome(round: round.id, by: "cumbria.officer").agreements.first)
        try await app.recordAssessment(id, equality: true, reference: "EIA-1", by: "cumbria.finance")
        try await app.recordAssessment(id, equality: false, reference: "RA-1", by: "cumbria.finance")
        try await app.confirmAgreementConditions(id, by: "cumbria.finance")
        try await app.recordAgreementSignature(id, party: .opcc, name: "OPCC", by: "cumbria.finance")
        try await app.recordAgreementSignature(id, party: .recipient, name: "Partner", by: "cumbria.finance")
        try await app.signAgreement(id, by: "cumbria.finance")
        try await app.activateAgreement(id, by: "cumbria.finance")
        return id
    }

    @Test(arguments: TestEngine.all)
    func aRoundWithAnEndOfGrantReportSchedulesOneReportDueAfterTheGrantEnds(_ engine: TestEngine) async throws {
        let (app, clock, round, application) = try await Self.roundWithDraft(engine, endOfGrantReport: true)
        let id = try await Self.activatedAgreement(app, clock, round, application)
        let agreement = try await app.agreement(id)
        #expect(agreement.endOfGrantReport == true)
        #expect(agreement.period.end == (try Day(iso: "2027-03-31")))
        let records = try await app.store.read { try $0.returnRecords(office: "cumbria", agreement: id) }
        #expect(records.count == 1)
        let report = try #require(records.first)
        #expect(report.schedule.endOfGrant && report.label == "end-of-grant report")
        #expect(report.schedule.start == agreement.period.start && report.schedule.end == agreement.period.end)
        // 15 working days after Wednesday 31 March 2027 (Good Friday 26 March and Easter Monday 29 March are before
        // it): Wednesday 21 April 2027.
        #expect(report.dueOn == (try Day(iso: "2027-04-21")))
        let rows = try await app.returns(.init(grant: id), as: "cumbria.officer")
        #expect(rows.map(\.quarter) == ["end-of-grant report"])
        // The sweep names it as what it is when it falls due.
        clock.advance(seconds: LondonTime(parsing: "2027-04-20 09:00")!.instant.timeIntervalSince(clock.now()))
        let swept = try await app.sweepDeadlines(office: "cumbria")
        #expect(swept.contains { $0.subject == report.id && $0.what == "end-of-grant report for \(id)" })
    }

    @Test(arguments: TestEngine.all)
    func aRoundWithoutAnEndOfGrantReportSchedulesQuarterlyReturnsAsBefore(_ engine: TestEngine) async throws {
        let (app, clock, round, application) = try await Self.roundWithDraft(engine, endOfGrantReport: false)
        let id = try await Self.activatedAgreement(app, clock, round, application)
        #expect(try await app.agreement(id).endOfGrantReport == nil)
        let records = try await app.store.read { try $0.returnRecords(office: "cumbria", agreement: id) }
        // Drafted on 27 November 2026 to 31 March 2027: 2026/27 Q3 (part) and Q4.
        #expect(records.map(\.label) == ["2026/27 Q3", "2026/27 Q4"])
        #expect(records.allSatisfy { !$0.schedule.endOfGrant })
    }
}
