import Foundation
import GRDB
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import PropertyBased
import Testing

/// Lancashire's office (fixtures/new-office/lancashire.yaml: the Chief Executive decides within £50,000, noted by the
/// Commissioner) added to a demo application, with its officer, Chief Executive and Commissioner.
func addLancashire(to app: Commissioning) async throws {
    let source = "fixtures/new-office/lancashire.yaml"
    let text = try String(contentsOf: repositoryRoot.appendingPathComponent(source), encoding: .utf8)
    let profile = try OfficeProfile.parse(yaml: text, source: source)
    _ = try await app.addOffice(LoadedProfile(profile: profile, text: text, source: source), by: "t.setup")
    // The first person of an office may be added by anyone; the Chief Executive adds the rest.
    try await app.addPerson(
        name: "lancs.chief-executive", displayName: "Chief Executive, OPCC for Lancashire", office: "lancashire",
        grants: [RoleGrant(role: .chiefExecutive)], by: "t.setup")
    try await app.addPerson(
        name: "lancs.officer", displayName: "Commissioning officer", office: "lancashire",
        grants: [RoleGrant(role: .officer)], by: "lancs.chief-executive")
    try await app.addPerson(
        name: "lancs.pcc", displayName: "Police and Crime Commissioner for Lancashire", office: "lancashire",
        grants: [RoleGrant(role: .commissioner)], by: "lancs.chief-executive")
}

/// A Lancashire record for `amount`, raised, signed and referred: with the decision-maker.
func lancashireRecordReferred(
    _ app: Commissioning, amount: String = "£40,000", on raised: String = "2026-11-02"
)
    async throws -> String
{
    var draft = DecisionDraft()
    draft.title = "Youth diversion in Burnley"
    draft.executiveSummary = "A year of youth diversion work in two wards."
    draft.recommendation = "Approve the grant."
    draft.amount = amount
    let id = try await app.raiseDecision(office: "lancashire", draft: draft, by: "lancs.officer", on: day(raised)).id
    try await app.submitDecision(id, by: "lancs.officer", on: day(raised))
    try await app.signDecision(
        id, position: "originating-officer", name: "A. Officer", by: "lancs.officer", on: day(raised))
    try await app.referDecision(id, by: "lancs.officer", on: day(raised))
    return id
}

/// The record's notice in Markdown, as an officer of its office reads it.
func markdownNotice(_ app: Commissioning, _ id: String, by reader: String = "lancs.officer") async throws -> String {
    let view = try await app.showDecision(id, by: reader)
    return DecisionNotice.markdown(
        view.record, status: view.status, profile: try await app.profile(of: view.record.office))
}

/// The rule of a refused act.
func refusedRules(_ body: () async throws -> Void) async -> [String] {
    do {
        try await body()
        return []
    } catch let refused as ActRefused {
        return refused.rules
    } catch let refusal as ServiceRefusal {
        return [refusal.rule]
    } catch {
        return ["\(error)"]
    }
}

@Suite("Delegated decisions: labelled as delegated, and noted by the Commissioner where the office asks")
struct DelegatedDecisionTests {
    @Test(arguments: TestEngine.all) func aDelegatedDecisionKeepsItsDelegationAndTheCommissionerNotesItOnItsOwnDay(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        try await addLancashire(to: app)
        let id = try await lancashireRecordReferred(app)
        let decided = try await app.decide(
            id, approve: true, interests: "None.", by: "lancs.chief-executive", on: day("2026-11-10"))
        #expect(decided.version > 0)
        var record = try await app.showDecision(id, by: "lancs.officer").record
        let fiftyThousand = try Money(parsing: "£50,000")
        #expect(
            record.decision?.delegation
                == DelegationUsed(role: .chiefExecutive, upTo: fiftyThousand, notingRequired: true))
        #expect(record.decision?.isDelegated == true)
        #expect(DecisionRules.awaitsNoting(record))
        let pending = try await markdownNotice(app, id)
        #expect(pending.contains("Delegated decision"))
        #expect(pending.contains("Not yet noted"))

        // Published once noted.
        #expect(
            await refusedRules { try await app.perform(.publish, on: id, by: "lancs.officer") }
                == ["noted-before-publication"])
        let noted = try await app.noteDecision(id, by: "lancs.pcc", on: day("2026-11-12"))
        #expect(noted.status == "approved", "noting leaves the state as it was")
        record = try await app.showDecision(id, by: "lancs.officer").record
        #expect(record.noting?.day == day("2026-11-12"))
        #expect(record.noting?.notedBy == "Police and Crime Commissioner for Lancashire")
        #expect(record.noting?.recordedBy == "lancs.pcc")
        #expect(!DecisionRules.awaitsNoting(record))
        try await app.perform(.publish, on: id, by: "lancs.officer", on: day("2026-11-13"))

        let notice = try await app.publishedNoticeHTML(id)
        #expect(
            notice.contains("Taken by the Chief Executive in the Commissioner&#39;s place")
                || notice.contains("Taken by the Chief Executive in the Commissioner's place"))
        #expect(notice.contains("Decisions up to £50,000.00") || notice.contains("Decisions up to £50,000"))
        #expect(notice.contains("2026-11-12"))
        var filter = DecisionFilter()
        filter.office = "lancashire"
        let rows = try await app.decisionRegister(filter, by: nil)
        let row = try #require(rows.first { $0.id == id })
        #expect(row.delegatedTo == "chief-executive")
        #expect(row.delegationLimitPence == 5_000_000)
        #expect(row.notedOn == day("2026-11-12"))
        let page = try await app.decisionRegisterPage(filter, by: nil)
        #expect(page.rows.first { $0.id == id }?.delegatedTo == "chief-executive")
        await #expect(try app.verifyAudit().isIntact)
    }

    /// The register reads the delegation from columns the database computes from the stored Part 1
    /// (`2026-12-14-decision-part1-columns`): they follow each act, and an edit of them alone is refused by the
    /// database itself, so they never say other than the sealed Part 1 they come from.
    @Test(arguments: TestEngine.all) func theRegistersDelegationColumnsFollowPart1AndCannotBeWrittenAroundIt(
        engine: TestEngine
    ) async throws {
        let (app, store) = try await demoApp(engine: engine)
        try await addLancashire(to: app)
        let id = try await lancashireRecordReferred(app)
        var filter = DecisionFilter()
        filter.office = "lancashire"
        filter.delegated = true
        #expect(try await app.decisionRegisterPage(filter, by: "lancs.officer").rows.map(\.id) == [])
        try await app.decide(id, approve: true, interests: "None.", by: "lancs.chief-executive", on: day("2026-11-10"))
        var row = try #require(try await app.decisionRegisterPage(filter, by: "lancs.officer").rows.first)
        #expect(row.id == id)
        #expect(row.delegatedTo == "chief-executive")
        #expect(row.delegationLimitPence == 5_000_000)
        #expect(row.notedOn == nil)
        try await app.noteDecision(id, by: "lancs.pcc", on: day("2026-11-12"))
        row = try #require(try await app.decisionRegisterPage(filter, by: "lancs.officer").rows.first)
        #expect(row.notedOn == day("2026-11-12"))
        filter.delegated = false
        #expect(try await app.decisionRegisterPage(filter, by: "lancs.officer").rows.map(\.id) == [])

        // Written around Part 1 with raw access: refused, and nothing changed.
        let edit = "UPDATE decision_record SET decided_role = 'commissioner' WHERE id = '\(id)'"
        var refusal = ""
        do {
            if let sqlite = store as? SQLiteStore {
                try await sqlite.writer.write { db in try db.execute(sql: edit) }
            } else {
                let url = try #require(store as? PostgresStore).displayURL
                try await offThePool { try PGConnection(url: url).executeScript(edit + ";") }
            }
        } catch {
            refusal = "\(error)"
        }
        // SQLite: cannot UPDATE generated column "decided_role"; PostgreSQL: column "decided_role" can only be
        // updated to DEFAULT.
        #expect(refusal.contains("decided_role"))
        #expect(refusal.contains("generated") || refusal.contains("DEFAULT"))
        filter.delegated = true
        #expect(try await app.decisionRegisterPage(filter, by: "lancs.officer").rows.map(\.id) == [id])
    }

    @Test(arguments: TestEngine.all) func aDecisionTheCommissionerTookIsNotDelegatedAndNotNoted(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        try await addLancashire(to: app)
        let id = try await lancashireRecordReferred(app, amount: "£80,000")
        // Above the delegation's limit the delegate is refused; the Commissioner decides.
        #expect(
            await refusedRules {
                try await app.decide(id, approve: true, interests: "None.", by: "lancs.chief-executive")
            } == ["decision-maker-authorised"])
        try await app.decide(id, approve: true, interests: "None.", by: "lancs.pcc", on: day("2026-11-10"))
        let record = try await app.showDecision(id, by: "lancs.officer").record
        #expect(record.decision?.delegation == nil)
        #expect(record.decision?.isDelegated == false)
        #expect(
            await refusedRules { try await app.noteDecision(id, by: "lancs.pcc") }
                == ["noting-of-delegated-decisions-only"])
        let notice = try await markdownNotice(app, id)
        #expect(!notice.contains("Delegated decision"))
    }

    @Test(arguments: TestEngine.all) func notingWhereTheOfficeRequiresIt(engine: TestEngine) async throws {
        // Cumbria delegates to its Chief Executive without asking the Commissioner to note.
        let (app, _) = try await demoApp(engine: engine)
        var draft = DecisionDraft()
        draft.title = "Delegated in Cumbria"
        draft.executiveSummary = "Short."
        let id = try await app.raiseDecision(office: "cumbria", draft: draft, by: "cumbria.officer").id
        try await app.submitDecision(id, by: "cumbria.officer")
        try await app.signDecision(id, position: "originating-officer", name: "V. Stafford", by: "cumbria.officer")
        try await app.signDecision(
            id, position: "chief-executive", name: "S. Edwards", by: "cumbria.chief-executive")
        try await app.referDecision(id, by: "cumbria.chief-executive")
        try await app.decide(
            id, approve: true, interests: "None.", by: "cumbria.chief-executive", role: .chiefExecutive)
        let record = try await app.showDecision(id, by: "cumbria.officer").record
        #expect(record.decision?.delegation?.notingRequired == false)
        #expect(record.decision?.delegation?.upTo == nil)
        #expect(!DecisionRules.awaitsNoting(record))
        #expect(
            await refusedRules { try await app.noteDecision(id, by: "cumbria.pcc") }
                == ["noting-where-the-office-requires-it"])
    }

    @Test(arguments: TestEngine.all) func notedOnce(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        try await addLancashire(to: app)
        let id = try await lancashireRecordReferred(app)
        try await app.decide(id, approve: true, interests: "None.", by: "lancs.chief-executive", on: day("2026-11-10"))
        try await app.noteDecision(id, by: "lancs.pcc", on: day("2026-11-11"))
        #expect(await refusedRules { try await app.noteDecision(id, by: "lancs.pcc") } == ["noted-once"])
        #expect(try await app.showDecision(id, by: "lancs.officer").record.noting?.day == day("2026-11-11"))
    }

    @Test(arguments: TestEngine.all) func onlyTheCommissionerNotesAndNeverBeforeTheDecision(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        try await addLancashire(to: app)
        let id = try await lancashireRecordReferred(app)
        try await app.decide(id, approve: true, interests: "None.", by: "lancs.chief-executive", on: day("2026-11-10"))
        let byDelegate = await refusedRules { try await app.noteDecision(id, by: "lancs.chief-executive") }
        #expect(!byDelegate.isEmpty && !byDelegate.contains("noted-once"))
        // The same rules as `--on`: not before the record's last act, not after today.
        #expect(
            await refusedRules { try await app.noteDecision(id, by: "lancs.pcc", on: day("2026-11-09")) }
                == ["effective-dates-never-go-backwards"])
        #expect(
            await refusedRules { try await app.noteDecision(id, by: "lancs.pcc", on: day("2026-11-21")) }
                == ["effective-date-not-in-future"])
        #expect(try await app.showDecision(id, by: "lancs.officer").record.noting == nil, "nothing changed")
    }

    @Test(arguments: TestEngine.all) func aRecordPinnedToVersionOneKeepsItAndHasNoNotingToWaitFor(
        engine: TestEngine
    ) async throws {
        let (app, store) = try await demoApp(engine: engine)
        try await addLancashire(to: app)
        // Raised while only version 1 of the decision workflow shipped.
        let shipped = try shippedCatalog()
        let v1 = WorkflowCatalog(
            definitions: shipped.all.filter { $0.name != "decision-request" || $0.version == 1 })
        let old = try Commissioning(store: store, catalog: v1, clock: FixedClock(day: day("2026-11-20")))
        let id = try await lancashireRecordReferred(old)
        // Version 2 ships: the record stays on version 1, decided by the delegate, and has no `note` act.
        try await app.decide(id, approve: true, interests: "None.", by: "lancs.chief-executive", on: day("2026-11-10"))
        let instance = try #require(try await store.read { tx in try tx.instance(id: id) })
        #expect(instance.workflowVersion == 1)
        let record = try await app.showDecision(id, by: "lancs.officer").record
        #expect(record.decision?.delegation?.notingRequired == false)
        #expect(!DecisionRules.awaitsNoting(record))
        #expect(await refusedRules { try await app.noteDecision(id, by: "lancs.pcc") } == ["unknown-event"])
        // A record raised now starts on version 2.
        let newer = try await lancashireRecordReferred(app)
        #expect(try await store.read { tx in try tx.instance(id: newer) }?.workflowVersion == 2)
    }

    @Test func theNotingRuleRefusesEachCaseByName() {
        var record = DecisionRecord(id: "x", office: "lancashire", title: "t", originatingOfficer: "o")
        #expect(DecisionRules.checkNoting(record) == .notingOfDelegatedDecisionsOnly)
        record.decision = DecisionTaken(
            outcome: .approved, decisionMaker: "PCC", role: .commissioner, day: day("2026-11-10"),
            interestsDeclared: "None")
        #expect(DecisionRules.checkNoting(record)?.rule == "noting-of-delegated-decisions-only")
        record.decision?.role = .chiefExecutive
        #expect(DecisionRules.checkNoting(record)?.rule == "noting-where-the-office-requires-it")
        record.decision?.delegation = DelegationUsed(role: .chiefExecutive, upTo: nil, notingRequired: true)
        #expect(DecisionRules.checkNoting(record) == nil)
        #expect(DecisionRules.checkNotedBeforePublication(record)?.rule == "noted-before-publication")
        record.noting = DecisionNoting(notedBy: "PCC", day: day("2026-11-11"), recordedBy: "pcc")
        #expect(DecisionRules.checkNoting(record)?.rule == "noted-once")
        #expect(DecisionRules.checkNotedBeforePublication(record) == nil)
    }

    @Test(arguments: TestEngine.all) func arbitraryUnicodeAsTheConsultationIsKeptOrRefusedByNameAndNeverHalfSaved(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let text = Gen<UInt32>.value(in: 0...0x10_FFFF).map { String(Unicode.Scalar($0) ?? "\u{FFFD}") }
            .array(of: 0...60).map { $0.joined() }
        await propertyCheck(count: 40, input: text) { text in
            var draft = DecisionDraft()
            draft.title = "Consultation property"
            draft.consultation = text
            do {
                let id = try await app.raiseDecision(office: "lincolnshire", draft: draft, by: "lincs.officer").id
                let record = try await app.showDecision(id, by: "lincs.officer").record
                #expect(record.consultation != nil)
                let notice = try await markdownNotice(app, id, by: "lincs.officer")
                #expect(notice.contains("## Consultation"))
                var edit = DecisionDraft()
                edit.consultation = text
                try await app.editDecision(id, draft: edit, by: "lincs.officer")
                #expect(try await app.showDecision(id, by: "lincs.officer").record.consultation == record.consultation)
            } catch let refusal as ServiceRefusal {
                #expect(refusal.message.hasPrefix("consultation"), "\(refusal)")
            }
        }
    }
}
