import Foundation
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import PropertyBased
import Testing

/// The narrow reads the staff pages use at national scale (issue 27): each gives what the whole-office read it
/// replaces gave, on both engines, and the returns list's keyset cursor walks the same list as its pages by number.
@Suite struct PageReadsTests {
    static let generated = PerEngine<Commissioning> { engine in
        let app = try Commissioning(
            store: try await engine.makeStore(), catalog: try shippedCatalog(),
            clock: FixedClock(day: day("2026-11-20")))
        var options = Commissioning.NationalDataOptions()
        (options.offices, options.years, options.decisionsPerYear) = (1, 2, 6)
        (options.allocationsPerYear, options.recipientsPerYear, options.vli) = (9, 3, false)
        _ = try await app.generateNationalData(from: home, options)
        return app
    }

    /// A ward's chain reads the decision's live allocations and the agreements paying them: the same as filtering
    /// the office's every allocation and agreement.
    @Test(arguments: TestEngine.all)
    func aDecisionsAllocationsAndTheirAgreementsAreThoseTheWholeOfficeReadFinds(engine: TestEngine) async throws {
        let app = try await Self.generated(engine)
        let office = "avon-and-somerset"
        try await app.store.read { tx in
            let postings = try tx.postings(office: office)
            let reversed = Set(postings.compactMap(\.posting.reverses))
            let live = try tx.allocations(office: office).filter { !reversed.contains($0.postingSequence) }
            let agreements = try tx.agreements(office: office)
            let decisions = Set(live.map(\.allocation.decisionID))
            #expect(!decisions.isEmpty)
            for decision in decisions.sorted() {
                let expected = live.filter { $0.allocation.decisionID == decision }.map(\.allocation.id)
                let read = try tx.liveAllocations(office: office, decision: decision).map(\.allocation.id)
                #expect(read == expected, "\(decision)")
                let paying = agreements.filter { !Set($0.allocationIDs).isDisjoint(with: expected) }.map(\.id)
                #expect(try tx.agreements(payingAllocations: expected).map(\.id) == paying, "\(decision)")
            }
            #expect(try tx.liveAllocations(office: "west-midlands", decision: decisions.sorted()[0]).isEmpty)
            #expect(try tx.agreements(payingAllocations: []).isEmpty)
            for year in try tx.financeYears(office: office) {
                var names: [String: String] = [:]
                for a in try tx.liveAllocations(office: office, year: year)
                where names[a.allocation.recipientOrgID] == nil {
                    names[a.allocation.recipientOrgID] = a.allocation.recipientName
                }
                #expect(try tx.liveRecipientNames(office: office, year: year) == names)
                // Of some recipients only (a page's): the same names, of them alone; an unknown one has none.
                let some = names.keys.sorted().enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
                #expect(
                    try tx.liveRecipientNames(office: office, year: year, recipients: some + ["GB-NONE-0"])
                        == names.filter { some.contains($0.key) })
            }
        }
    }

    /// An office's finance years (read a year at a time through the allocations' year index) are the years of its
    /// budget strands and its allocations, and no other office's: here one office has a year of its own with a
    /// budget and no allocation, the other years of allocations.
    @Test(arguments: TestEngine.all)
    func anOfficesFinanceYearsAreThoseOfItsStrandsAndAllocations(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        try await app.setBudget(
            office: "cumbria", year: fy("2019/20"), strand: "ASB", name: "ASB", amount: money("£1,000"),
            by: "cumbria.finance", on: day("2019-05-01"))
        try await app.store.read { tx in
            let offices = try tx.offices().map(\.id)
            #expect(offices.count > 1)
            for office in offices {
                var expected = Set(try tx.allocations(office: office).map(\.allocation.year))
                expected.formUnion(try tx.strands(office: office, year: nil).map(\.year))
                #expect(try tx.financeYears(office: office) == expected.sorted(), "\(office)")
            }
            #expect(try tx.financeYears(office: "cumbria").contains(fy("2019/20")))
            #expect(try !tx.financeYears(office: "west-midlands").contains(fy("2019/20")))
            #expect(try tx.financeYears(office: "no-such-office") == [])
        }
    }

    /// The finance page's view of a year holds the overview's strands, reconciliation and recipients' names.
    @Test(arguments: TestEngine.all)
    func theFinancePagesViewOfAYearIsTheOverviewsOwnFigures(engine: TestEngine) async throws {
        let app = try await Self.generated(engine)
        let finance = "avon-and-somerset.finance-1"
        for year in try await app.financeOverview(as: finance).years + [nil] {
            let overview = try await app.financeOverview(as: finance, year: year)
            let view = try await app.financeYearView(as: finance, year: year)
            #expect(view.year == overview.year && view.years == overview.years)
            #expect(view.strands == overview.strands)
            func figures(_ r: Commissioning.ReconciliationRow) -> [String] {
                [
                    r.strand ?? "", r.recipient ?? "", "\(r.allocatedPence)", "\(r.committedPence)",
                    "\(r.availablePence)",
                ]
            }
            #expect(view.reconciliation.map(figures) == overview.reconciliation.map(figures))
            let names = Dictionary(
                overview.allocations.map { ($0.recipientOrgID, $0.recipientName) }, uniquingKeysWith: { a, _ in a })
            #expect(view.recipientNames == names)
        }
    }

    /// The finance page's page of a year reads the office's year once and gives one page of its lines: walked by
    /// offset or after the last line shown, a page at a time and with any page size, the pages are the year's
    /// reconciliation in its order; the strands' lines are every strand line, the total every line, the names
    /// those of the page's recipients alone.
    @Test(arguments: TestEngine.all)
    func theFinancePagesLinesArePagesOfTheYearsReconciliationByOffsetAndByCursor(engine: TestEngine) async throws {
        let app = try await Self.generated(engine)
        let finance = "avon-and-somerset.finance-1"
        func figures(_ r: Commissioning.ReconciliationRow) -> [String] {
            [
                r.strand ?? "", r.recipient ?? "", "\(r.budgetPence ?? -1)", "\(r.allocatedPence)",
                "\(r.committedPence)", "\(r.paidPence)", "\(r.availablePence)", "\(r.unallocatedPence ?? -1)",
            ]
        }
        let years = try await app.financeYearView(as: finance).years
        #expect(years.count >= 2)
        for year in years + [nil] {
            let view = try await app.financeYearView(as: finance, year: year)
            let all = view.reconciliation.map(figures)
            #expect(all.count > 4, "enough lines for several pages")
            for limit in [1, 2, 3, 50] {
                var byOffset: [[String]] = []
                var byCursor: [[String]] = []
                var start = Commissioning.FinanceLinesStart.offset(0)
                while true {
                    let page = try await app.financeYearPage(as: finance, year: year, from: start, limit: limit)
                    #expect(page.year == view.year && page.years == view.years && page.strands == view.strands)
                    #expect(page.total == all.count && page.lines.count <= limit)
                    #expect(
                        page.strandLines.map(figures) == view.reconciliation.filter { $0.recipient == nil }.map(figures)
                    )
                    let recipients = Set(page.lines.compactMap(\.recipient))
                    #expect(page.recipientNames == view.recipientNames.filter { recipients.contains($0.key) })
                    byCursor += page.lines.map(figures)
                    guard let last = page.lines.last, page.start + page.lines.count < page.total else { break }
                    start = .after(strand: last.strand ?? "", recipient: last.recipient ?? "")
                }
                var offset = 0
                while offset < all.count {
                    let page = try await app.financeYearPage(
                        as: finance, year: year, from: .offset(offset), limit: limit)
                    #expect(page.start == offset)
                    byOffset += page.lines.map(figures)
                    offset += limit
                }
                #expect(byOffset == all, "limit \(limit), by offset")
                #expect(byCursor == all, "limit \(limit), by cursor")
            }
            // Past the end, and after the last line: an empty page that still counts the year's lines.
            let past = try await app.financeYearPage(as: finance, year: year, from: .offset(all.count + 5), limit: 3)
            #expect(past.lines.isEmpty && past.total == all.count && past.start == all.count)
            let after = try await app.financeYearPage(
                as: finance, year: year, from: .after(strand: "\u{10FFFF}", recipient: ""), limit: 3)
            #expect(after.lines.isEmpty && after.total == all.count)
        }
    }

    /// The finance page keeps its year's lines and recipients' names between reads while the audit chain's head
    /// stands (`ReconciliationYearCache`): a write moves the head, and the next page reads the year again, whether
    /// this process wrote or another store on the same database did.
    @Test(arguments: TestEngine.all)
    func aFinancePagesLinesFollowEveryWriteEvenWhileTheYearIsKeptBetweenReads(engine: TestEngine) async throws {
        let stores = try await engine.makeStores(2)
        let (app, _) = try await demoApp(engine: engine, store: stores[0])
        let other = try Commissioning(
            store: stores[1], catalog: try shippedCatalog(), clock: FixedClock(day: day("2026-11-20")))
        let finance = "cumbria.finance"
        let year = fy("2016/17")
        func budget(_ page: Commissioning.FinanceYearPage, _ strand: String) -> Int64? {
            page.strandLines.first { $0.strand == strand }?.budgetPence
        }
        let first = try await app.financeYearPage(as: finance, year: year, limit: 500)
        let again = try await app.financeYearPage(as: finance, year: year, limit: 500)
        #expect(again.total == first.total && budget(again, "KEPT") == nil, "nothing written: the same lines")
        try await app.setBudget(
            office: "cumbria", year: year, strand: "KEPT", name: "Kept", amount: money("£1,000"), by: finance,
            on: day("2016-05-01"))
        let after = try await app.financeYearPage(as: finance, year: year, limit: 500)
        #expect(budget(after, "KEPT") == 100_000, "a budget set here moves the head and the year is read again")
        #expect(after.total == first.total + 1)
        try await other.setBudget(
            office: "cumbria", year: year, strand: "KEPT", name: "Kept", amount: money("£2,500"), by: finance,
            on: day("2016-05-01"))
        let seen = try await app.financeYearPage(as: finance, year: year, limit: 500)
        #expect(budget(seen, "KEPT") == 250_000, "a budget set by another store is seen at once")
        // A new recipient of the year, allocated by the other store: its line and its name.
        let decision = try await approvedDecision(other, amount: "£1,000")
        try await other.allocate(
            [
                Commissioning.AllocationRequest(
                    office: "cumbria", year: year, strand: "KEPT", recipientOrgID: "GB-KEPT-1",
                    recipientName: "Kept Recipient Trust", purpose: "Kept", decision: decision, amount: money("£10"))
            ], by: finance, on: day("2016-05-05"))
        let allocated = try await app.financeYearPage(as: finance, year: year, limit: 500)
        #expect(allocated.lines.contains { $0.recipient == "GB-KEPT-1" && $0.allocatedPence == 1_000 })
        #expect(allocated.recipientNames["GB-KEPT-1"] == "Kept Recipient Trust")
        // What is kept is what the year's balances give: the whole reconciliation read afresh agrees.
        let fresh = try await app.reconciliation(year: year, office: "cumbria")
        #expect(allocated.lines.map(\.allocatedPence) == fresh.map(\.allocatedPence))
    }

    /// The returns list's lines are the list's rows (what the web list shows of them), for every status on several
    /// days; walked by cursor or by offset, a page at a time, they are the whole list; a project board sees only
    /// its grants' and another office's reader none.
    @Test(arguments: TestEngine.all)
    func theReturnsListsLinesAreTheListsRowsAndTheCursorWalksTheWholeList(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine, returns: true)
        _ = try await app.sweepDeadlines(on: day("2016-08-04"), office: "cumbria")
        func shown(_ row: Commissioning.ReturnListRow) -> [String] {
            [
                row.id, row.agreement, row.recipient, row.quarter, row.dueOn, row.state, "\(row.overdue)",
                "\(row.escalated)", "\(row.awaitingReview)",
            ]
        }
        func shown(_ entry: Commissioning.ReturnListEntry) -> [String] {
            let l = entry.line
            return [
                l.id, l.agreement, l.recipient, l.quarter, l.dueOn, l.state, "\(entry.overdue)", "\(l.escalated)",
                "\(entry.awaitingReview)",
            ]
        }
        for today in ["2016-07-01", "2016-07-22", "2016-08-04", "2017-06-01"].map(day) {
            for status in [nil] + Commissioning.ReturnFilter.Status.allCases {
                let filter = Commissioning.ReturnFilter(status: status)
                let all = try await app.returns(filter, as: "cumbria.officer", on: today)
                let lines = try await app.returnListLines(filter, limit: 500, as: "cumbria.officer", on: today)
                #expect(lines.rows.map(shown) == all.map(shown), "\(String(describing: status)) on \(today)")
                #expect(lines.total == all.count && lines.next == nil)
                var byCursor: [Commissioning.ReturnListEntry] = []
                var byOffset: [Commissioning.ReturnListEntry] = []
                var after: ReturnListCursor?
                repeat {
                    let page = try await app.returnListLines(
                        filter, limit: 3, after: after, as: "cumbria.officer", on: today)
                    #expect(page.total == all.count)
                    #expect(page.rows.count <= 3)
                    byCursor += page.rows
                    after = page.next
                    if let next = page.next { #expect(ReturnListCursor(text: next.text) == next) }
                } while after != nil
                while true {
                    let page = try await app.returnListLines(
                        filter, limit: 3, offset: byOffset.count, as: "cumbria.officer", on: today)
                    byOffset += page.rows
                    if page.next == nil { break }
                }
                #expect(byCursor.map(shown) == all.map(shown))
                #expect(byOffset.map(shown) == all.map(shown))
            }
        }
        let board = try await app.returnListLines(.init(), limit: 500, as: "cumbria.barrow-board")
        #expect(!board.rows.isEmpty && Set(board.rows.map(\.line.agreement)).count == 1)
        let outsider = try await app.returnListLines(.init(office: "cumbria"), limit: 500, as: "wm.finance")
        #expect(outsider.rows.isEmpty && outsider.total == 0)
    }

    /// A cursor is read back from its own text only: any other text, of any Unicode, is no cursor (never a crash).
    @Test func aReturnsCursorReadsBackItsOwnTextAndNothingElse() async {
        let scalar = Gen<UInt32>.value(in: 0...0x10_FFFF).map { String(Unicode.Scalar($0) ?? "\u{FFFD}") }
        let fragments = Gen.element(of: ["\u{1F}", "-", "_", "=", "YWJj", "QS0xHzM", "\u{0}", "😀"]).map { $0 ?? "" }
        let text = Gen.oneOf(scalar, fragments).array(of: 0...24).map { $0.joined() }
        await propertyCheck(count: 200, input: text) { text in
            if let cursor = ReturnListCursor(text: text) {
                #expect(ReturnListCursor(text: cursor.text) == cursor)
            }
            let made = ReturnListCursor(agreement: text.isEmpty ? "x" : text, quarterKey: text.count)
            if !made.agreement.contains("\u{1F}") { #expect(ReturnListCursor(text: made.text) == made) }
        }
    }
}
