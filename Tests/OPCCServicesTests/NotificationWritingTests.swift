import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

/// Every outbox row of an office's people, oldest first.
private func outbox(_ app: Commissioning, office: String = "cumbria") async throws -> [StoredNotification] {
    try await app.store.read { tx in
        try tx.people(office: office).flatMap { try tx.notifications(recipient: $0.name, offset: 0, limit: 100_000) }
    }.sorted { $0.id < $1.id }
}

/// Who got a row of `kind` about `subject`, sorted.
private func told(_ rows: [StoredNotification], _ kind: String, about subject: String? = nil) -> [String] {
    rows.filter { $0.kind == kind && (subject == nil || $0.subjectID == subject) }.map(\.recipient).sorted()
}

private let barrow = "cumbria-GA-0001"
private let copeland = "cumbria-GA-0002"
private let marker = "PART-2-TRIPWIRE-notifications"

/// The Cumbria 014/2016 journey on its own dates, with a Part 2 holding the tripwire: raised 1 March, submitted
/// and signed off on 7 March, referred, approved on 9 March by the Commissioner.
private func journey(_ app: Commissioning, approve: Bool = true) async throws -> String {
    var draft = shortDraft("Vulnerable Localities Index (VLI) Project")
    draft.part2 = .init(exists: true, reason: "Commercial interests", content: marker, complete: true)
    let id = try await app.raiseDecision(office: "cumbria", draft: draft, by: "cumbria.officer", on: day("2016-03-01"))
        .id
    try await app.submitDecision(id, by: "cumbria.officer", on: day("2016-03-07"))
    try await app.signDecision(
        id, position: "originating-officer", name: "Vivian Stafford", by: "cumbria.officer", on: day("2016-03-07"))
    try await app.signDecision(
        id, position: "chief-executive", name: "Stuart Edwards", by: "cumbria.chief-executive", on: day("2016-03-07"))
    try await app.referDecision(id, by: "cumbria.chief-executive", on: day("2016-03-07"))
    try await app.decide(id, approve: approve, interests: "none", by: "cumbria.pcc", on: day("2016-03-09"))
    return id
}

private func returnID(_ app: Commissioning, _ agreement: String, _ quarter: String) async throws -> String {
    let records = try await app.store.read { try $0.returnRecords(office: "cumbria", agreement: agreement) }
    return try #require(records.first { $0.quarter.description == quarter }).id
}

/// Who is told of what (issue 24): the rules of workflows/notifications/ written to the outbox in the act's or the
/// sweep's own transaction.
@Suite("Notifications: who is told of what")
struct NotificationWritingTests {
    @Test(arguments: TestEngine.all) func aSubmittedDecisionAsksEachSignatoryPositionsHolderForTheirSignOff(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let before = try await outbox(app).count
        let id = try await app.raiseDecision(
            office: "cumbria", draft: shortDraft(), by: "cumbria.officer", on: day("2016-03-01")
        ).id
        #expect(try await outbox(app).count == before)  // raising a draft tells nobody
        try await app.submitDecision(id, by: "cumbria.officer", on: day("2016-03-07"))
        let rows = try await outbox(app)
        // The originating officer's declaration is theirs; the Chief Executive's approval the Chief Executive's.
        #expect(told(rows, "sign-off-needed", about: id) == ["cumbria.chief-executive", "cumbria.officer"])
        let row = try #require(rows.first { $0.kind == "sign-off-needed" })
        #expect(row.path == "/decisions/\(id)")
        #expect(row.subject.hasPrefix("Sign-off needed: decision 0"))
        #expect(row.statutory == false)
    }

    @Test(arguments: TestEngine.all) func aHistoricImportOrARefusedActTellsNobody(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        // The demo imported 014/2016 with its historic acts: nobody is told of a decision taken in 2016.
        let imported = try await app.decisionID("014/2016", office: "cumbria")
        #expect(try await outbox(app).filter { $0.subjectID == imported }.isEmpty)
        let id = try await app.raiseDecision(
            office: "cumbria", draft: shortDraft(), by: "cumbria.officer", on: day("2016-03-01")
        ).id
        try await app.submitDecision(id, by: "cumbria.officer", on: day("2016-03-07"))
        let before = try await outbox(app).count
        // Referred before its sign-offs: refused, and the refusal writes no row.
        await #expect(throws: ActRefused.self) {
            try await app.referDecision(id, by: "cumbria.chief-executive", on: day("2016-03-07"))
        }
        #expect(try await outbox(app).count == before)
    }

    @Test(arguments: TestEngine.all) func aReferredDecisionGoesToTheCommissionerAndTheDelegate(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = try await decisionReferred(app)
        // Cumbria's Chief Executive may decide in the Commissioner's place, with no limit.
        #expect(
            told(try await outbox(app), "decision-referred", about: id) == ["cumbria.chief-executive", "cumbria.pcc"])
    }

    @Test(arguments: TestEngine.all) func aDecisionTakenIsToldToTheOriginatingOfficer(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let approved = try await journey(app)
        let declined = try await journey(app, approve: false)
        let rows = try await outbox(app)
        #expect(told(rows, "decision-approved", about: approved) == ["cumbria.officer"])
        #expect(told(rows, "decision-declined", about: declined) == ["cumbria.officer"])
        let approval = try #require(rows.first { $0.kind == "decision-approved" })
        #expect(approval.body.contains("was approved. Part 1 is to be published by 2016-03-14."))
    }

    @Test(arguments: TestEngine.all) func partOneDueTheNextWorkingDayAndOverdueIsToldToTheOfficesOfficers(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = try await journey(app)
        // Approved Wednesday 9 March: Part 1 due Monday 14 March. Thursday has two working days to go, Friday one.
        #expect(
            try await app.sweepDeadlines(on: day("2016-03-10"), office: "cumbria").filter { $0.subject == id }
                .isEmpty)
        let friday = try await app.sweepDeadlines(on: day("2016-03-11"), office: "cumbria").filter { $0.subject == id }
        #expect(friday.map(\.action) == ["remind"])
        try await app.sweepDeadlines(on: day("2016-03-15"), office: "cumbria")
        let rows = try await outbox(app)
        #expect(told(rows, "part1-due", about: id) == ["cumbria.officer"])
        #expect(told(rows, "part1-overdue", about: id) == ["cumbria.officer"])
        #expect(rows.filter { $0.kind.hasPrefix("part1-") }.allSatisfy { $0.statutory })
        #expect(rows.first { $0.kind == "part1-due" }?.occasion == "2016-03-11")
    }

    @Test(arguments: TestEngine.all) func aReturnDueOverdueAndEscalatedIsToldToItsBoardTheReviewersAndTheChiefExecutive(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = try await returnID(app, copeland, "2016/17 Q1")
        // Due Thursday 21 July 2016: reminded on the 15th, overdue on the 22nd, ten working days late on 4 August.
        for on in ["2016-07-15", "2016-07-22", "2016-08-04"] {
            try await app.sweepDeadlines(on: day(on), office: "cumbria")
        }
        let rows = try await outbox(app)
        #expect(told(rows, "return-due", about: id) == ["cumbria.copeland-board"])
        #expect(
            told(rows, "return-overdue", about: id) == ["cumbria.copeland-board", "cumbria.finance", "cumbria.officer"])
        #expect(
            told(rows, "return-escalated", about: id) == [
                "cumbria.chief-executive", "cumbria.copeland-board", "cumbria.finance", "cumbria.officer",
            ])
        let reminder = try #require(rows.first { $0.kind == "return-due" && $0.subjectID == id })
        #expect(reminder.subject == "The 2016/17 Q1 return for Copeland Borough Council is due by 2016-07-21")
        #expect(reminder.path == "/returns/\(id)")
    }

    @Test(arguments: TestEngine.all) func aReturnSentBackIsToldToItsBoardAndOneAcceptedToItsBoardAndFinance(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine, returns: true)
        let rows = try await outbox(app)
        // Copeland's Q3 return was sent back, then resubmitted and accepted (fixtures/returns/).
        let q3 = try await returnID(app, copeland, "2016/17 Q3")
        #expect(told(rows, "return-sent-back", about: q3) == ["cumbria.copeland-board"])
        #expect(told(rows, "return-accepted", about: q3) == ["cumbria.copeland-board", "cumbria.finance"])
        let barrowQ1 = try await returnID(app, barrow, "2016/17 Q1")
        #expect(told(rows, "return-accepted", about: barrowQ1) == ["cumbria.barrow-board", "cumbria.finance"])
    }

    @Test(arguments: TestEngine.all) func aCarryForwardAwaitingADecisionIsToldToTheCommissioner(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let request = try await app.requestCarryForward(
            office: "cumbria", from: fy("2016/17"), strand: "ASB", recipient: "GB-LAE-BAR",
            forecast: money("£5,000"), reason: "slippage", by: "cumbria.finance", on: day("2017-03-01"))
        let rows = try await outbox(app)
        #expect(told(rows, "carry-forward-requested", about: request.id) == ["cumbria.pcc"])
        #expect(
            rows.first { $0.kind == "carry-forward-requested" }?.subject
                == "A carry-forward of £5,000.00 awaits your decision")
    }

    @Test(arguments: TestEngine.all) func theCumbriaJourneyWritesEachMessageToTheRightPeopleAndNeverPartTwo(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = try await journey(app)
        try await app.sweepDeadlines(on: day("2016-03-11"), office: "cumbria")
        let rows = try await outbox(app).filter { $0.subjectID == id }
        #expect(
            rows.map { "\($0.kind) \($0.recipient)" } == [
                "sign-off-needed cumbria.chief-executive", "sign-off-needed cumbria.officer",
                "decision-referred cumbria.chief-executive", "decision-referred cumbria.pcc",
                "decision-approved cumbria.officer", "part1-due cumbria.officer",
            ])
        let number = try #require(try await app.store.read { try $0.decision(id: id) }?.number)
        for row in rows {
            #expect(row.subject.contains(number))
            #expect(!row.subject.contains(marker) && !row.body.contains(marker))
            #expect(!row.body.contains("Commercial interests"))
        }
    }

    @Test(arguments: TestEngine.all) func theDemosReturnsSweepTellsEachBoardAndTheReviewersOnceAndASecondSweepNothing(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine, returns: true)
        let rows = try await outbox(app)
        let swept = rows.filter { ["return-due", "return-overdue", "return-escalated"].contains($0.kind) }
        let keys = swept.map { "\($0.kind) \($0.subjectID) \($0.recipient)" }
        #expect(Set(keys).count == keys.count)  // each once
        #expect(Set(told(swept, "return-due")) == ["cumbria.barrow-board", "cumbria.copeland-board"])
        // Copeland's Q2 was late: marked overdue, then escalated.
        let q2 = try await returnID(app, copeland, "2016/17 Q2")
        #expect(
            told(swept, "return-overdue", about: q2) == [
                "cumbria.copeland-board", "cumbria.finance", "cumbria.officer",
            ])
        #expect(told(swept, "return-escalated", about: q2).contains("cumbria.chief-executive"))
        #expect(!swept.contains { $0.recipient == "cumbria.barrow-board" && $0.kind != "return-due" })
        // The sweeps' own days again: the notices are recorded, so no row is added.
        let days = Set(swept.map(\.occasion))
        for on in days { try await app.sweepDeadlines(on: day(on), office: "cumbria") }
        #expect(try await outbox(app).count == rows.count)
    }

    @Test(arguments: TestEngine.all) func aBoardsMessagesNeverNameAnotherGrant(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine, returns: true)
        let rows = try await outbox(app)
        let barrows = rows.filter { $0.recipient == "cumbria.barrow-board" }
        let copelands = rows.filter { $0.recipient == "cumbria.copeland-board" }
        #expect(!barrows.isEmpty && !copelands.isEmpty)
        let barrowReturns = try await app.store.read { try $0.returnRecords(office: "cumbria", agreement: barrow) }
        let copelandReturns = try await app.store.read { try $0.returnRecords(office: "cumbria", agreement: copeland) }
        for (mine, theirs) in [
            (barrows, copelandReturns.map(\.id) + [copeland, "Copeland"]),
            (copelands, barrowReturns.map(\.id) + [barrow, "Barrow"]),
        ] {
            for row in mine {
                for name in theirs {
                    #expect(!row.subject.contains(name) && !row.body.contains(name) && !row.path.contains(name))
                }
            }
        }
        #expect(Set(barrows.map(\.subjectID)).isSubset(of: Set(barrowReturns.map(\.id) + [barrow])))
    }
}

/// The Part 2 tripwire across every message the rules write: each rule's kind is written at least once, on records
/// whose Part 2 holds the marker, and no subject or body carries it.
@Suite("Notifications: the Part 2 tripwire")
struct NotificationTripwireTests {
    @Test(arguments: TestEngine.all) func everyKindOfMessageIsWrittenAndNoneCarriesPartTwo(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine, returns: true)
        _ = try await journey(app)
        _ = try await journey(app, approve: false)
        // Part 1 due Monday 14 March 2016: due the next working day on the 11th, overdue on the 15th, ten working
        // days late (Easter 25–28 March) on 30 March.
        for on in ["2016-03-11", "2016-03-15", "2016-03-30"] {
            try await app.sweepDeadlines(on: day(on), office: "cumbria")
        }
        // A carry-forward, on a demo whose Barrow allocation is not yet paid out.
        let (unpaid, _) = try await demoApp(engine: engine)
        _ = try await unpaid.requestCarryForward(
            office: "cumbria", from: fy("2016/17"), strand: "ASB", recipient: "GB-LAE-BAR", forecast: money("£5,000"),
            reason: "slippage", by: "cumbria.finance", on: day("2017-03-01"))
        var rows = try await outbox(unpaid).filter { $0.kind == "carry-forward-requested" }
        for office in ["cumbria", "lincolnshire", "west-midlands", "leicestershire"] {
            rows += try await outbox(app, office: office)
        }
        let kinds = Set(app.catalog.notifications.rules.map(\.kind))
        #expect(kinds.subtracting(rows.map(\.kind)).isEmpty, "never written: \(kinds.subtracting(rows.map(\.kind)))")
        for row in rows {
            for text in [row.subject, row.body, row.path] {
                #expect(
                    !text.contains(marker) && !text.contains("Part 2 test content"), "\(row.kind) to \(row.recipient)")
            }
        }
    }
}
