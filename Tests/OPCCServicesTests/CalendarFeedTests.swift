import Foundation
import GRDB
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

/// The content lines of an iCalendar text, unfolded.
private func contentLines(_ ics: String) -> [String] {
    ics.replacingOccurrences(of: "\r\n ", with: "").components(separatedBy: "\r\n").filter { !$0.isEmpty }
}

/// The UIDs of a feed's events.
private func uids(_ ics: String) -> [String] {
    contentLines(ics).filter { $0.hasPrefix("UID:") }.map { String($0.dropFirst(4)) }
}

private func refusalRule(_ body: () async throws -> Void) async -> String? {
    do {
        try await body()
        return nil
    } catch let refusal as ServiceRefusal {
        return refusal.rule
    } catch {
        return "unexpected: \(error)"
    }
}

@Suite("Calendar feeds")
struct CalendarFeedTests {
    let barrow = "cumbria-GA-0001"
    let copeland = "cumbria-GA-0002"

    @Test(arguments: TestEngine.all) func aBoardMembersFeedListsOnlyItsOwnGrantsReturns(engine: TestEngine) async throws
    {
        let (app, _) = try await demoApp(engine: engine)
        let returns = try await app.store.read { try $0.returnRecords(office: "cumbria", agreement: nil) }
        let agreementOf = Dictionary(uniqueKeysWithValues: returns.map { ($0.id, $0.agreementID) })
        func returnAgreements(_ ics: String) -> Set<String> {
            Set(
                uids(ics).filter { $0.hasSuffix(".return-due@opcc") }.compactMap {
                    agreementOf[String($0.dropLast(".return-due@opcc".count))]
                })
        }
        let board = try await app.calendarFeed(token: try app.createCalendarFeed(for: "cumbria.barrow-board"))
        let officer = try await app.calendarFeed(for: "cumbria.officer")
        #expect(returnAgreements(board) == [barrow])
        #expect(returnAgreements(officer) == [barrow, copeland])
        // Nor does a board see decisions' deadlines or sign-offs.
        #expect(uids(board).allSatisfy { $0.hasSuffix(".return-due@opcc") })
    }

    // SQLite only: it reads the feed's row in the SQLite table through GRDB's writer.
    @Test func aRevokedTokenIsRefused() async throws {
        let (app, store) = try await demoApp()
        let token = try await app.createCalendarFeed(for: "cumbria.officer")
        await #expect(try app.calendarFeed(token: token).hasPrefix("BEGIN:VCALENDAR\r\n"))
        try await app.revokeCalendarFeed(of: "cumbria.officer", by: "cumbria.officer")
        await #expect(refusalRule { _ = try await app.calendarFeed(token: token) } == "calendar-feed-revoked")
        // Revocation is a new event beside the creation; the feed's record stays.
        let events = try await app.auditLog(office: "cumbria").map(\.event)
        #expect(events.suffix(2) == ["calendar-feed-created", "calendar-feed-revoked"])
        let rows = try store.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT revoked_at, revoked_audit_seq FROM calendar_feed")
        }
        #expect(rows.count == 1)
        #expect(rows.allSatisfy { ($0["revoked_audit_seq"] as Int64?) != nil })
        await #expect(
            refusalRule { try await app.revokeCalendarFeed(of: "cumbria.officer", by: "cumbria.officer") }
                == "calendar-feed-exists")
        await #expect(try app.verifyAudit().isIntact)
    }

    @Test(arguments: TestEngine.all) func anUnknownOrMalformedTokenIsRefused(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        _ = try await app.createCalendarFeed(for: "cumbria.officer")
        for token in [String(repeating: "0", count: 64), "", "../etc/passwd", String(repeating: "A", count: 64)] {
            await #expect(refusalRule { _ = try await app.calendarFeed(token: token) } == "calendar-feed-known")
        }
    }

    @Test(arguments: TestEngine.all) func aNewFeedRevokesThePersonsOldAddress(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let first = try await app.createCalendarFeed(for: "cumbria.officer")
        let second = try await app.createCalendarFeed(for: "cumbria.officer")
        #expect(first != second)
        await #expect(refusalRule { _ = try await app.calendarFeed(token: first) } == "calendar-feed-revoked")
        await #expect(try app.calendarFeed(token: second).contains("BEGIN:VCALENDAR"))
        await #expect(
            try app.auditLog(office: "cumbria").map(\.event).suffix(3) == [
                "calendar-feed-created", "calendar-feed-revoked", "calendar-feed-created",
            ])
    }

    // SQLite only: it reads the SQLite tables through GRDB's writer to see what is stored.
    @Test func onlyTheSecretsHashIsStored() async throws {
        let (app, store) = try await demoApp()
        let token = try await app.createCalendarFeed(for: "cumbria.officer")
        #expect(token.count == 64 && token.allSatisfy(\.isHexDigit))
        let stored = try await store.writer.read { db in
            try String.fetchAll(db, sql: "SELECT token_sha256 FROM calendar_feed")
        }
        #expect(stored == [SHA256Hex.of(token)])
        let dump = try await store.writer.read { db in
            try String.fetchAll(db, sql: "SELECT payload FROM audit_event").joined()
        }
        #expect(!dump.contains(token) && !dump.contains(SHA256Hex.of(token)))
    }

    @Test(arguments: TestEngine.all) func aFeedIsRevokedOnlyByItsPersonOrTheChiefExecutive(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let token = try await app.createCalendarFeed(for: "cumbria.barrow-board")
        await #expect(
            refusalRule { try await app.revokeCalendarFeed(of: "cumbria.barrow-board", by: "cumbria.officer") }
                == "calendar-feed-revoked-by-owner-or-chief-executive")
        await #expect(
            refusalRule { try await app.revokeCalendarFeed(of: "cumbria.barrow-board", by: "lincs.chief-executive") }
                == "calendar-feed-revoked-by-owner-or-chief-executive")
        try await app.revokeCalendarFeed(of: "cumbria.barrow-board", by: "cumbria.chief-executive")
        await #expect(refusalRule { _ = try await app.calendarFeed(token: token) } == "calendar-feed-revoked")
    }

    @Test(arguments: TestEngine.all) func aPublicationDeadlineIsListedForThoseWhoMayPublishOrDeferIt(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let id = try await approvedDecision(app, title: "Street lighting", amount: "£12,500")
        let uid = "\(id).part1-deadline@opcc"
        let deadline = try await #require(try app.showDecision(id, by: "cumbria.officer").record.part1Deadline)
        let officer = try await app.calendarFeed(for: "cumbria.officer")
        #expect(uids(officer).contains(uid))
        #expect(contentLines(officer).contains("DTSTART;VALUE=DATE:" + ICalendar.basic(deadline)))
        await #expect(uids(try app.calendarFeed(for: "cumbria.pcc")).contains(uid))
        for reader in ["cumbria.finance", "cumbria.auditor", "cumbria.barrow-board", "lincs.officer"] {
            await #expect(!uids(try app.calendarFeed(for: reader)).contains(uid), "\(reader) may not publish it")
        }
        // The public learn that it is due, by number, but not its unpublished title.
        let number = try await #require(try app.showDecision(id, by: "cumbria.officer").record.number)
        let public1 = try await app.publicCalendar(office: "cumbria")
        #expect(uids(public1).contains(uid))
        #expect(public1.contains("SUMMARY:Part 1 due: decision \(number)\r\n"))
        #expect(!public1.contains("Street lighting"))
        // Once published it leaves the officer's deadlines and is on the public calendar with its title.
        try await app.perform(.publish, on: id, by: "cumbria.officer", on: day("2016-05-05"))
        await #expect(!uids(try app.calendarFeed(for: "cumbria.officer")).contains(uid))
        let public2 = try await app.publicCalendar(office: "cumbria")
        #expect(uids(public2).contains("\(id).published@opcc"))
        #expect(public2.contains("Street lighting"))
        #expect(contentLines(public2).contains("DTSTART;VALUE=DATE:20160505"))
    }

    @Test(arguments: TestEngine.all) func aSignOffAwaitedIsListedForTheRoleThatGivesIt(engine: TestEngine) async throws
    {
        let (app, _) = try await demoApp(engine: engine)
        let id = try await app.raiseDecision(
            office: "cumbria", draft: shortDraft("Mirehouse lighting"), by: "cumbria.officer", on: day("2016-04-04")
        ).id
        try await app.submitDecision(id, by: "cumbria.officer", on: day("2016-04-05"))
        let uid = "\(id).sign-off@opcc"
        await #expect(uids(try app.calendarFeed(for: "cumbria.officer")).contains(uid))
        let chief = try await app.calendarFeed(for: "cumbria.chief-executive")
        #expect(uids(chief).contains(uid))
        #expect(contentLines(chief).contains("DTSTART;VALUE=DATE:20160405"))
        await #expect(!uids(try app.calendarFeed(for: "cumbria.pcc")).contains(uid))
        try await app.signDecision(
            id, position: "originating-officer", name: "A Officer", by: "cumbria.officer", on: day("2016-04-05"))
        await #expect(!uids(try app.calendarFeed(for: "cumbria.officer")).contains(uid))
        await #expect(uids(try app.calendarFeed(for: "cumbria.chief-executive")).contains(uid))
        // Nothing before publication reaches the public.
        let publicFeed = try await app.publicCalendar(office: "cumbria")
        #expect(!publicFeed.contains("Mirehouse lighting"))
    }

    @Test(arguments: TestEngine.all) func thePublicCalendarListsPublishedDecisionsOnTheirPublicationDay(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let published = try await app.decisionRegister(DecisionFilter(), by: nil)
        #expect(!published.isEmpty)
        let ics = try await app.publicCalendar(baseURL: "https://opcc.example/")
        for row in published {
            let on = try #require(row.publishedOn)
            #expect(uids(ics).contains("\(row.id).published@opcc"))
            #expect(contentLines(ics).contains("URL:https://opcc.example/register/\(row.id)"))
            #expect(contentLines(ics).contains("DTSTART;VALUE=DATE:" + ICalendar.basic(on)))
        }
        #expect(uids(ics).count == published.count)
    }

    /// 007/2020's synthetic Part 2 carries a tripwire sentence; no feed, personal or public, may ever contain it.
    @Test(arguments: TestEngine.all) func noFeedEverCarriesPart2Content(engine: TestEngine) async throws {
        let tripwire = "Part 2 test content"
        let (app, _) = try await demoApp(engine: engine)
        let part2 = try await app.readPart2("007/2020", office: "lincolnshire", by: "lincs.auditor")
        #expect(part2.contains(tripwire), "the demo's tripwire is in place")
        var feeds = await [try app.publicCalendar()]
        for office in ["cumbria", "lincolnshire", "west-midlands", "leicestershire"] {
            await feeds.append(try app.publicCalendar(office: office))
        }
        for person in try await app.everyone() {
            await feeds.append(try app.calendarFeed(token: try app.createCalendarFeed(for: person.name)))
        }
        for ics in feeds {
            #expect(!ics.contains(tripwire))
            #expect(!ics.replacingOccurrences(of: "\r\n ", with: "").contains(tripwire))
        }
    }
}

/// The feed as a calendar program reads it: the PyPI package `icalendar` parses the demo's feeds. Outside CI it is
/// skipped, naming the command that enables it, when python3 or icalendar is missing; with CI=true it never skips.
@Suite(
    "Calendar feeds parse with icalendar",
    .enabled(if: OutsideTool.icalendar.runs, Comment(rawValue: OutsideTool.icalendar.skipReason)))
struct CalendarFeedInteropTests {
    static let check = """
        import sys
        import icalendar
        with open(sys.argv[1], "rb") as f:
            calendar = icalendar.Calendar.from_ical(f.read())
        events = calendar.walk("VEVENT")
        expected = int(sys.argv[2])
        assert len(events) == expected, f"{len(events)} VEVENTs, expected {expected}"
        for event in events:
            assert event.get("DTSTART") is not None, f"an event without DTSTART: {event}"
            assert event.get("UID"), f"an event without UID: {event}"
            assert event.get("DTSTAMP") is not None, "an event without DTSTAMP"
        assert str(calendar.get("VERSION")) == "2.0"
        print(len(events), "events")
        """

    func parse(_ ics: String, expecting count: Int) throws {
        try #require(OutsideTool.icalendar.available, Comment(rawValue: OutsideTool.icalendar.missingInCI))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-ics-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("feed.ics")
        try Data(ics.utf8).write(to: file)
        let result = try OutsideTool.python3(["-c", Self.check, file.path, String(count)])
        #expect(result.status == 0, "icalendar refused the feed: \(result.output)")
    }

    @Test(arguments: TestEngine.all) func theDemoFeedsParseWithPythonICalendar(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        _ = try await approvedDecision(
            app, title: "Street lighting, phase 2; Mirehouse & Ormsgill — «£12,500»", amount: "£12,500")
        let officer = try await app.calendarFeed(
            token: try app.createCalendarFeed(for: "cumbria.officer"), baseURL: "https://opcc.example")
        let count = uids(officer).count
        #expect(count >= 2)
        try parse(officer, expecting: count)
        let board = try await app.calendarFeed(for: "cumbria.barrow-board")
        try parse(board, expecting: uids(board).count)
        let publicFeed = try await app.publicCalendar()
        try parse(publicFeed, expecting: uids(publicFeed).count)
    }
}
