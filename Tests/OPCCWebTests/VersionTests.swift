import Foundation
import Hummingbird
import HummingbirdTesting
import OPCCCore
import OPCCServices
import OPCCTestSupport
import Testing

@testable import OPCCWeb

/// A Cumbria decision on the shared demo database, driven to `approved` (or left a draft).
private func versionedRecord(_ engine: TestEngine, _ title: String, approved: Bool = true) async throws -> String {
    let app = try await sharedApp(engine)
    let id = try await app.raiseDecision(office: "cumbria", draft: webDraft(title), by: "cumbria.officer").id
    guard approved else { return id }
    try await app.submitDecision(id, by: "cumbria.officer")
    try await app.signDecision(id, position: "originating-officer", name: "Vivian Stafford", by: "cumbria.officer")
    try await app.signDecision(id, position: "chief-executive", name: "Stuart Edwards", by: "cumbria.chief-executive")
    try await app.referDecision(id, by: "cumbria.chief-executive")
    try await app.decide(id, approve: true, interests: "None.", by: "cumbria.pcc")
    return id
}

private func version(_ engine: TestEngine, _ id: String) async throws -> Int {
    try await sharedApp(engine).showDecision(id, by: "cumbria.officer").version
}

private func events(_ engine: TestEngine, _ id: String) async throws -> [AuditEvent] {
    try await sharedApp(engine).auditLog(instance: id, by: "cumbria.officer")
}

/// One API request with the headers given, answering the status, the headers and the body.
private func send(
    _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, token: String,
    body: String? = nil, ifMatch: String? = nil
) async throws -> (status: HTTPResponse.Status, headers: HTTPFields, body: String) {
    var headers: HTTPFields = [.authorization: "Bearer \(token)"]
    if body != nil { headers[.contentType] = "application/json" }
    if let ifMatch { headers[.ifMatch] = ifMatch }
    let response = try await client.execute(
        uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
    return (response.status, response.headers, String(buffer: response.body))
}

private func rule(_ body: String) -> String? {
    (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["rule"] as? String
}

private let correction = #"{"reason": "Typing error.", "changes": {"title": "Corrected through the API"}}"#

@Suite("Versions: ETag and If-Match in the API, the version in every decision form")
struct VersionTests {
    @Test(arguments: TestEngine.all) func aDecisionIsAnsweredWithItsVersionAsAStrongETagThatChangesAfterAnAct(
        engine: TestEngine
    ) async throws {
        let id = try await versionedRecord(engine, "ETag after an act", approved: false)
        let token = try await sharedApp(engine).createAPIToken(
            label: "etag-\(UUID().uuidString)", by: "cumbria.officer"
        ).token
        let server = try await webApp(engine: engine)
        try await server.test(.router) { client in
            let before = try await send(client, .get, "/api/v1/decisions/\(id)", token: token)
            #expect(before.status == .ok)
            let expectedVersion = try await version(engine, id)
            #expect(before.headers[.eTag] == "\"\(expectedVersion)\"")
            let submitted = try await send(
                client, .post, "/api/v1/decisions/\(id)/submit", token: token, ifMatch: before.headers[.eTag])
            #expect(submitted.status == .ok)
            let after = try await send(client, .get, "/api/v1/decisions/\(id)", token: token)
            #expect(after.headers[.eTag] != nil && after.headers[.eTag] != before.headers[.eTag])
            #expect(submitted.headers[.eTag] == after.headers[.eTag], "an act answers the new ETag")
        }
    }

    @Test(arguments: TestEngine.all) func aStaleIfMatchIsA409NamingTheRuleAndChangesNothing(
        engine: TestEngine
    ) async throws {
        let id = try await versionedRecord(engine, "Stale If-Match")
        let token = try await sharedApp(engine).createAPIToken(
            label: "stale-\(UUID().uuidString)", by: "cumbria.officer"
        ).token
        let server = try await webApp(engine: engine)
        try await server.test(.router) { client in
            let opened = try await send(client, .get, "/api/v1/decisions/\(id)", token: token).headers[.eTag]
            #expect(
                try await send(
                    client, .post, "/api/v1/decisions/\(id)/corrections", token: token, body: correction,
                    ifMatch: opened
                ).status == .ok)
            let logged = try await events(engine, id)
            let stale = try await send(
                client, .post, "/api/v1/decisions/\(id)/deferral", token: token, body: #"{"reason": "Why."}"#,
                ifMatch: opened)
            #expect(stale.status == .conflict)
            #expect(rule(stale.body) == "current-version")
            #expect(stale.body.contains("correct by cumbria.officer"), "it says what changed: \(stale.body)")
            await #expect(try events(engine, id) == logged, "nothing was recorded")
            await #expect(try sharedApp(engine).showDecision(id, by: "cumbria.officer").status == "approved")
        }
    }

    /// Some clients send the version bare (schemathesis did, from the documented pattern): 3 reads as "3".
    @Test(arguments: TestEngine.all) func aBareVersionInIfMatchIsReadAsItsETag(engine: TestEngine) async throws {
        let id = try await versionedRecord(engine, "Bare If-Match")
        let token = try await sharedApp(engine).createAPIToken(
            label: "bare-\(UUID().uuidString)", by: "cumbria.officer"
        ).token
        let server = try await webApp(engine: engine)
        try await server.test(.router) { client in
            let opened = try #require(
                try await send(client, .get, "/api/v1/decisions/\(id)", token: token).headers[.eTag])
            let bare = opened.replacingOccurrences(of: "\"", with: "")
            let first = try await send(
                client, .post, "/api/v1/decisions/\(id)/corrections", token: token, body: correction, ifMatch: bare)
            #expect(first.status == .ok)
            let again = try await send(
                client, .post, "/api/v1/decisions/\(id)/corrections", token: token, body: correction, ifMatch: bare)
            #expect(again.status == .conflict)
            #expect(rule(again.body) == "current-version")
        }
    }

    @Test(arguments: TestEngine.all, ["\"3", "W/\"3\"", "\"three\"", "\"1\", \"2\"", "\"-1\"", "-1", "\"\""])
    func aMalformedIfMatchIsA400AndChangesNothing(engine: TestEngine, header: String) async throws {
        let id = try await versionedRecord(engine, "Malformed If-Match \(header)")
        let token = try await sharedApp(engine).createAPIToken(label: "bad-\(UUID().uuidString)", by: "cumbria.officer")
            .token
        let server = try await webApp(engine: engine)
        try await server.test(.router) { client in
            let logged = try await events(engine, id)
            let answer = try await send(
                client, .post, "/api/v1/decisions/\(id)/corrections", token: token, body: correction, ifMatch: header)
            #expect(answer.status == .badRequest)
            #expect(rule(answer.body) == "valid-if-match")
            await #expect(try events(engine, id) == logged)
        }
    }

    /// The reproduction: ten corrections of one decision sent at once with the same If-Match; exactly one wins.
    @Test(arguments: TestEngine.all) func tenRacingCorrectionsThroughTheAPIWithOneIfMatchLeaveExactlyOneWinner(
        engine: TestEngine
    ) async throws {
        let id = try await versionedRecord(engine, "Ten racing corrections")
        let token = try await sharedApp(engine).createAPIToken(
            label: "race-\(UUID().uuidString)", by: "cumbria.officer"
        ).token
        let opened = "\"\(try await version(engine, id))\""
        let server = try await webApp(engine: engine)
        try await server.test(.router) { client in
            let statuses = try await withThrowingTaskGroup(of: (HTTPResponse.Status, String?).self) { group in
                for n in 0..<10 {
                    group.addTask {
                        let body = #"{"reason": "Writer \#(n).", "changes": {"title": "Corrected by writer \#(n)"}}"#
                        let answer = try await send(
                            client, .post, "/api/v1/decisions/\(id)/corrections", token: token, body: body,
                            ifMatch: opened)
                        return (answer.status, rule(answer.body))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0.0 == .ok }.count == 1)
            #expect(statuses.filter { $0.0 == .conflict && $0.1 == "current-version" }.count == 9)
            await #expect(try events(engine, id).filter { $0.event == "correct" }.count == 1)
        }
    }

    @Test(arguments: TestEngine.all) func everyActAndEditFormOfADecisionCarriesItsVersion(
        engine: TestEngine
    ) async throws {
        let draft = try await versionedRecord(engine, "Forms carry the version", approved: false)
        let approved = try await versionedRecord(engine, "Forms carry the version, decided")
        let server = try await webApp(engine: engine)
        try await server.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            let field = { (id: String) in "name=\"version\" value=\"\(try await version(engine, id))\"" }
            #expect(try await officer.get("/decisions/\(draft)/edit").body.contains(try field(draft)))
            let draftPage = try await officer.get("/decisions/\(draft)").body
            await #expect(draftPage.components(separatedBy: try field(draft)).count - 1 == 2, "submit and withdraw")
            let approvedPage = try await officer.get("/decisions/\(approved)").body
            await #expect(
                approvedPage.components(separatedBy: try field(approved)).count - 1 == 3, "publish, defer, correct")
        }
    }

    /// Someone corrects the record while another has its correction form open: their save is a 409, the form comes
    /// back with what they typed and says what changed; saving again (at the new version) then works.
    @Test(arguments: TestEngine.all) func aStaleWebFormIsA409WithItsEntriesKeptAndWhatChanged(
        engine: TestEngine
    ) async throws {
        let id = try await versionedRecord(engine, "Stale correction form")
        let opened = try await version(engine, id)
        var meanwhile = DecisionDraft()
        meanwhile.recommendation = "Approve, as amended."
        try await sharedApp(engine).correctDecision(
            id, draft: meanwhile, reason: "Amended.", by: "cumbria.chief-executive")
        let logged = try await events(engine, id)
        let server = try await webApp(engine: engine)
        try await server.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            let entries = [
                "title": "My corrected title", "executiveSummary": "A short summary.", "recommendation": "Approve.",
                "reason": "My reason.", "version": String(opened),
            ]
            let stale = try await officer.post("/decisions/\(id)/correct", entries)
            #expect(stale.status == .conflict)
            #expect(stale.body.contains("value=\"My corrected title\""), "what was entered is kept")
            #expect(stale.body.contains("My reason."))
            #expect(stale.body.contains("it is now at version \(opened + 1)"))
            #expect(stale.body.contains("correct by cumbria.chief-executive"), "who changed it and how")
            #expect(stale.body.contains("name=\"version\" value=\"\(opened + 1)\""), "the form again, at the new one")
            await #expect(try events(engine, id) == logged)
            await #expect(
                try sharedApp(engine).showDecision(id, by: "cumbria.officer").record.title == "Stale correction form")

            var again = entries
            again["version"] = String(opened + 1)
            #expect(try await officer.post("/decisions/\(id)/correct", again).status == .seeOther)
            await #expect(
                try sharedApp(engine).showDecision(id, by: "cumbria.officer").record.title == "My corrected title")
        }
    }

    @Test(arguments: TestEngine.all) func aStaleDraftEditFormIsA409WithItsEntriesKept(engine: TestEngine) async throws {
        let id = try await versionedRecord(engine, "Stale edit form", approved: false)
        let opened = try await version(engine, id)
        var meanwhile = DecisionDraft()
        meanwhile.title = "Edited meanwhile"
        try await sharedApp(engine).editDecision(id, draft: meanwhile, by: "cumbria.officer")
        let server = try await webApp(engine: engine)
        try await server.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            let stale = try await officer.post(
                "/decisions/\(id)/edit",
                [
                    "title": "My title", "executiveSummary": "Mine.", "recommendation": "Approve.", "amount": "",
                    "version": String(opened),
                ])
            #expect(stale.status == .conflict)
            #expect(stale.body.contains("value=\"My title\""))
            #expect(stale.body.contains("edit by cumbria.officer"))
            #expect(stale.body.contains("name=\"version\" value=\"\(opened + 1)\""))
            await #expect(
                try sharedApp(engine).showDecision(id, by: "cumbria.officer").record.title == "Edited meanwhile")
        }
    }

    @Test(arguments: TestEngine.all) func aFormWhoseVersionIsNotANumberIsRefusedAndChangesNothing(
        engine: TestEngine
    ) async throws {
        let id = try await versionedRecord(engine, "Bad version field", approved: false)
        let logged = try await events(engine, id)
        let server = try await webApp(engine: engine)
        try await server.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            let page = try await officer.post("/decisions/\(id)/submit", ["version": "latest"])
            #expect(page.status == .unprocessableContent)
            #expect(page.body.contains("is not a version"))
            await #expect(try events(engine, id) == logged)
            await #expect(try sharedApp(engine).showDecision(id, by: "cumbria.officer").status == "draft")
        }
    }
}
