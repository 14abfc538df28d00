import Foundation
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

/// The public register's filters and orders, read through the same services register (and search) as the staff's.
@Suite("Public register: outcome, delegation, amount and order, published records only")
struct PublicRegisterTests {
    /// The demo with three more published Cumbria decisions: one delegated to the Chief Executive, one not approved.
    func registerWithPublished(_ engine: TestEngine) async throws -> (Commissioning, [String]) {
        let (app, _) = try await demoApp(engine: engine)
        var ids: [String] = []
        for (title, amount, maker, approve) in [
            ("Delegated grant", "£20,000", "cumbria.chief-executive", true),
            ("Large programme", "£250,000", "cumbria.pcc", true), ("Refused scheme", "£75,000", "cumbria.pcc", false),
        ] {
            var draft = shortDraft(title)
            draft.amount = amount
            let on = day("2016-06-01")
            let id = try await app.raiseDecision(office: "cumbria", draft: draft, by: "cumbria.officer", on: on).id
            try await app.submitDecision(id, by: "cumbria.officer", on: on)
            try await app.signDecision(id, position: "originating-officer", name: "A", by: "cumbria.officer", on: on)
            try await app.signDecision(
                id, position: "chief-executive", name: "B", by: "cumbria.chief-executive", on: on)
            try await app.referDecision(id, by: "cumbria.chief-executive", on: on)
            try await app.decide(id, approve: approve, interests: "none", by: maker, on: day("2016-06-02"))
            try await app.perform(.publish, on: id, by: "cumbria.officer", on: day("2016-06-03"))
            ids.append(id)
        }
        // An unpublished one, which the public never reads.
        var draft = shortDraft("Unpublished draft")
        draft.amount = "£90,000"
        _ = try await app.raiseDecision(office: "cumbria", draft: draft, by: "cumbria.officer")
        return (app, ids)
    }

    @Test(arguments: TestEngine.all) func theOutcomeDelegationAndAmountFiltersNarrowThePublishedRegister(
        engine: TestEngine
    ) async throws {
        let (app, ids) = try await registerWithPublished(engine)
        var filter = DecisionFilter()
        filter.office = "cumbria"
        let all = try await app.decisionRegister(filter, by: nil)
        #expect(all.allSatisfy { $0.status == "published" })
        #expect(!all.contains { $0.title == "Unpublished draft" })
        #expect(Set(ids).isSubset(of: Set(all.map(\.id))))

        var delegated = filter
        delegated.delegated = true
        #expect(try await app.decisionRegister(delegated, by: nil).map(\.id) == [ids[0]])
        var commissioner = filter
        commissioner.delegated = false
        let byCommissioner = try await app.decisionRegister(commissioner, by: nil).map(\.id)
        #expect(byCommissioner.contains(ids[1]) && !byCommissioner.contains(ids[0]))

        var refused = filter
        refused.outcome = "not-approved"
        #expect(try await app.decisionRegister(refused, by: nil).map(\.id) == [ids[2]])

        var band = filter
        band.minimumPence = 5_000_000
        band.maximumPence = 10_000_000
        let inBand = try await app.decisionRegister(band, by: nil)
        #expect(inBand.map(\.id).contains(ids[2]) && !inBand.map(\.id).contains(ids[1]))
        #expect(inBand.allSatisfy { (5_000_000...10_000_000).contains($0.amountPence ?? -1) })

        // The staff search, the same code: a word of the title.
        var search = filter
        search.text = "refused"
        #expect(try await app.decisionRegister(search, by: nil).map(\.id) == [ids[2]])
    }

    @Test(arguments: TestEngine.all) func everyOrderPagesByOffsetThroughTheWholeFilteredRegister(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await registerWithPublished(engine)
        for sort in RegisterSort.allCases {
            var filter = DecisionFilter()
            filter.sort = sort
            let whole = try await app.decisionRegister(filter, by: nil)
            var walked: [DecisionRegisterRow] = []
            for page in 0..<100 {
                let got = try await app.decisionRegisterPage(filter, limit: 2, offset: page * 2, by: nil)
                #expect(got.total == whole.count)
                if sort != .register { #expect(got.next == nil, "only the register's own order has a cursor") }
                walked += got.rows
                if got.rows.count < 2 { break }
            }
            #expect(walked == whole, "\(sort)")
            let amounts = whole.compactMap(\.amountPence)
            switch sort {
            case .amountHighest: #expect(amounts == amounts.sorted(by: >))
            case .amountLowest: #expect(amounts == amounts.sorted())
            case .newest: #expect(whole.compactMap(\.decidedOn) == whole.compactMap(\.decidedOn).sorted(by: >))
            case .oldest: #expect(whole.compactMap(\.decidedOn) == whole.compactMap(\.decidedOn).sorted())
            case .register: break
            }
        }
    }
}
