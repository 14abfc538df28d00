import Foundation
import Hummingbird
import HummingbirdTesting
import OPCCCore
import OPCCServices
import OPCCTestSupport
import Testing

@testable import OPCCWeb

/// One API request with an optional `If-Match`, answering the status, the `ETag` and the body.
private func send(
    _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, token: String,
    body: String? = nil, ifMatch: String? = nil
) async throws -> (status: HTTPResponse.Status, eTag: String?, body: String) {
    var headers: HTTPFields = [.authorization: "Bearer \(token)"]
    if body != nil { headers[.contentType] = "application/json" }
    if let ifMatch { headers[.ifMatch] = ifMatch }
    let response = try await client.execute(
        uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
    return (response.status, response.headers[.eTag], String(buffer: response.body))
}

private func rule(_ body: String) -> String? {
    (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["rule"] as? String
}

/// Agreements, returns and carry-forwards answer their version as an `ETag` and honour `If-Match` like decisions: a
/// stale one is a 409 `current-version` and changes nothing. On a database of their own.
@Suite("Versions: ETag and If-Match on agreements, returns and carry-forwards", .serialized)
struct APIRecordVersionTests {
    static let app = PerEngine { try await makeDemoApp($0, returns: false) }

    func token(_ engine: TestEngine, _ user: String) async throws -> String {
        try await Self.app(engine).createAPIToken(label: "version-\(UUID().uuidString)", by: user).token
    }

    @Test(arguments: TestEngine.all) func aStaleIfMatchOnAnAgreementIsA409AndChangesNothing(
        engine: TestEngine
    ) async throws {
        let id = "cumbria-GA-0002"
        let finance = try await token(engine, "cumbria.finance")
        let server = try await webApp(commissioning: Self.app(engine))
        try await server.test(.router) { client in
            let opened = try await send(client, .get, "/api/v1/agreements/\(id)", token: finance)
            #expect(opened.eTag == "\"\(try await Self.app(engine).version(of: id, by: "cumbria.finance"))\"")
            let first = try await send(
                client, .post, "/api/v1/agreements/\(id)/assessments", token: finance,
                body: #"{"kind": "equality", "reference": "EIA-API-1"}"#, ifMatch: opened.eTag)
            #expect(first.status == .ok)
            #expect(first.eTag != nil && first.eTag != opened.eTag, "an edit answers the new ETag")
            let logged = try await Self.app(engine).auditLog(instance: id)
            let stale = try await send(
                client, .post, "/api/v1/agreements/\(id)/assessments", token: finance,
                body: #"{"kind": "risk", "reference": "RA-API-2"}"#, ifMatch: opened.eTag)
            #expect(stale.status == .conflict)
            #expect(rule(stale.body) == "current-version")
            await #expect(try Self.app(engine).auditLog(instance: id) == logged, "nothing was recorded")
            await #expect(try Self.app(engine).agreement(id).riskAssessment?.reference != "RA-API-2")
        }
    }

    @Test(arguments: TestEngine.all) func aStaleIfMatchOnAReturnIsA409AndChangesNothing(engine: TestEngine) async throws
    {
        let rows = try await Self.app(engine).returns(
            .init(office: "cumbria", grant: "cumbria-GA-0001"), as: "cumbria.finance")
        let id = try #require(rows.first { $0.quarter == "2016/17 Q3" }).id
        let board = try await token(engine, "cumbria.barrow-board")
        let content = #"{"spendInQuarter": "£1", "spendToDate": "£1", "narrative": "First."}"#
        let server = try await webApp(commissioning: Self.app(engine))
        try await server.test(.router) { client in
            let opened = try await send(client, .get, "/api/v1/returns/\(id)", token: board)
            #expect(opened.eTag != nil)
            let saved = try await send(
                client, .put, "/api/v1/returns/\(id)/content", token: board, body: content, ifMatch: opened.eTag)
            #expect(saved.status == .ok)
            let logged = try await Self.app(engine).auditLog(instance: id)
            let stale = try await send(
                client, .put, "/api/v1/returns/\(id)/content", token: board,
                body: content.replacingOccurrences(of: "First.", with: "Second."), ifMatch: opened.eTag)
            #expect(stale.status == .conflict)
            #expect(rule(stale.body) == "current-version")
            await #expect(try Self.app(engine).auditLog(instance: id) == logged)
            await #expect(
                try Self.app(engine).quarterlyReturn(id, as: "cumbria.finance").record.current?.content.narrative
                    == "First.")
        }
    }

    @Test(arguments: TestEngine.all) func aStaleIfMatchOnACarryForwardIsA409AndChangesNothing(
        engine: TestEngine
    ) async throws {
        let finance = try await token(engine, "wm.finance")
        let pcc = try await token(engine, "wm.pcc")
        let server = try await webApp(commissioning: Self.app(engine))
        try await server.test(.router) { client in
            let made = try await send(
                client, .post, "/api/v1/carry-forwards", token: finance,
                body:
                    #"{"year": "2017/18", "strand": "CSF", "recipient": "GB-LAE-WLV", "forecast": "£1,000", "reason": "Vacancies"}"#
            )
            #expect(made.status == .created)
            let id = try #require(
                (try JSONSerialization.jsonObject(with: Data(made.body.utf8)) as? [String: Any])?["id"] as? String)
            let version = try await Self.app(engine).version(of: id, by: "wm.finance")
            #expect(made.eTag == "\"\(version)\"")
            let logged = try await Self.app(engine).auditLog(instance: id)
            let stale = try await send(
                client, .post, "/api/v1/carry-forwards/\(id)/decision", token: pcc, body: #"{"approve": true}"#,
                ifMatch: "\"\(version - 1)\"")
            #expect(stale.status == .conflict)
            #expect(rule(stale.body) == "current-version")
            await #expect(try Self.app(engine).auditLog(instance: id) == logged)
            await #expect(try Self.app(engine).instance(id)?.state == "requested")
            let current = try await send(
                client, .post, "/api/v1/carry-forwards/\(id)/decision", token: pcc, body: #"{"approve": true}"#,
                ifMatch: made.eTag)
            #expect(current.status == .ok)
            #expect(current.eTag == "\"\(version + 1)\"")
        }
    }

    @Test(arguments: TestEngine.all) func aDecisionListsTheActsTheCallerMayTakeNow(engine: TestEngine) async throws {
        let id = try await Self.app(engine).raiseDecision(
            office: "cumbria", draft: webDraft("Permitted acts"), by: "cumbria.officer"
        )
        .id
        let officer = try await token(engine, "cumbria.officer")
        let auditor = try await token(engine, "cumbria.auditor")
        let server = try await webApp(commissioning: Self.app(engine))
        try await server.test(.router) { client in
            func acts(_ token: String) async throws -> [String] {
                let answer = try await send(client, .get, "/api/v1/decisions/\(id)", token: token)
                let object = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any]
                return (object?["permittedActs"] as? [[String: Any]] ?? []).compactMap { $0["event"] as? String }
            }
            let byOfficer = try await acts(officer)
            let byAuditor = try await acts(auditor)
            #expect(byOfficer == ["submit", "withdraw"])
            #expect(byAuditor.isEmpty)
        }
    }
}
