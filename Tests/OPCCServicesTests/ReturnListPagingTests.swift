import Foundation
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

/// The returns list is read a page at a time: the filter, the reader's scope and the page in one query, then only the
/// page's returns read whole.
@Suite("Quarterly returns: the list in pages")
struct ReturnListPagingTests {
    /// Each status the list filters on in SQL picks exactly the rows whose flags (worked out in Swift from the row)
    /// say so, on several days around the demo's due dates; and the pages, walked, are the whole list.
    @Test(arguments: TestEngine.all) func eachStatusPicksTheRowsItsFlagSaysAndThePagesAreTheWholeList(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine, returns: true)
        _ = try await app.sweepDeadlines(on: day("2016-08-04"), office: "cumbria")
        for today in ["2016-07-01", "2016-07-21", "2016-07-22", "2016-08-04", "2017-06-01"].map(day) {
            let all = try await app.returns(.init(), as: "cumbria.officer", on: today)
            #expect(all.count >= 4)
            let flagged: [Commissioning.ReturnFilter.Status: (Commissioning.ReturnListRow) -> Bool] = [
                .due: \.due, .overdue: \.overdue, .escalated: \.escalated, .awaitingReview: \.awaitingReview,
            ]
            for (status, flag) in flagged {
                let page = try await app.returnsPage(
                    .init(status: status), limit: 500, as: "cumbria.officer", on: today)
                #expect(page.rows == all.filter(flag), "\(status) on \(today)")
                #expect(page.total == page.rows.count)
            }
            var walked: [Commissioning.ReturnListRow] = []
            while true {
                let page = try await app.returnsPage(
                    .init(), limit: 3, offset: walked.count, as: "cumbria.officer", on: today)
                #expect(page.total == all.count)
                walked += page.rows
                if page.rows.count < 3 { break }
            }
            #expect(walked == all)
        }
    }

    @Test(arguments: TestEngine.all) func aBoardsPagesHoldOnlyItsOwnGrantsAndAnotherOfficesNone(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine, returns: true)
        let everyone = try await app.returnsPage(.init(), limit: 500, as: "cumbria.officer")
        let board = try await app.returnsPage(.init(), limit: 500, as: "cumbria.barrow-board")
        #expect(!board.rows.isEmpty && board.rows.count < everyone.rows.count)
        #expect(Set(board.rows.map(\.agreement)).count == 1)
        #expect(board.total == board.rows.count)
        let outsider = try await app.returnsPage(.init(office: "cumbria"), limit: 500, as: "wm.finance")
        #expect(outsider.rows.isEmpty && outsider.total == 0)
        let other = try await app.returnsPage(.init(grant: "cumbria-GA-9999"), as: "cumbria.officer")
        #expect(other.rows.isEmpty && other.total == 0)
    }
}
