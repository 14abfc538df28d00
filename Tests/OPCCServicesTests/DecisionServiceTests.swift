import Foundation
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

/// Drives a fresh Cumbria record to the decision-maker, starting on `start`; returns its id.
@discardableResult
func cumbriaReferred(_ app: Commissioning, on start: String, title: String = "Pilot") async throws -> String {
    let id = try await app.raiseDecision(
        office: "cumbria", draft: shortDraft(title), by: "cumbria.officer", on: day(start)
    )
    .id
    try await app.submitDecision(id, by: "cumbria.officer", on: day(start))
    try await app.signDecision(
        id, position: "originating-officer", name: "A Officer", by: "cumbria.officer", on: day(start))
    try await app.signDecision(
        id, position: "chief-executive", name: "B Chief", by: "cumbria.chief-executive", on: day(start))
    try await app.referDecision(id, by: "cumbria.chief-executive", on: day(start))
    return id
}

@Suite("Decision records: the form's rules through the service")
struct DecisionServiceTests {
    @Test(
        arguments: TestEngine.all,
        [
            ("2016-03-09", "2016-03-14"), ("2022-06-02", "2022-06-08"), ("2020-12-18", "2020-12-23"),
            ("2020-12-23", "2020-12-30"),
        ])
    func thePart1DeadlineIsTheDecisionPlusTheOfficesWorkingDays(
        engine: TestEngine, dates: (decided: String, due: String)
    ) async throws {
        let (decided, due) = dates
        let (app, _) = try await demoApp(engine: engine)
        let id = try await cumbriaReferred(app, on: decided)
        let view = try await app.decide(id, approve: true, interests: "none", by: "cumbria.pcc", on: day(decided))
        #expect(view.record.part1Deadline == day(due))
        let overdueNextDay = try await app.decisionRegister(
            {
                var f = DecisionFilter(); f.overdueOn = day(due).adding(days: 1); return f
            }(), by: "cumbria.officer")
        #expect(overdueNextDay.map(\.id) == [id])
        let overdueOnTheDay = try await app.decisionRegister(
            {
                var f = DecisionFilter(); f.overdueOn = day(due); return f
            }(), by: "cumbria.officer")
        #expect(overdueOnTheDay.isEmpty)
    }

    @Test(arguments: TestEngine.all) func theNumberIsAllocatedAtFirstSubmissionAndKeptWhenReturned(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = try await cumbriaReferred(app, on: "2016-05-03")
        await #expect(try app.showDecision(id, by: "cumbria.officer").record.number == "015/2016")
        let returned = try await app.perform(
            .returnForRevision(reason: "cost the hub works"), on: id, by: "cumbria.pcc", on: day("2016-05-04"))
        #expect(returned.status == "draft")
        #expect(returned.record.signOffs.isEmpty)
        let resubmitted = try await app.submitDecision(id, by: "cumbria.officer", on: day("2016-05-05"))
        #expect(resubmitted.record.number == "015/2016")
    }

    @Test(arguments: TestEngine.all) func aWithdrawnNumberIsNeverReused(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let first = try await app.raiseDecision(
            office: "cumbria", draft: shortDraft(), by: "cumbria.officer", on: day("2016-06-01"))
        try await app.submitDecision(first.id, by: "cumbria.officer", on: day("2016-06-01"))
        try await app.perform(
            .withdraw(reason: "duplicate"), on: first.id, by: "cumbria.officer", on: day("2016-06-02"))
        let second = try await app.raiseDecision(
            office: "cumbria", draft: shortDraft(), by: "cumbria.officer", on: day("2016-06-03"))
        await #expect(
            try app.submitDecision(second.id, by: "cumbria.officer", on: day("2016-06-03")).record.number == "016/2016")
    }

    @Test(arguments: TestEngine.all) func cumbriaNumbersStartAgainInJanuary(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = try await app.raiseDecision(
            office: "cumbria", draft: shortDraft(), by: "cumbria.officer", on: day("2017-01-03")
        ).id
        await #expect(
            try app.submitDecision(id, by: "cumbria.officer", on: day("2017-01-03")).record.number == "001/2017")
    }

    @Test(arguments: TestEngine.all) func unpaddedNumbersFindTheSameRecord(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let padded = try await app.decisionID("014/2016", office: "cumbria")
        await #expect(try app.decisionID("14/2016", office: "cumbria") == padded)
        await #expect(throws: ServiceRefusal.self) { try await app.decisionID("15/2016", office: "cumbria") }
    }

    @Test(arguments: TestEngine.all) func onlyDraftsAreEdited(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = try await cumbriaReferred(app, on: "2016-05-03")
        var change = DecisionDraft()
        change.title = "Changed"
        let error = await #expect(throws: ServiceRefusal.self) {
            try await app.editDecision(id, draft: change, by: "cumbria.officer")
        }
        #expect(error?.rule == "edit-only-in-draft")
        await #expect(try app.showDecision(id, by: "cumbria.officer").record.title == "Pilot")
    }

    @Test(arguments: TestEngine.all) func anEditRecordsWhichFieldsChangedButNeverPart2Text(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = try await app.raiseDecision(
            office: "cumbria", draft: shortDraft(), by: "cumbria.officer", on: day("2016-05-03")
        ).id
        var change = DecisionDraft()
        change.part2 = .init(exists: true, reason: "names victims", content: "Secret body text", complete: true)
        try await app.editDecision(id, draft: change, by: "cumbria.officer", on: day("2016-05-03"))
        let edit = try await #require(try app.auditLog(instance: id).last)
        #expect(edit.event == "edit")
        #expect(edit.payloadFields["fields"] == "part2")
        #expect(!edit.payload.contains("Secret body text"))
    }

    @Test(arguments: TestEngine.all) func aRecordWithAnIncompletePart2CannotBeSubmitted(engine: TestEngine) async throws
    {
        let (app, _) = try await demoApp(engine: engine)
        var draft = shortDraft()
        draft.part2 = .init(exists: true, reason: "names victims", content: "", complete: false)
        let id = try await app.raiseDecision(
            office: "cumbria", draft: draft, by: "cumbria.officer", on: day("2016-05-03")
        ).id
        let refused = await #expect(throws: ActRefused.self) {
            try await app.submitDecision(id, by: "cumbria.officer", on: day("2016-05-03"))
        }
        #expect(refused?.rules == ["part2-complete-before-submission"])
        await #expect(try app.showDecision(id, by: "cumbria.officer").record.number == nil)
    }

    @Test(arguments: TestEngine.all) func theRealSummaryOf014Of2016IsRefusedLive(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let imported = try await app.showDecision("014/2016", office: "cumbria", by: "cumbria.officer").record
        var draft = shortDraft()
        draft.executiveSummary = imported.executiveSummary
        let id = try await app.raiseDecision(
            office: "cumbria", draft: draft, by: "cumbria.officer", on: day("2016-05-03")
        ).id
        let refused = await #expect(throws: ActRefused.self) {
            try await app.submitDecision(id, by: "cumbria.officer", on: day("2016-05-03"))
        }
        #expect(refused?.rules == ["executive-summary-word-limit"])
        #expect(refused?.description.contains("words: 118, limit: 100") == true)
    }

    @Test(arguments: TestEngine.all) func theChiefExecutiveMayDecideInCumbriaAsTheNamedDelegate(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = try await cumbriaReferred(app, on: "2016-05-03")
        let view = try await app.decide(
            id, approve: false, interests: "none", by: "cumbria.chief-executive", on: day("2016-05-04"))
        #expect(view.status == "not-approved")
        #expect(view.record.decision?.role == .chiefExecutive)
        #expect(view.record.part1Deadline == day("2016-05-09"))
    }

    @Test(arguments: TestEngine.all) func aPrejudicialInterestPassesTheDecisionToTheDelegate(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = try await cumbriaReferred(app, on: "2016-05-03")
        let refused = await #expect(throws: ActRefused.self) {
            try await app.decide(
                id, approve: true, interests: "a relative sits on the project board", prejudicialInterest: true,
                by: "cumbria.pcc", on: day("2016-05-04"))
        }
        #expect(refused?.rules == ["prejudicial-interest-passes-to-delegate"])
        #expect(refused?.description.contains("passes to the chief-executive") == true)
        let view = try await app.decide(
            id, approve: true, interests: "none", by: "cumbria.chief-executive", on: day("2016-05-04"))
        #expect(view.record.decision?.decisionMaker == "Chief Executive (seed 000: Stuart Edwards)")
    }

    @Test(arguments: TestEngine.all) func anUndatedCumbriaDeferralGoesOnTheReviewList(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = try await cumbriaReferred(app, on: "2016-05-03")
        try await app.decide(id, approve: true, interests: "none", by: "cumbria.pcc", on: day("2016-05-04"))
        let view = try await app.perform(
            .deferPublication(reason: "premises negotiation", until: nil), on: id, by: "cumbria.officer",
            on: day("2016-05-05"))
        #expect(view.status == "publication-deferred")
        #expect(view.record.part1Deadline == nil)
        var filter = DecisionFilter()
        filter.undatedDeferral = true
        await #expect(try app.decisionRegister(filter, by: "cumbria.officer").map(\.id) == [id])
    }

    @Test(arguments: TestEngine.all) func aDatedDeferralBecomesTheDeadline(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = try await cumbriaReferred(app, on: "2016-05-03")
        try await app.decide(id, approve: true, interests: "none", by: "cumbria.pcc", on: day("2016-05-04"))
        let view = try await app.perform(
            .deferPublication(reason: "premises negotiation", until: day("2016-07-01")), on: id, by: "cumbria.officer",
            on: day("2016-05-05"))
        #expect(view.record.part1Deadline == day("2016-07-01"))
        let published = try await app.perform(.publish, on: id, by: "cumbria.officer", on: day("2016-07-01"))
        #expect(published.status == "published")
        #expect(published.record.publishedOn == day("2016-07-01"))
    }
}

extension DecisionServiceTests {
    /// Issue 21 item 10: a number given by hand whose year disagrees with the day it is allocated on is refused,
    /// and nothing changes; the number of the day's year is taken.
    @Test(arguments: TestEngine.all) func aNumberGivenByHandWhoseYearIsNotItsDatesIsRefused(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = try await app.raiseDecision(
            office: "cumbria", draft: shortDraft(), by: "cumbria.officer", on: day("2016-04-04")
        ).id
        let error = await #expect(throws: ServiceRefusal.self) {
            try await app.perform(.submit(number: "099/2017"), on: id, by: "cumbria.officer", on: day("2016-04-04"))
        }
        #expect(error?.rule == "decision-number-matches-date")
        #expect(error?.message.hasPrefix("099/2017 is numbered for 2017, but it is dated 2016-04-04, in 2016") == true)
        let unchanged = try await app.showDecision(id, by: "cumbria.officer")
        #expect(unchanged.status == "draft")
        #expect(unchanged.record.number == nil)
        let view = try await app.perform(
            .submit(number: "099/2016"), on: id, by: "cumbria.officer", on: day("2016-04-04"))
        #expect(view.record.number == "099/2016")
        #expect(view.record.exceptions.isEmpty)
    }

    /// Issue 21 item 10: the public notice said "Decided by: cumbria.pcc"; it names the person as the form would.
    @Test(arguments: TestEngine.all) func theNoticeNamesTheDecisionMakerByDisplayNameNeverBySignInName(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = try await approvedDecision(app, amount: "£1,000")
        try await app.perform(.publish, on: id, by: "cumbria.officer", on: day("2016-05-05"))
        let view = try await app.showDecision(id, by: nil)
        #expect(view.record.decision?.decisionMaker == "Police and Crime Commissioner for Cumbria")
        let markdown = await DecisionNotice.markdown(
            view.record, status: view.status, profile: try app.profile(of: "cumbria"))
        #expect(markdown.contains("Police and Crime Commissioner for Cumbria"))
        let page = try await app.publishedNoticeHTML(id)
        #expect(page.contains("Police and Crime Commissioner for Cumbria"))
        for notice in [markdown, page] {
            #expect(!notice.contains("cumbria.pcc"))
            #expect(!notice.contains("cumbria.officer"))
        }
    }
}

@Suite("Decision records: Part 2 and the register")
struct DecisionPart2AndRegisterTests {
    let tripwire = "Part 2 test content: not for publication."

    @Test(arguments: TestEngine.all) func part2IsReadOnlyByTheProfilesRolesAndEveryReadIsAudited(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.readPart2("007/2020", office: "lincolnshire", by: "lincs.finance")
        }
        #expect(refused?.rule == "part2-readers-only")
        #expect(refused?.description.contains(tripwire) == false)
        let outsider = await #expect(throws: ServiceRefusal.self) {
            try await app.readPart2("007/2020", office: "lincolnshire", by: "cumbria.auditor")
        }
        // Another office's Part 2 is not there for its people: refused as a missing record, naming no roles.
        #expect(outsider?.rule == "known-decision")
        #expect(outsider?.message == "no decision record '007/2020' in lincolnshire")
        let head = try await app.auditHead()
        let content = try await app.readPart2("007/2020", office: "lincolnshire", by: "lincs.auditor")
        #expect(content.contains(tripwire))
        let read = try await #require(try app.auditLog().last)
        #expect(read.sequence == head.sequence + 1)
        #expect(read.event == "part2-read" && read.actor == "lincs.auditor" && read.role == "auditor")
        #expect(!read.payload.contains(tripwire))
    }

    @Test(arguments: TestEngine.all) func noPart1OutputCarriesPart2Content(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let view = try await app.showDecision("007/2020", office: "lincolnshire", by: "lincs.officer")
        let profile = try await app.profile(of: "lincolnshire")
        let rows = try await app.decisionRegister(DecisionFilter(), by: nil)
        let encoder = JSONEncoder()
        let outputs = await [
            DecisionNotice.markdown(view.record, status: view.status, profile: profile),
            DecisionNotice.html(view.record, status: view.status, profile: profile),
            String(decoding: try encoder.encode(DecisionJSON(view, profile: profile)), as: UTF8.self),
            String(decoding: try encoder.encode(rows), as: UTF8.self),
            RegisterExport.csv(rows),
            String(decoding: try encoder.encode(try app.auditLog()), as: UTF8.self),
        ]
        for output in outputs { #expect(!output.contains(tripwire)) }
        #expect(outputs[0].contains("negative stereotyping"))
    }

    @Test(arguments: TestEngine.all) func thePublicRegisterShowsPublishedRecordsOnly(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        try await cumbriaReferred(app, on: "2016-05-03")
        let publicRows = try await app.decisionRegister(DecisionFilter(), by: nil)
        #expect(publicRows.allSatisfy { $0.status == "published" })
        #expect(publicRows.contains { $0.number == "007/2020" })
        let officerRows = try await app.decisionRegister(DecisionFilter(), by: "cumbria.officer")
        // The officer also sees Cumbria's own unpublished record, and nothing unpublished of other offices.
        #expect(officerRows.count == publicRows.count + 1)
        #expect(officerRows.filter { $0.status != "published" }.map(\.office) == ["cumbria"])
    }

    @Test(arguments: TestEngine.all) func theRegisterFiltersByYearStrandAmountOfficerAndText(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        func rows(_ change: (inout DecisionFilter) -> Void) async throws -> [String?] {
            var f = DecisionFilter()
            f.office = "cumbria"
            change(&f)
            return try await app.decisionRegister(f, by: "cumbria.auditor").map(\.number)
        }
        await #expect(try rows { $0.financialYearStart = 2015 } == ["014/2016"])
        await #expect(try rows { $0.financialYearStart = 2016 } == [])
        await #expect(try rows { $0.strand = "ASB" } == ["014/2016"])
        await #expect(try rows { $0.minimumPence = 10_000_000 } == ["014/2016"])
        await #expect(try rows { $0.maximumPence = 9_999_999 } == [])
        await #expect(try rows { $0.officer = "Vivian Stafford" } == ["014/2016"])
        await #expect(try rows { $0.text = "Mirehouse" } == ["014/2016"])
        await #expect(try rows { $0.status = "published" } == ["014/2016"])
        let acrossOffices = try await app.decisionRegister(
            {
                var f = DecisionFilter(); f.minimumPence = 10_000_000; return f
            }(), by: "cumbria.auditor")
        #expect(Set(acrossOffices.compactMap(\.number)).isSuperset(of: ["014/2016", "007/2020"]))
        #expect(acrossOffices.allSatisfy { ($0.amountPence ?? 0) >= 10_000_000 })
    }
}

@Suite("Decision records: historic import")
struct DecisionImportTests {
    func fixture(_ name: String) throws -> DecisionImportFile {
        let url = repositoryRoot.appendingPathComponent("fixtures/decisions/\(name)")
        return try DecisionImportFile.parse(yaml: String(contentsOf: url, encoding: .utf8), source: name)
    }

    /// Issue 21 item 10: a historic number whose year is not its date's is imported, flagged like the other
    /// historic exceptions (shown on the record, in the notice and the register).
    @Test(arguments: TestEngine.all) func aHistoricNumberWhoseYearIsNotItsDatesIsFlaggedOnImport(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        var file = try fixture("cumbria-014-2016.yaml")
        file.number = "014/2017"  // submitted on 7 March 2016
        let view = try await app.importDecision(file, source: "slip.yaml", by: "cumbria.officer")
        #expect(view.record.number == "014/2017")
        #expect(view.status == "published")
        let flagged = view.record.exceptions.filter { $0.rule == "decision-number-matches-date" }
        #expect(flagged.map(\.act) == ["submit"])
        #expect(flagged.map(\.day) == [day("2016-03-07")])
        #expect(flagged.first?.message == "014/2017 is numbered for 2017, but it is dated 2016-03-07, in 2016")
        let register = try await app.decisionRegister(DecisionFilter(), by: "cumbria.auditor")
        #expect(register.first { $0.number == "014/2017" }?.exceptionCount == 2)
    }

    @Test(arguments: TestEngine.all) func bothSeedRecordsImportAndArePublished(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let cumbria = try await app.showDecision("014/2016", office: "cumbria", by: "cumbria.auditor")
        #expect(cumbria.status == "published")
        #expect(cumbria.record.signOffs.map(\.day) == [day("2016-03-07"), day("2016-03-07")])
        #expect(cumbria.record.decision?.day == day("2016-03-09"))
        #expect(cumbria.record.part1Deadline == day("2016-03-14"))
        #expect(cumbria.record.exceptions.map(\.rule) == ["executive-summary-word-limit"])
        #expect(cumbria.record.exceptions.first?.message.contains("words: 118, limit: 100") == true)
        let lincs = try await app.showDecision("007/2020", office: "lincolnshire", by: "lincs.auditor")
        #expect(lincs.status == "published")
        #expect(lincs.record.signOffs.map(\.initials) == ["KR", "SC", "BS", "JF", "MB", nil])
        #expect(lincs.record.part1Deadline == day("2020-05-27"))
        #expect(lincs.record.exceptions.isEmpty)
        #expect(lincs.record.part2.content == nil)
    }

    @Test(arguments: TestEngine.all) func anImportIsAllOrNothing(engine: TestEngine) async throws {
        let (app, store) = try await demoApp(engine: engine)
        var file = try fixture("cumbria-014-2016.yaml")
        file.number = "099/2016"
        file.acts[2].role = .auditor  // the Chief Executive's approval by a role that may never act
        let head = try await app.auditHead()
        let error = await #expect(throws: ServiceRefusal.self) {
            try await app.importDecision(file, source: "bad.yaml", by: "cumbria.officer")
        }
        #expect(error?.rule == "import-replay")
        #expect(error?.message.contains("acts[2] (sign-off on 2016-03-07 by Stuart Edwards)") == true)
        await #expect(try app.auditHead() == head)
        await #expect(try store.read { try $0.decisionCount(office: "cumbria") } == 1)
    }

    @Test func aBadImportFileNamesTheField() {
        let error = #expect(throws: ServiceRefusal.self) {
            try DecisionImportFile.parse(yaml: "office: cumbria\nnumber: 1/2016\n", source: "short.yaml")
        }
        #expect(error?.message.hasPrefix("short.yaml: originatingOfficer") == true)
    }
}

@Suite("Decision records: corrections")
struct DecisionCorrectionTests {
    @Test(arguments: TestEngine.all) func afterADecisionACorrectionIsANewAuditedEvent(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        var fix = DecisionDraft()
        fix.title = "Vulnerable Localities Index (VLI) Pilot"
        let head = try await app.auditHead()
        let view = try await app.correctDecision(
            "014/2016", office: "cumbria", draft: fix, reason: "title as minuted", by: "cumbria.officer",
            on: day("2016-04-01"))
        #expect(view.record.title == "Vulnerable Localities Index (VLI) Pilot")
        #expect(view.status == "published")
        let event = try await #require(try app.auditLog().last)
        #expect(event.sequence == head.sequence + 1)
        #expect(event.event == "correct" && event.fromState == "published" && event.toState == "published")
        #expect(event.payloadFields == ["fields": "title", "reason": "title as minuted"])
        await #expect(try app.verifyAudit().isIntact)
    }

    @Test(arguments: TestEngine.all) func beforeADecisionThereIsNoCorrectionOnlyReturnAndEdit(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = try await cumbriaReferred(app, on: "2016-05-03")
        var fix = DecisionDraft()
        fix.title = "Changed"
        let error = await #expect(throws: ServiceRefusal.self) {
            try await app.correctDecision(id, draft: fix, reason: "typo", by: "cumbria.officer", on: day("2016-05-03"))
        }
        #expect(error?.rule == "corrections-after-decision")
    }

    @Test(arguments: TestEngine.all) func aCorrectionNeedsAReason(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        var fix = DecisionDraft()
        fix.title = "X"
        let error = await #expect(throws: ServiceRefusal.self) {
            try await app.correctDecision(
                "014/2016", office: "cumbria", draft: fix, reason: " \n", by: "cumbria.officer")
        }
        #expect(error?.rule == "reason-given")
    }
}
