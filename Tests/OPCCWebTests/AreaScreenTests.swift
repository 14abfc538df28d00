import Foundation
import Hummingbird
import HummingbirdTesting
import OPCCCore
import OPCCServices
import OPCCTestSupport
import Testing

@testable import OPCCWeb

@Suite("Web: pilot areas (VLI) and priorities", .serialized)
struct AreaScreenTests {
    @Test(
        "the ranked wards, with their chart and table; the public and a board may not see them",
        arguments: TestEngine.all)
    func rankedWards(engine: TestEngine) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            var visitor = Browser(client)
            #expect(try await visitor.get("/vli").status == .found)
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            let page = try await officer.get("/vli")
            #expect(page.status == .ok)
            #expect(page.body.contains("Wards ranked"))
            #expect(page.body.contains("role=\"img\" aria-labelledby=\"t d\""))
            #expect(page.body.contains("href=\"/vli/wards/SYN-W009\">Ormsgill</a>"))
            let ormsgill = try #require(page.body.range(of: ">Ormsgill</a>"))
            let mirehouse = try #require(page.body.range(of: ">Mirehouse</a>"))
            #expect(ormsgill.lowerBound < mirehouse.lowerBound, "Ormsgill (7 over the threshold) ranks above Mirehouse")
            #expect(page.body.contains("<strong class=\"tag tag-selected\">Selected</strong> 014/2016"))
            var board = Browser(client)
            _ = try await board.signIn("cumbria.barrow-board")
            #expect(try await board.get("/vli").status == .forbidden)
            #expect(try await board.get("/vli/wards/SYN-W009").status == .forbidden)
            var lincs = Browser(client)
            _ = try await lincs.signIn("lincs.officer")
            let none = try await lincs.get("/vli")
            #expect(none.status == .ok)
            #expect(none.body.contains("No VLI run in lincolnshire yet"))
        }
    }

    @Test("a ward's chain: evidence, decision, money, agreements and returns", arguments: TestEngine.all)
    func wardChain(engine: TestEngine) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            var finance = Browser(client)
            _ = try await finance.signIn("cumbria.finance")
            let page = try await finance.get("/vli/wards/SYN-W009")
            #expect(page.status == .ok)
            #expect(page.body.contains("7 of "), "areas over the threshold")
            #expect(page.body.contains("7 LSOAs over 200, the most of any ward"))
            #expect(page.body.contains("014/2016"))
            #expect(page.body.contains("Barrow Borough Council"))
            #expect(page.body.contains("£50,000.00"))
            #expect(page.body.contains("href=\"/grants/cumbria-GA-0001\""))
            #expect(page.body.contains("Quarterly returns under cumbria-GA-0001"))
            #expect(page.body.contains("2016/17 Q4"))
            #expect(!page.body.contains("Shortlist the ward"), "finance does not moderate")
            #expect(try await finance.get("/vli/wards/nowhere").status == .notFound)
        }
    }

    @Test(
        "an officer shortlists a ward; selecting one not shortlisted is refused with the rule and changes nothing",
        arguments: TestEngine.all)
    func shortlistAndSelect(engine: TestEngine) async throws {
        let app = try await webApp(commissioning: financeApp(engine))
        try await app.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            let wards = try await financeApp(engine).vliOverview(as: "cumbria.officer")
            let free = try #require(wards.wards.filter { wards.selections[$0.code] == nil }.map(\.code).prefix(2))
            #expect(free.count == 2)
            let first = free[free.startIndex]
            let second = free[free.startIndex + 1]
            let page = try await officer.get("/vli/wards/\(first)")
            #expect(page.body.contains("Shortlist the ward"))

            let expected = try #require(
                await refusalMessage {
                    try await financeApp(engine).selectVLIWard(
                        office: "cumbria", ward: second, decision: "014/2016", by: "cumbria.officer")
                })
            let refused = try await officer.post("/vli/wards/\(second)/select", ["decision": "014/2016"])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.body.contains(expected))
            #expect(refused.body.contains("href=\"#ward-select\""))
            await #expect(try financeApp(engine).vliOverview(as: "cumbria.officer").selections[second] == nil)

            var finance = Browser(client)
            _ = try await finance.signIn("cumbria.finance")
            #expect(try await finance.post("/vli/wards/\(first)/shortlist").status == .forbidden)
            #expect(try await officer.post("/vli/wards/\(first)/shortlist").status == .seeOther)
            await #expect(
                try financeApp(engine).vliOverview(as: "cumbria.officer").selections[first]?.status == .shortlisted)
            let note = try await officer.post(
                "/vli/wards/\(first)/note", ["kind": "scan", "text": "Checked with the district council"])
            #expect(note.status == .seeOther)
            #expect(try await officer.get("/vli/wards/\(first)").body.contains("Checked with the district council"))
        }
    }

    @Test("the priorities: the list and the risk matrix with its table, selection and money", arguments: TestEngine.all)
    func prioritiesMatrix(engine: TestEngine) async throws {
        let app = try await webApp(engine: engine)
        let id = try await #require(try sharedApp(engine).priorityAssessments(as: "leics.officer").first?.id)
        try await app.test(.router) { client in
            var visitor = Browser(client)
            #expect(try await visitor.get("/priorities").status == .found)
            var officer = Browser(client)
            _ = try await officer.signIn("leics.officer")
            let list = try await officer.get("/priorities")
            #expect(list.status == .ok)
            #expect(list.body.contains("Safer North West Partnership"))
            #expect(list.body.contains("href=\"/priorities/\(id)\""))
            let page = try await officer.get("/priorities/\(id)")
            #expect(page.status == .ok)
            #expect(page.body.contains("aria-labelledby=\"chart-title chart-desc\""))
            #expect(page.body.contains("Alcohol Related Violence"))
            #expect(page.body.contains("P1: Protecting those that live, work and visit the District"))
            #expect(page.body.contains("Money per priority"))
            #expect(page.body.contains("£24,000.00"), "P1's 40% of the £60,000 line")
            #expect(page.body.contains("Tie a priority to its money"))
            var cumbria = Browser(client)
            _ = try await cumbria.signIn("cumbria.officer")
            let read = try await cumbria.get("/priorities/\(id)")
            #expect(read.status == .ok, "an adopted assessment is public")
            #expect(!read.body.contains("Tie a priority to its money"), "but only its office acts on it")
            #expect(try await cumbria.post("/priorities/\(id)/close", ["reason": "x"]).status == .notFound)
        }
    }

    @Test(
        "tying a priority to money: more than the whole line is refused; a new line is recorded",
        arguments: TestEngine.all)
    func linkMoney(engine: TestEngine) async throws {
        let id = try await #require(try financeApp(engine).priorityAssessments(as: "leics.officer").first?.id)
        let app = try await webApp(commissioning: financeApp(engine))
        try await app.test(.router) { client in
            var finance = Browser(client)
            _ = try await finance.signIn("leics.finance")
            let before = try await financeApp(engine).priorityView(id, as: "leics.finance").selection
            let too = [
                PrioritySelection.MoneyLink(
                    strand: "SAFER", recipient: "GB-LAE-NWL", share: try Percentage(parsing: "90%"))
            ]
            let expected = try await #require(
                refusalMessage {
                    try await financeApp(engine).linkPriorityMoney(id, priority: "P1", links: too, by: "leics.finance")
                }
            )
            let refused = try await finance.post(
                "/priorities/\(id)/link-money",
                ["priority": "P1", "strand": "SAFER", "recipient": "GB-LAE-NWL", "share": "90%"])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.body.contains(expected))
            await #expect(try financeApp(engine).priorityView(id, as: "leics.finance").selection == before)

            let linked = try await finance.post(
                "/priorities/\(id)/link-money", ["priority": "P3", "strand": "VICTIMS", "share": "10%"])
            #expect(linked.status == .seeOther)
            let p3 = try await financeApp(engine).priorityView(id, as: "leics.finance").selection.priorities.first {
                $0.code == "P3"
            }
            #expect(p3?.money.map(\.strand) == ["VICTIMS"])
        }
    }
}
