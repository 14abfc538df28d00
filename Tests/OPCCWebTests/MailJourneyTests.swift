import Foundation
import Hummingbird
import HummingbirdTesting
import OPCCCore
import OPCCMail
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Synchronization
import Testing

@testable import OPCCWeb

/// The "Done when" journeys of issue 24 against a real SMTP server on loopback (`.ci/smtp-sink`, aiosmtpd): the acts
/// are taken through the web app's forms (the deadline sweep through the service the server runs daily), the outbox
/// is delivered by `Commissioning.deliverNotifications` with the SMTP client, and what the server received is read
/// back with Python's `email` package: envelope, headers, both parts.
@Suite(
    "Mail: the journeys delivered to a real SMTP server on loopback",
    .enabled(if: OutsideTool.aiosmtpd.runs, Comment(rawValue: OutsideTool.aiosmtpd.skipReason)))
struct MailJourneyTests {
    static let publicURL = "https://opcc.example.org"
    /// A marker in the journey's Part 2: no message may carry it.
    static let marker = "PART-2-TRIPWIRE-mail-journey"

    @Test(arguments: TestEngine.all) func theCumbriaJourneyMailsTheSignOffsTheReferralTheDecisionAndPartOneReminder(
        engine: TestEngine
    ) async throws {
        let sink = try await SMTPSink.start()
        defer { sink.stop() }
        let clock = MailTestClock(day: "2026-11-20")
        let app = try await Self.demo(engine, clock: clock, returns: false)
        let id = try await Self.journeyThroughTheForms(app)
        // The daily sweep, day after day, until Part 1's reminder (the working day before it is due).
        var reminded = false
        for _ in 0..<10 where !reminded {
            clock.advance(days: 1)
            try await app.sweepDeadlines(office: "cumbria")
            reminded = try await Self.outbox(app).contains { $0.kind == "part1-due" && $0.subjectID == id }
        }
        #expect(reminded, "no Part 1 reminder within ten days")
        try await Self.deliverAll(app, to: sink, now: clock.now())

        let number = try #require(try await app.store.read { try $0.decision(id: id) }?.number)
        let link = "\(Self.publicURL)/decisions/\(id)"
        let received = try await sink.messages()
        let mine = received.filter { $0.text?.contains(link) == true }
        let due = try Self.dueDay(mine)
        #expect(
            mine.map { "\($0.subject) → \($0.rcptTos.joined(separator: ","))" }.sorted() == [
                "Decision \(number) approved → officer@cumbria.example.org",
                "Decision \(number) awaits your decision → chief-executive@cumbria.example.org",
                "Decision \(number) awaits your decision → pcc@cumbria.example.org",
                "Part 1 of decision \(number) is due for publication by \(due) → officer@cumbria.example.org",
                "Sign-off needed: decision \(number) → chief-executive@cumbria.example.org",
                "Sign-off needed: decision \(number) → officer@cumbria.example.org",
            ])
        try Self.checkEach(received, sentAs: try await Self.outbox(app))
    }

    @Test(arguments: TestEngine.all) func theDemosReturnsSweepMailsEachBoardAndTheReviewersOnce(
        engine: TestEngine
    ) async throws {
        let sink = try await SMTPSink.start()
        defer { sink.stop() }
        let clock = MailTestClock(day: "2026-11-20")
        let app = try await Self.demo(engine, clock: clock, returns: true)
        try await Self.deliverAll(app, to: sink, now: clock.now())
        // A second round, and a sweep of today: nothing more is sent.
        try await app.sweepDeadlines(office: "cumbria")
        try await Self.deliverAll(app, to: sink, now: clock.now())
        let received = try await sink.messages()
        let rows = try await Self.outbox(app)
        try Self.checkEach(received, sentAs: rows)

        let swept = rows.filter { ["return-due", "return-overdue", "return-escalated"].contains($0.kind) }
        let mails = received.filter { mail in
            swept.contains { mail.header("Message-ID")?.contains($0.messageID) == true }
        }
        #expect(mails.count == swept.count && !swept.isEmpty, "each once: \(mails.count) mails for \(swept.count) rows")
        func told(_ kind: String, _ subject: String? = nil) -> Set<String> {
            Set(
                mails.filter { mail in
                    swept.contains {
                        $0.kind == kind && (subject == nil || $0.subjectID == subject)
                            && mail.header("Message-ID")?.contains($0.messageID) == true
                    }
                }.flatMap(\.rcptTos))
        }
        let barrow = "ormsgill-board@barrow.example.org"
        let copeland = "mirehouse-board@copeland.example.org"
        let reviewers: Set = ["officer@cumbria.example.org", "finance@cumbria.example.org"]
        #expect(told("return-due") == [barrow, copeland])
        let q2 = try #require(swept.first { $0.kind == "return-escalated" }?.subjectID)
        #expect(told("return-overdue", q2) == reviewers.union([copeland]))
        #expect(told("return-escalated", q2) == reviewers.union([copeland, "chief-executive@cumbria.example.org"]))
        #expect(mails.filter { $0.rcptTos == [barrow] }.allSatisfy { $0.subject.hasPrefix("The ") })
        // A board's mail speaks only of its own grant.
        for mail in mails {
            let text = [mail.subject, mail.text ?? "", mail.html ?? ""].joined(separator: "\n")
            if mail.rcptTos == [barrow] { #expect(!text.contains("Copeland") && !text.contains("cumbria-GA-0002")) }
            if mail.rcptTos == [copeland] { #expect(!text.contains("Barrow") && !text.contains("cumbria-GA-0001")) }
        }
    }

    // MARK: - The journey and the delivery

    /// The Cumbria 014/2016 journey (title, people, positions and signatories of the seed) on the test's clock: the
    /// record is raised through the service with a Part 2 holding the marker (the web's form has no Part 2 field),
    /// then submitted, signed by both positions, referred and approved through the web's forms.
    static func journeyThroughTheForms(_ commissioning: Commissioning) async throws -> String {
        var draft = DecisionDraft()
        draft.title = "Vulnerable Localities Index (VLI) Project"
        draft.executiveSummary = "Pilot the Vulnerable Localities Index approach in two wards."
        draft.recommendation = "Approve £100,000 (£50,000 per pilot area)."
        draft.amount = "£100,000"
        draft.part2 = .init(exists: true, reason: "Commercial interests", content: marker, complete: true)
        let id = try await commissioning.raiseDecision(office: "cumbria", draft: draft, by: "cumbria.officer").id
        let path = "/decisions/\(id)"
        let app = try await webApp(commissioning: commissioning)
        try await app.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            #expect(try await officer.post("\(path)/submit").status == .seeOther)
            #expect(
                try await officer.post("\(path)/sign", ["position": "originating-officer", "name": "Vivian Stafford"])
                    .status == .seeOther)
            var chief = Browser(client)
            _ = try await chief.signIn("cumbria.chief-executive")
            #expect(
                try await chief.post("\(path)/sign", ["position": "chief-executive", "name": "Stuart Edwards"]).status
                    == .seeOther)
            #expect(try await chief.post("\(path)/refer").status == .seeOther)
            var pcc = Browser(client)
            _ = try await pcc.signIn("cumbria.pcc")
            #expect(try await pcc.post("\(path)/decide", ["approve": "yes", "interests": "None."]).status == .seeOther)
        }
        return id
    }

    /// Delivers the whole outbox to `sink` with the SMTP client, a batch (one connection) per round.
    static func deliverAll(_ app: Commissioning, to sink: SMTPSink, now: Date) async throws {
        let relay = try SMTPRelay(
            url: "smtp://127.0.0.1:\(sink.port)", sender: "opcc@cumbria.example.org", environment: [:])
        let client = try SMTPClient(relay: relay, replyTimeout: .seconds(20), connectTimeout: .seconds(5))
        let settings = Commissioning.DeliverySettings(publicURL: publicURL)
        for _ in 0..<100 {
            let report = try await app.deliverNotifications(
                transport: client, node: "mail-journey", settings: settings, now: now, limit: 50)
            #expect(report.retried == 0 && report.failed == 0, "\(report)")
            if report.claimed == 0 { return }
        }
        Issue.record("the outbox did not empty in 100 rounds")
    }

    /// Every message: the row it was sent for (by Message-ID, each row once), to that person's address alone, the
    /// row's subject, the link from the public URL in both parts, well formed, and never the Part 2 tripwire (the
    /// journey's marker, the demo's Lincolnshire content, the reason's words).
    static func checkEach(_ received: [ReceivedMail], sentAs rows: [StoredNotification]) throws {
        let host = "@opcc.example.org>"
        let ids = received.compactMap { $0.header("Message-ID") }
        #expect(ids.count == received.count && Set(ids).count == ids.count, "a Message-ID twice: \(ids.count)")
        let byID = Dictionary(uniqueKeysWithValues: rows.map { ("<\($0.messageID)\(host)", $0) })
        #expect(rows.allSatisfy { $0.state == .sent }, "\(rows.filter { $0.state != .sent }.map(\.kind))")
        #expect(received.count == rows.count, "\(received.count) received for \(rows.count) rows")
        for mail in received {
            let row = try #require(byID[mail.header("Message-ID") ?? ""], "\(mail.subject): no row")
            #expect(mail.rcptTos == [Self.address(of: row.recipient)] && mail.header("To") == mail.rcptTos.first)
            #expect(mail.subject == row.subject && mail.defects.isEmpty)
            if !row.path.isEmpty {
                #expect(mail.text?.contains(publicURL + row.path) == true)
                #expect(mail.html?.contains("href=\"\(publicURL + row.path)\"") == true)
            }
            for text in [mail.subject, mail.text ?? "", mail.html ?? ""] {
                #expect(!text.contains(marker) && !text.contains(tripwire) && !text.contains("Commercial interests"))
            }
        }
    }

    /// The demo people file's address for a sign-in name (`cumbria.officer` → `officer@cumbria.example.org`).
    static func address(of person: String) -> String {
        switch person {
        case "cumbria.barrow-board": return "ormsgill-board@barrow.example.org"
        case "cumbria.copeland-board": return "mirehouse-board@copeland.example.org"
        default:
            let office = [
                "cumbria": "cumbria", "lincs": "lincolnshire", "wm": "west-midlands", "leics": "leicestershire",
            ]
            let parts = person.split(separator: ".", maxSplits: 1).map(String.init)
            return "\(parts[1])@\(office[parts[0]] ?? parts[0]).example.org"
        }
    }

    /// The Part 1 due day the reminder's subject names.
    static func dueDay(_ mails: [ReceivedMail]) throws -> String {
        let subject = try #require(mails.first { $0.subject.hasPrefix("Part 1 of decision") }?.subject)
        return String(subject.split(separator: " ").last ?? "")
    }

    /// Every outbox row of every office, oldest first.
    static func outbox(_ app: Commissioning) async throws -> [StoredNotification] {
        try await app.store.read { tx in
            try ["cumbria", "lincolnshire", "west-midlands", "leicestershire"].flatMap { office in
                try tx.people(office: office).flatMap {
                    try tx.notifications(recipient: $0.name, offset: 0, limit: 100_000)
                }
            }
        }.sorted { $0.id < $1.id }
    }

    /// The demo on `engine` with every person's demo password, on a clock the test moves.
    static func demo(_ engine: TestEngine, clock: MailTestClock, returns: Bool) async throws -> Commissioning {
        let home = ProductHome(root: repositoryRoot)
        let store: TestStore = try await engine.makeStore()
        let app = try Commissioning(
            store: store, catalog: try WorkflowCatalog.load(from: home, registry: .standard),
            calendar: try WorkingDayCalendar.load(from: home), clock: clock)
        try await loadDemo(into: app, returns: returns)
        return app
    }
}

/// A clock the test moves a day at a time, from noon in London.
final class MailTestClock: OPCCServices.Clock {
    private let instant: Mutex<Date>
    init(day: String) { instant = Mutex(FixedClock(day: try! Day(iso: day)).now()) }
    func now() -> Date { instant.withLock { $0 } }
    func advance(days: Int) { instant.withLock { $0 = $0.addingTimeInterval(Double(days) * 86_400) } }
}
