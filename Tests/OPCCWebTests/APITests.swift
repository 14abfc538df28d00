import Foundation
import Hummingbird
import HummingbirdTesting
import OPCCCore
import OPCCServices
import OPCCTestSupport
import Testing
import Yams

@testable import OPCCWeb

/// A script calling the JSON API with one person's token; every answer is checked for the Part 2 tripwire.
struct APIClient {
    let client: any TestClientProtocol
    let user: String
    let token: String

    /// A client whose token is made on `app`, or else on the shared demo database on `engine`.
    init(
        _ client: any TestClientProtocol, as user: String, engine: TestEngine = .sqlite, app: Commissioning? = nil
    ) async throws {
        self.client = client
        self.user = user
        let app = if let app { app } else { try await sharedApp(engine) }
        token = try await app.createAPIToken(label: "api-test-\(UUID().uuidString)", by: user).token
    }

    struct Answer {
        let status: HTTPResponse.Status
        let body: String
        let contentType: String?
        var json: Any? { try? JSONSerialization.jsonObject(with: Data(body.utf8)) }
        var object: [String: Any] { json as? [String: Any] ?? [:] }
        var items: [[String: Any]] { object["items"] as? [[String: Any]] ?? [] }
    }

    func call(
        _ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil, token: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Answer {
        var headers: HTTPFields = [.authorization: "Bearer \(token ?? self.token)"]
        if body != nil { headers[.contentType] = "application/json" }
        let response = try await client.execute(
            uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        let text = String(buffer: response.body)
        await record(text, user: user, sourceLocation: sourceLocation)
        #expect(
            response.status.code < 500, "\(method) \(uri) gave \(response.status): \(text)",
            sourceLocation: sourceLocation)
        return Answer(status: response.status, body: text, contentType: response.headers[.contentType])
    }

    func get(_ uri: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> Answer {
        try await call(.get, uri, sourceLocation: sourceLocation)
    }
    func post(
        _ uri: String, _ body: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws
        -> Answer
    {
        try await call(.post, uri, body, sourceLocation: sourceLocation)
    }
}

@Suite("JSON API and its OpenAPI document")
struct APITests {
    // MARK: The document

    @Test func theRepositorysOpenAPIDocumentIsTheOneTheServerGenerates() async throws {
        let committed = try String(
            contentsOf: repositoryRoot.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        #expect(
            committed == OpenAPIDocument.text,
            "docs/openapi.yaml is stale: run swift run opcc openapi --out docs/openapi.yaml --force")
    }

    @Test(arguments: TestEngine.all)
    func everyRouteTheServerRegistersIsDocumentedAndEveryDocumentedOperationIsRegistered(
        engine: TestEngine
    ) async throws {
        let router = Router(context: WebContext.self)
        var configuration = WebConfiguration(commissioning: try await sharedApp(engine))
        configuration.home = ProductHome(root: repositoryRoot)
        try await Web(configuration: configuration).addRoutes(to: router)
        let registered = Set(
            router.routes.map { "\($0.method.rawValue.lowercased()) \($0.path.description)" }.filter {
                $0.contains(" /api/") || $0.hasSuffix(" \(API.documentPath)")
            })
        let document = try #require(try Yams.load(yaml: OpenAPIDocument.text) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let documented = Set(
            paths.flatMap { path, item in
                item.keys.filter { ["get", "post", "put", "patch", "delete"].contains($0) }.map { "\($0) \(path)" }
            })
        #expect(registered.subtracting(documented).sorted() == [], "registered but not documented")
        #expect(documented.subtracting(registered).sorted() == [], "documented but not registered")
        #expect(registered.count > 60)
    }

    @Test func operationIDsAreUniqueAndEveryOperationDocumentsItsErrors() async throws {
        let ids = API.operations.map(\.operationID)
        #expect(Set(ids).count == ids.count)
        let document = try #require(try Yams.load(yaml: OpenAPIDocument.text) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        for (path, item) in paths where path.hasPrefix("/api/") {
            for (method, value) in item where method != "parameters" {
                let responses = try #require((value as? [String: Any])?["responses"] as? [String: Any])
                for status in ["401", "403", "404", "422", "500"] {
                    #expect(responses[status] != nil, "\(method) \(path) does not document \(status)")
                }
            }
        }
    }

    @Test(arguments: TestEngine.all) func theDocumentIsServedAtOpenAPIYAMLWithoutAToken(engine: TestEngine) async throws
    {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/openapi.yaml", method: .get)
            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == OpenAPIDocument.text)
        }
    }

    @Test(arguments: TestEngine.all) func theServedDocumentQuotesEveryResponseCodeSoAPlainYAMLLoaderReadsThemAsText(
        engine: TestEngine
    ) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            let served = String(buffer: try await client.execute(uri: "/openapi.yaml", method: .get).body)
            let lines = served.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            for code in ["200", "201", "400", "401", "403", "404", "409", "413", "422", "500", "503"] {
                #expect(lines.contains("\"\(code)\":"), "no quoted response code \(code)")
            }
            let bare = lines.filter { $0.count == 4 && $0.hasSuffix(":") && $0.dropLast().allSatisfy(\.isNumber) }
            #expect(bare == [], "response codes a plain YAML loader reads as numbers")
        }
    }

    // MARK: Tokens

    @Test(arguments: TestEngine.all) func aRequestWithoutATokenOrWithARevokedOneIsRefusedWith401AndAProblem(
        engine: TestEngine
    ) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            let none = try await client.execute(uri: "/api/v1/decisions", method: .get)
            #expect(none.status == .unauthorized)
            #expect(none.headers[.contentType] == "application/problem+json")
            #expect(none.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            #expect(String(buffer: none.body).contains("api-token-required"))

            let (id, token) = try await sharedApp(engine).createAPIToken(
                label: "revoked-\(UUID().uuidString)", by: "cumbria.officer")
            let api = try await APIClient(client, as: "cumbria.officer", engine: engine)
            #expect(try await api.call(.get, "/api/v1/decisions", token: token).status == .ok)
            try await sharedApp(engine).revokeAPIToken(id, by: "cumbria.officer")
            let revoked = try await api.call(.get, "/api/v1/decisions", token: token)
            #expect(revoked.status == .unauthorized)
            #expect(revoked.object["rule"] as? String == "api-token-revoked")
            let unknown = try await api.call(
                .get, "/api/v1/decisions", token: "opcc_" + String(repeating: "0", count: 64))
            #expect(unknown.status == .unauthorized)
        }
    }

    // MARK: Rules and errors

    @Test(arguments: TestEngine.all) func aDecisionGoesFromDraftToPublishedThroughTheAPI(
        engine: TestEngine
    ) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            let officer = try await APIClient(client, as: "cumbria.officer", engine: engine)
            let raised = try await officer.post(
                "/api/v1/decisions",
                #"{"title": "API pilot", "executiveSummary": "Two wards.", "recommendation": "Approve.", "amount": "£1,000"}"#
            )
            #expect(raised.status == .created)
            #expect(raised.contentType == "application/json")
            let id = try #require(raised.object["id"] as? String)
            #expect(raised.object["amountPence"] as? Int == 100_000)
            let path = "/api/v1/decisions/\(id)"
            let pcc = try await APIClient(client, as: "cumbria.pcc", engine: engine)
            #expect(try await pcc.post("\(path)/submit").status == .forbidden)
            #expect(try await officer.post("\(path)/submit").object["status"] as? String == "awaiting-sign-offs")

            // Referring before the sign-offs: the workflow's rule and message, 422.
            let early = try await officer.post("\(path)/referral")
            #expect(early.status == .unprocessableContent)
            #expect(early.contentType == "application/problem+json")
            #expect(!(early.object["detail"] as? String ?? "").isEmpty)

            #expect(
                try await officer.post(
                    "\(path)/sign-offs", #"{"position": "originating-officer", "name": "Vivian Stafford"}"#
                ).status == .ok)
            let chief = try await APIClient(client, as: "cumbria.chief-executive", engine: engine)
            #expect(
                try await chief.post("\(path)/sign-offs", #"{"position": "chief-executive", "name": "Stuart Edwards"}"#)
                    .status == .ok)
            #expect(try await chief.post("\(path)/referral").status == .ok)
            let decided = try await pcc.post("\(path)/decision", #"{"approve": true, "interests": "None."}"#)
            #expect(decided.object["status"] as? String == "approved")
            let published = try await officer.post("\(path)/publication")
            #expect(published.object["status"] as? String == "published")
            #expect(published.object["publishedOn"] as? String == "2026-11-20")
        }
    }

    @Test(arguments: TestEngine.all) func aRefusalCarriesTheSameRuleAndMessageAsTheService(
        engine: TestEngine
    ) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            let finance = try await APIClient(client, as: "cumbria.finance", engine: engine)
            let body = #"""
                {"year": "2016/17", "strand": "ASB", "recipientOrgId": "GB-LAE-BAR", "recipientName": "Barrow",
                 "purpose": "Too much", "decision": "014/2016", "amount": "£9,000,000"}
                """#
            var serviceMessage = ""
            do {
                _ = try await sharedApp(engine).allocate(
                    [
                        .init(
                            office: "cumbria", year: try FinancialYear(parsing: "2016/17"), strand: "ASB",
                            recipientOrgID: "GB-LAE-BAR", recipientName: "Barrow", purpose: "Too much",
                            decision: "014/2016", amount: try Money(parsing: "£9,000,000"))
                    ], by: "cumbria.finance")
            } catch { serviceMessage = APIProblem.from(error).detail }
            #expect(!serviceMessage.isEmpty)
            let before = try await sharedApp(engine).financeOverview(as: "cumbria.finance").allocations.count
            let refused = try await finance.post("/api/v1/allocations", body)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.object["detail"] as? String == serviceMessage)
            await #expect(try sharedApp(engine).financeOverview(as: "cumbria.finance").allocations.count == before)
        }
    }

    @Test(arguments: TestEngine.all) func anUnknownFieldAWrongTypeOrMalformedMoneyIsRefusedWith422AndNothingChanges(
        engine: TestEngine
    ) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            let officer = try await APIClient(client, as: "cumbria.officer", engine: engine)
            let title = "Refused \(UUID().uuidString)"
            let stored = {
                try await sharedApp(engine).decisionRegister(.init(), by: "cumbria.officer").contains {
                    $0.title == title
                }
            }
            let unknown = try await officer.post("/api/v1/decisions", #"{"title": "\#(title)", "colour": "red"}"#)
            #expect(unknown.status == .unprocessableContent)
            #expect(
                (unknown.object["detail"] as? String)?.contains("body.colour: is not a field of this request") == true)
            let wrongType = try await officer.post("/api/v1/decisions", #"{"title": 42}"#)
            #expect((wrongType.object["detail"] as? String)?.contains("body.title: expected text") == true)
            let notJSON = try await officer.post("/api/v1/decisions", "{title:")
            #expect(notJSON.status == .badRequest)
            await #expect(try !stored())

            let finance = try await APIClient(client, as: "cumbria.finance", engine: engine)
            let money = try await finance.call(
                .put, "/api/v1/budgets", #"{"year": "2016/17", "strand": "ASB", "name": "ASB", "amount": "12.345"}"#)
            #expect(money.status == .unprocessableContent)
            #expect((money.object["detail"] as? String)?.hasPrefix("body.amount:") == true)
            let year = try await finance.call(
                .put, "/api/v1/budgets", #"{"year": "2016-17x", "strand": "ASB", "name": "ASB", "amount": "£1"}"#)
            #expect(year.status == .unprocessableContent)
            #expect((year.object["detail"] as? String)?.hasPrefix("body.year:") == true)
            let kind = try await finance.post(
                "/api/v1/allocations",
                #"{"year": "2016/17", "strand": "ASB", "recipientOrgId": "x", "recipientName": "x", "purpose": "x", "decision": "014/2016", "amount": "£1", "spendKind": "gold"}"#
            )
            #expect((kind.object["detail"] as? String)?.contains("'gold' is not one of revenue, capital") == true)
        }
    }

    @Test(arguments: TestEngine.all) func aBodyLargerThanTheOperationAcceptsIsRefusedWith413(
        engine: TestEngine
    ) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            let officer = try await APIClient(client, as: "cumbria.officer", engine: engine)
            let huge = #"{"title": ""# + String(repeating: "x", count: 2 << 20) + #""}"#
            let answer = try await officer.post("/api/v1/decisions", huge)
            #expect(answer.status == .contentTooLarge)
            #expect(answer.object["rule"] as? String == "body-size")
        }
    }

    @Test(arguments: TestEngine.all) func injectionTextIsStoredAndEchoedAsPlainData(engine: TestEngine) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            let officer = try await APIClient(client, as: "cumbria.officer", engine: engine)
            let hostile = #"Robert'); DROP TABLE decision;-- <script>alert(1)</script>"#
            let body = try String(data: JSONSerialization.data(withJSONObject: ["title": hostile]), encoding: .utf8)!
            let raised = try await officer.post("/api/v1/decisions", body)
            #expect(raised.status == .created)
            let id = try #require(raised.object["id"] as? String)
            #expect(try await officer.get("/api/v1/decisions/\(id)").object["title"] as? String == hostile)
            await #expect(
                try sharedApp(engine).decisionRegister(.init(), by: "cumbria.officer").contains { $0.title == hostile })
        }
    }

    @Test(arguments: TestEngine.all) func aMethodThePathDoesNotTakeIs405WithAllowAndAnUnknownPathIs404(
        engine: TestEngine
    ) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            let officer = try await APIClient(client, as: "cumbria.officer", engine: engine)
            let wrong = try await officer.call(.delete, "/api/v1/decisions")
            #expect(wrong.status == .methodNotAllowed)
            #expect(wrong.contentType == "application/problem+json")
            #expect(wrong.object["rule"] as? String == "known-method")
            let response = try await client.execute(
                uri: "/api/v1/decisions/cumbria-DR-0001", method: .delete,
                headers: [.authorization: "Bearer \(officer.token)"])
            #expect(response.headers[.allow] == "GET, PATCH")
            let unknown = try await officer.get("/api/v1/nothing-here")
            #expect(unknown.status == .notFound)
            #expect(unknown.contentType == "application/problem+json")
            #expect(try await officer.post("/api/v1/decisions/no-such-record/submit").status == .notFound)
        }
    }

    @Test(arguments: TestEngine.all) func aNullFieldOrAYearNotInTheDocumentedFormIsRefusedAndNothingChanges(
        engine: TestEngine
    ) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            let finance = try await APIClient(client, as: "cumbria.finance", engine: engine)
            let strand = "N\(UUID().uuidString.prefix(6))"
            let null = try await finance.call(
                .put, "/api/v1/budgets",
                #"{"office": null, "year": "2016/17", "strand": "\#(strand)", "name": "x", "amount": "£1"}"#)
            #expect(null.status == .unprocessableContent)
            #expect((null.object["detail"] as? String)?.contains("body.office: is null") == true)
            await #expect(
                try !sharedApp(engine).financeOverview(
                    as: "cumbria.finance", year: try FinancialYear(parsing: "2016/17")
                )
                .strands.contains { $0.strand == strand })
            #expect(try await finance.get("/api/v1/budgets?year=00").status == .badRequest)
            // 2016/19 is not a financial year, and the document's pattern says so: a query outside it is 400.
            #expect(try await finance.get("/api/v1/budgets?year=2016/19").status == .badRequest)
            let traversal = try await finance.post("/api/v1/vli/runs", #"{"scheme": "../../etc/passwd"}"#)
            #expect(traversal.status == .unprocessableContent)
            #expect(try await finance.post("/api/v1/vli/runs", #"{"scheme": "no-such-scheme"}"#).status != .created)
        }
    }

    /// The document's patterns against the parsers behind them: a value fits the pattern exactly when the server
    /// takes it, so a client that follows the document meets only the rules' refusals (issue 21 item 6: schemathesis
    /// sent `year=8912/9555`, which fitted the old pattern and was refused).
    @Test(arguments: [
        ("2016/17", true), ("1999/00", true), ("0000/01", true), ("8912/13", true), ("8912/9555", false),
        ("2016/18", false), ("2017/19", false), ("2016-17", false), ("2016/2017", false), ("16/17", false),
        (" 2016/17", false),
    ])
    func aYearFitsTheDocumentedPatternExactlyWhenItIsTheYearAfter(year: String, fits: Bool) async throws {
        let pattern = try #require(S.year["pattern"]?.text)
        #expect(SchemaChecker.matches(year, pattern) == fits)
        if fits { #expect((try? FinancialYear(parsing: year))?.description == year) }
        let budget = try #require(API.budgetYear["pattern"]?.text)
        let kept = (try? FinancialYear(parsing: year)).map { Commissioning.budgetYears.contains($0.startYear) } ?? false
        #expect(SchemaChecker.matches(year, budget) == (fits && kept), "\(year)")
    }

    @Test(arguments: ["1989/90", "1990/91", "1999/00", "2000/01", "2199/00", "2200/01", "2201/02", "2016/18"])
    func aBudgetYearFitsTheDocumentedPatternExactlyWhenTheStoreKeepsIt(year: String) async throws {
        let budget = try #require(API.budgetYear["pattern"]?.text)
        let kept = (try? FinancialYear(parsing: year)).map { Commissioning.budgetYears.contains($0.startYear) } ?? false
        #expect(SchemaChecker.matches(year, budget) == kept)
    }

    @Test(arguments: [
        "£25,000.00", "25000", "25000.00", "0", "00", "£0.05", "1,234,567.89", "999999999999999", "25,00", "2,5000",
        "£", "12.5", "-5", "£-5", "5 000", "5k", "£1£", "1.2.3", "٣", ",100", "0,100", "£25,000.001", "10000000000",
        "£10,000,000,000.00", "10,000,000,000.01", "10000000001", "9,999,999,999.99", "9999999999.99", "0.05",
    ])
    func moneyFitsTheDocumentedPatternExactlyWhenTheServerParsesIt(text: String) async throws {
        let pattern = try #require(S.money["pattern"]?.text)
        #expect(SchemaChecker.matches(text, pattern) == ((try? Money(parsing: text)) != nil), "\(text)")
        let positive = try #require(S.positiveMoney["pattern"]?.text)
        #expect(SchemaChecker.matches(text, positive) == (((try? Money(parsing: text))?.pence ?? 0) > 0), "\(text)")
    }

    @Test(arguments: ["22.5%", "0%", "100%", "100.00%", "7.25%", "100.5%", "101%", "22.555%", "%", "abc", "22.5"])
    func aPercentageFitsTheDocumentedPatternOnlyWhenTheServerParsesIt(text: String) async throws {
        let pattern = try #require(S.percentage["pattern"]?.text)
        if SchemaChecker.matches(text, pattern) { #expect((try? Percentage(parsing: text)) != nil, "\(text)") }
        #expect(SchemaChecker.matches(text, pattern) == ["22.5%", "0%", "100%", "100.00%", "7.25%"].contains(text))
    }

    @Test(arguments: TestEngine.all) func bodiesTheDocumentRefusesAreRefusedBeforeAnyRuleWithTheFormsNamed(
        engine: TestEngine
    ) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            let finance = try await APIClient(client, as: "cumbria.finance", engine: engine)
            let zero = try await finance.post(
                "/api/v1/virements", #"{"year": "2016/17", "from": "ASB", "to": "SAFER", "amount": "0", "reason": "x"}"#
            )
            #expect(zero.status == .unprocessableContent)
            #expect(zero.object["rule"] as? String == "valid-request-body")
            let farOff = try await finance.call(
                .put, "/api/v1/budgets", #"{"year": "4660/61", "strand": "ZZ", "name": "x", "amount": "£1"}"#)
            #expect(farOff.status == .unprocessableContent)
            #expect(farOff.object["rule"] as? String == "valid-request-body")
            let notAnOrgID = try await finance.post(
                "/api/v1/allocations",
                #"{"year": "2016/17", "strand": "ASB", "recipientOrgId": "0", "recipientName": "x", "purpose": "x", "decision": "014/2016", "amount": "£1"}"#
            )
            #expect(notAnOrgID.object["rule"] as? String == "valid-request-body")
            let officer = try await APIClient(client, as: "cumbria.officer", engine: engine)
            let untitled = try await officer.post("/api/v1/decisions", #"{"recommendation": "x"}"#)
            #expect(untitled.status == .unprocessableContent)
            #expect((untitled.object["detail"] as? String)?.contains("body.title: is required") == true)
            let assessment = try await #require(
                try sharedApp(engine).priorityAssessments(as: "leics.officer").first?.id)
            let leics = try await APIClient(client, as: "leics.officer", engine: engine)
            let both = try await leics.post(
                "/api/v1/priorities/\(assessment)/harm-scores",
                #"{"threat": "Violent Crime", "agency": "Police", "factors": [1, 2, 3, 4, 1, 2], "sum": 13}"#)
            #expect(both.status == .unprocessableContent)
            #expect((both.object["detail"] as? String)?.contains("six factors; a sum") == true, "\(both.body)")
            let five = try await leics.post(
                "/api/v1/priorities/\(assessment)/harm-scores",
                #"{"threat": "Violent Crime", "agency": "Police", "factors": [1, 2, 3, 4, 1]}"#)
            #expect((five.object["detail"] as? String)?.contains("body.factors: needs at least 6 items") == true)
        }
    }

    @Test(arguments: TestEngine.all) func aSearchForQuerySyntaxIsTextToFindNotAServerError(
        engine: TestEngine
    ) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            let officer = try await APIClient(client, as: "cumbria.officer", engine: engine)
            for search in ["~", "%22", "a%20OR", "NEAR(", "*"] {
                #expect(try await officer.get("/api/v1/decisions?search=\(search)").status == .ok, "\(search)")
            }
            let found = try await officer.get("/api/v1/decisions?search=Mirehouse")
            #expect(found.status == .ok)
        }
    }

    @Test(arguments: TestEngine.all) func aWardNamedWithSpacesIsFoundThroughItsPercentEncodedPath(
        engine: TestEngine
    ) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            let finance = try await APIClient(client, as: "cumbria.finance", engine: engine)
            let names = try await finance.get("/api/v1/vli/wards?limit=500").items.compactMap { $0["name"] as? String }
            let spaced = try #require(names.first { $0.contains(" ") }, "no ward named with a space: \(names)")
            let encoded = try #require(spaced.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
            let ward = try await finance.get("/api/v1/vli/wards/\(encoded)")
            #expect(ward.status == .ok, "\(ward.body)")
        }
    }

    @Test(arguments: TestEngine.all) func listsArePagedWithLimitAndOffset(engine: TestEngine) async throws {
        // A database of its own: other tests raise records in the shared one while this one counts.
        let own = try await makeDemoApp(engine, returns: false)
        let app = try await webApp(commissioning: own)
        try await app.test(.router) { client in
            let officer = try await APIClient(client, as: "cumbria.officer", app: own)
            let all = try await officer.get("/api/v1/decisions?limit=500")
            let total = try #require(all.object["total"] as? Int)
            try #require(total >= 3)
            let ids = all.items.compactMap { $0["id"] as? String }
            try #require(ids.count == total)
            let second = try await officer.get("/api/v1/decisions?limit=1&offset=1")
            #expect(second.object["total"] as? Int == total)
            #expect(second.items.count == 1)
            #expect(second.items.first?["id"] as? String == ids[1])
            #expect(try await officer.get("/api/v1/decisions?limit=501").status == .badRequest)
            #expect(try await officer.get("/api/v1/decisions?offset=-1").status == .badRequest)
            let unknown = try await officer.get("/api/v1/decisions?colour=red")
            #expect(unknown.status == .badRequest)
            #expect(unknown.object["rule"] as? String == "valid-query")
        }
    }

    // MARK: Every answer against the document, and the Part 2 tripwire

    /// Every GET operation, for every demo person: each answer fits the schema the document gives for its status,
    /// and no answer carries Part 2 content to someone who may not read it (checked as each body arrives).
    @Test(arguments: TestEngine.all) func everyReadAnswerFitsItsDocumentedSchemaAndPart2ReachesOnlyItsReaders(
        engine: TestEngine
    ) async throws {
        let app = try await webApp(engine: engine)
        let checker = SchemaChecker(components: OpenAPIDocument.schemas)
        try await app.test(.router) { client in
            for person in try await sharedApp(engine).everyone() {
                let api = try await APIClient(client, as: person.name, engine: engine)
                var ids: [String: [String]] = [:]
                for operation in API.operations where operation.method == .get && operation.pathParameters.isEmpty {
                    let answer = try await api.get(operation.path + (operation.paginated ? "?limit=500" : ""))
                    try check(answer, operation, checker)
                    ids[operation.path] = answer.items.compactMap { ($0["id"] ?? $0["code"]) as? String }
                }
                let lists: [String: String] = [
                    "/api/v1/decisions/{id}": "/api/v1/decisions", "/api/v1/decisions/{id}/notice": "/api/v1/decisions",
                    "/api/v1/agreements/{id}": "/api/v1/agreements",
                    "/api/v1/agreements/{id}/quarters": "/api/v1/agreements", "/api/v1/returns/{id}": "/api/v1/returns",
                    "/api/v1/returns/{id}/problems": "/api/v1/returns", "/api/v1/vli/wards/{ward}": "/api/v1/vli/wards",
                    "/api/v1/priorities/{id}": "/api/v1/priorities",
                    "/api/v1/priorities/{id}/spend": "/api/v1/priorities",
                    "/api/v1/decisions/{id}/documents": "/api/v1/decisions",
                ]
                for operation in API.operations where operation.method == .get && !operation.pathParameters.isEmpty {
                    let list = try #require(lists[operation.path], "no list for \(operation.path)")
                    for id in (ids[list] ?? []).prefix(4) {
                        let name = operation.pathParameters[0]
                        let answer = try await api.get(operation.path.replacingOccurrences(of: "{\(name)}", with: id))
                        try check(answer, operation, checker)
                    }
                }
                // Part 2 itself: refused to everyone but its readers.
                let part2 = try await api.post(
                    "/api/v1/decisions/\(try demoID(engine, "007/2020", office: "lincolnshire"))/part2-readings")
                let mayRead = await mayReadTripwire(person.name)
                #expect((part2.status == .ok) == mayRead, "\(person.name): \(part2.status)")
            }
        }
    }

    private func check(_ answer: APIClient.Answer, _ operation: APIOperation, _ checker: SchemaChecker) throws {
        if answer.status == operation.status, operation.mediaTypes != ["application/json"] {
            #expect(answer.contentType?.hasPrefix("text/") == true, "\(operation.path): \(answer.contentType ?? "")")
            return
        }
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(answer.body.utf8))
        let schema: OPCCWeb.Node
        if answer.status == operation.status {
            #expect(answer.contentType == "application/json")
            schema = operation.paginated ? S.page(of: operation.response) : operation.response
        } else {
            #expect(answer.contentType == "application/problem+json", "\(operation.path): \(answer.status)")
            #expect([401, 403, 404, 409, 422].contains(Int(answer.status.code)), "\(operation.path): \(answer.status)")
            schema = S.ref("Problem")
        }
        let problems = checker.problems(value, against: schema, at: "answer")
        #expect(problems == [], "\(operation.operationID): \(problems.prefix(5))")
    }
}
