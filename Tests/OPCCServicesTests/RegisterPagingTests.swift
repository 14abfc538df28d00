import Foundation
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import PropertyBased
import Testing

/// The register is read a page at a time: the page's rows only, in the register's order, with the whole filter's
/// count, and a keyset cursor to the page after it. Walked by cursor or by offset, the pages are the whole register.
@Suite("Decision register: pages and cursors")
struct RegisterPagingTests {
    /// The demo with `extra` more records raised in Cumbria, a few of them taken to publication.
    func biggerRegister(_ engine: TestEngine, extra: Int = 23) async throws -> Commissioning {
        let (app, _) = try await demoApp(engine: engine)
        for n in 0..<extra {
            var draft = DecisionDraft()
            draft.title = "Paged record \(n)"
            try await app.raiseDecision(office: "cumbria", draft: draft, by: "cumbria.officer")
        }
        return app
    }

    func walk(
        _ app: Commissioning, _ filter: DecisionFilter, limit: Int, by reader: String?, byCursor: Bool
    ) async throws -> (rows: [DecisionRegisterRow], totals: Set<Int>) {
        var rows: [DecisionRegisterRow] = []
        var totals: Set<Int> = []
        var cursor: RegisterCursor?
        for _ in 0..<1_000 {
            let page = try await app.decisionRegisterPage(
                filter, limit: limit, offset: byCursor ? 0 : rows.count, after: byCursor ? cursor : nil, by: reader)
            #expect(page.rows.count <= limit)
            rows += page.rows
            totals.insert(page.total)
            guard let next = page.next else { break }
            #expect(page.rows.count == limit, "only a full page says another follows")
            cursor = next
        }
        return (rows, totals)
    }

    /// The totals are kept between reads while the audit chain's head stands (`RegisterTotals`): a write moves the
    /// head, and the next read counts again, from this process or from another store on the same database.
    @Test(arguments: TestEngine.all) func aRegistersTotalFollowsEveryWriteEvenWhileItIsKeptBetweenReads(
        engine: TestEngine
    ) async throws {
        let stores = try await engine.makeStores(2)
        let (app, _) = try await demoApp(engine: engine, store: stores[0])
        let other = try Commissioning(
            store: stores[1], catalog: try shippedCatalog(), clock: FixedClock(day: day("2026-11-20")))
        var filter = DecisionFilter()
        filter.office = "cumbria"
        let before = try await app.decisionRegisterPage(filter, limit: 5, offset: 0, after: nil, by: "cumbria.officer")
        let again = try await app.decisionRegisterPage(filter, limit: 5, offset: 0, after: nil, by: "cumbria.officer")
        #expect(again.total == before.total, "nothing written: the same total")
        var draft = DecisionDraft()
        draft.title = "One more record"
        try await app.raiseDecision(office: "cumbria", draft: draft, by: "cumbria.officer")
        let after = try await app.decisionRegisterPage(filter, limit: 5, offset: 0, after: nil, by: "cumbria.officer")
        #expect(after.total == before.total + 1, "a raise moves the head and the total is counted again")
        let whole = try await app.decisionRegister(filter, by: "cumbria.officer")
        #expect(after.total == whole.count)
        // Another store on the same database (another process, or another node) writes: the head moves there too.
        draft.title = "Raised elsewhere"
        try await other.raiseDecision(office: "cumbria", draft: draft, by: "cumbria.officer")
        let seen = try await app.decisionRegisterPage(filter, limit: 5, offset: 0, after: nil, by: "cumbria.officer")
        #expect(seen.total == after.total + 1, "a write by another store is counted at once")
    }

    /// The public register reads its page and the offices' names in one transaction: the same page and names as
    /// the two reads on their own, for the public and for an insider, with a filter and by cursor.
    @Test(arguments: TestEngine.all) func aPageReadWithTheOfficesNamesIsThePageAndTheNamesReadApart(
        engine: TestEngine
    ) async throws {
        let app = try await biggerRegister(engine, extra: 5)
        var filter = DecisionFilter()
        filter.text = "record"
        for (filter, reader) in [(DecisionFilter(), nil), (filter, "cumbria.officer")] as [(DecisionFilter, String?)] {
            let apart = try await app.decisionRegisterPage(filter, limit: 2, by: reader)
            let together = try await app.decisionRegisterPageAndOffices(filter, limit: 2, by: reader)
            #expect(together.page.rows == apart.rows && together.page.total == apart.total)
            #expect(together.page.next == apart.next)
            let names = try await app.officeNames()
            #expect(together.offices.map(\.id) == names.map(\.id) && together.offices.map(\.name) == names.map(\.name))
            #expect(names.count > 1)
            #expect(!together.forwardPlan, "no office was asked about")
            let next = try await app.decisionRegisterPageAndOffices(filter, limit: 2, after: apart.next, by: reader)
            let nextApart = try await app.decisionRegisterPage(filter, limit: 2, after: apart.next, by: reader)
            #expect(next.page.rows == nextApart.rows)
        }
        // Whether an office publishes a forward plan: its profile's, and false for an office there is not.
        for office in ["cumbria", "west-midlands", "atlantis"] {
            var filter = DecisionFilter()
            filter.office = office
            let read = try await app.decisionRegisterPageAndOffices(filter, limit: 2, by: nil, forwardPlanOf: office)
            let expected = office == "atlantis" ? false : try await app.profile(of: office).forwardPlan != nil
            #expect(read.forwardPlan == expected, "\(office)")
        }
    }

    @Test(arguments: TestEngine.all) func pagesWalkedByCursorOrByOffsetAreTheWholeRegisterInOrder(
        engine: TestEngine
    ) async throws {
        let app = try await biggerRegister(engine)
        for reader in [nil, "cumbria.officer", "wm.finance"] as [String?] {
            let whole = try await app.decisionRegister(DecisionFilter(), by: reader)
            #expect(whole.count >= (reader == "cumbria.officer" ? 23 : 1))
            for limit in [1, 7, 50] {
                let byCursor = try await walk(app, DecisionFilter(), limit: limit, by: reader, byCursor: true)
                let byOffset = try await walk(app, DecisionFilter(), limit: limit, by: reader, byCursor: false)
                #expect(byCursor.rows == whole, "\(reader ?? "public"), \(limit) a page, by cursor")
                #expect(byOffset.rows == whole, "\(reader ?? "public"), \(limit) a page, by offset")
                #expect(byCursor.totals == [whole.count])
            }
        }
    }

    @Test(arguments: TestEngine.all) func thePublicAndOtherOfficesReadOnlyPublishedRecordsAnInsiderItsOfficesAll(
        engine: TestEngine
    ) async throws {
        let app = try await biggerRegister(engine, extra: 3)
        let published = try await walk(app, DecisionFilter(), limit: 4, by: nil, byCursor: true)
        #expect(!published.rows.isEmpty)
        #expect(published.rows.allSatisfy { $0.status == "published" })
        let outsider = try await walk(app, DecisionFilter(), limit: 4, by: "wm.finance", byCursor: true)
        #expect(outsider.rows.allSatisfy { $0.status == "published" || $0.office == "west-midlands" })
        #expect(!outsider.rows.contains { $0.title.hasPrefix("Paged record") })
        let insider = try await walk(app, DecisionFilter(), limit: 4, by: "cumbria.officer", byCursor: true)
        #expect(insider.rows.filter { $0.title.hasPrefix("Paged record") }.count == 3)
        #expect(insider.rows.allSatisfy { $0.status == "published" || $0.office == "cumbria" })
    }

    /// A filter and a search narrow the count and the pages alike.
    @Test(arguments: TestEngine.all) func aFilteredPageCountsOnlyWhatTheFilterHolds(engine: TestEngine) async throws {
        let app = try await biggerRegister(engine, extra: 12)
        var filter = DecisionFilter()
        filter.office = "cumbria"
        filter.status = "draft"
        filter.text = "Paged"
        let page = try await app.decisionRegisterPage(filter, limit: 5, by: "cumbria.officer")
        #expect(page.total == 12)
        #expect(page.rows.count == 5)
        #expect(page.next != nil)
        let last = try await app.decisionRegisterPage(filter, limit: 5, offset: 10, by: "cumbria.officer")
        #expect(last.rows.count == 2)
        #expect(last.next == nil)
    }

    /// A record raised after a reader took page 1 sorts in its place: the cursor's next page starts exactly after the
    /// last row the reader saw, so nothing is shown twice.
    @Test(arguments: TestEngine.all) func aCursorsNextPageStartsAfterTheRowItNamesWhatEverWasAddedMeanwhile(
        engine: TestEngine
    ) async throws {
        let app = try await biggerRegister(engine, extra: 6)
        var filter = DecisionFilter()
        filter.office = "cumbria"
        let first = try await app.decisionRegisterPage(filter, limit: 3, by: "cumbria.officer")
        let next = try #require(first.next)
        #expect(next == RegisterCursor(after: try #require(first.rows.last)))
        var draft = DecisionDraft()
        draft.title = "Raised meanwhile"
        try await app.raiseDecision(office: "cumbria", draft: draft, by: "cumbria.officer")
        let second = try await app.decisionRegisterPage(filter, limit: 3, after: next, by: "cumbria.officer")
        #expect(Set(second.rows.map(\.id)).isDisjoint(with: first.rows.map(\.id)))
        #expect(second.total == first.total + 1)
    }

    /// Any Unicode scalars at all.
    static let arbitrary = Gen.int(in: 0...0x10FFFF).array(of: 0...60).map { codes in
        String(String.UnicodeScalarView(codes.compactMap { Unicode.Scalar(UInt32($0)) }))
    }

    /// A cursor arrives in a URL, so anyone can write one: any text is a cursor or nothing, never a crash, and every
    /// cursor the register makes reads back as itself.
    @Test func anyTextIsACursorOrNothingAndEveryCursorReadsBackAsItself() async {
        await propertyCheck(count: 2_000, input: Self.arbitrary) { text in
            if let cursor = RegisterCursor(text: text) { #expect(RegisterCursor(text: cursor.text) == cursor) }
        }
        let printable = Self.arbitrary.map { String($0.unicodeScalars.filter { $0.value >= 0x20 }) }
        await propertyCheck(count: 1_000, input: zip(printable, printable, printable, printable)) { a, b, c, d in
            let cursor = RegisterCursor(office: "o" + a, decidedKey: "d" + b, numberKey: c, id: "i" + d)
            #expect(RegisterCursor(text: cursor.text) == cursor)
        }
        for text in ["", "=", "a b", "%00", "////", String(repeating: "A", count: 5_000)] {
            #expect(RegisterCursor(text: text) == nil, "\(text.prefix(20).debugDescription)")
        }
    }

    /// Whatever cursor arrives, a page is an answer: rows after it in the register's order, or none.
    @Test(arguments: TestEngine.all) func anyCursorKeysGiveAPageInTheRegistersOrderNeverAnError(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let whole = try await app.decisionRegister(DecisionFilter(), by: nil)
        for keys in [
            ("", "", "", ""), ("cumbria", "2016-01-01", "", "x"), ("\u{10FFFF}", "9999", "", "z"),
            ("'; DROP TABLE decision_record; --", "9999", "%", "_"),
        ] {
            let cursor = RegisterCursor(office: keys.0, decidedKey: keys.1, numberKey: keys.2, id: keys.3)
            let page = try await app.decisionRegisterPage(DecisionFilter(), limit: 500, after: cursor, by: nil)
            #expect(page.total == whole.count)
            #expect(whole.suffix(page.rows.count) == ArraySlice(page.rows), "\(keys)")
        }
    }

    /// A search's page is read one of two ways on SQLite (`searchReadsInOrder`): in the register's order, testing
    /// each record (a word most records hold: "Paged" in 23 new records here, with one-row pages), or by its
    /// matches, sorted (a rare word, or longer pages). Either way the pages, by cursor and by offset, are the whole
    /// filtered register in its order, and each page's total is the filter's count.
    @Test(arguments: TestEngine.all) func aSearchsPagesAreTheWholeSearchWhicheverWayTheyAreRead(
        engine: TestEngine
    ) async throws {
        let app = try await biggerRegister(engine)
        for text in ["paged", "Paged record", "record 1", "youth", "zzzz", "paged 7"] {
            var filter = DecisionFilter()
            filter.text = text
            let whole = try await app.decisionRegister(filter, by: "cumbria.officer")
            for limit in [1, 2, 7, 50] {
                for byCursor in [true, false] {
                    let (rows, totals) = try await walk(
                        app, filter, limit: limit, by: "cumbria.officer", byCursor: byCursor)
                    #expect(rows.map(\.id) == whole.map(\.id), "'\(text)' by \(limit), cursor \(byCursor)")
                    #expect(totals == [whole.count], "'\(text)' by \(limit)")
                }
            }
        }
        var paged = DecisionFilter()
        paged.text = "paged"
        #expect(try await app.decisionRegister(paged, by: "cumbria.officer").count == 23, "the common word's matches")
    }
}
