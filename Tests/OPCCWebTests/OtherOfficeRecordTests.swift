import Foundation
import Hummingbird
import HummingbirdTesting
import OPCCCore
import OPCCServices
import OPCCTestSupport
import Testing

@testable import OPCCWeb

/// Another office's record is "not found", exactly like a missing one: the same status and, with the id swapped,
/// the same body, in pages and the API alike, for a read and for an act. Nothing in the answer tells a Lincolnshire
/// reader that Cumbria holds the record, in what state, or which of Cumbria's roles could act on it.
@Suite("Another office's record answers as a missing one")
struct OtherOfficeRecordTests {
    /// One request, asked once of a Cumbria record that exists and once of one that does not.
    struct Probe: CustomStringConvertible, Sendable {
        enum FrontEnd: String, Sendable { case page, api }
        let frontEnd: FrontEnd
        let method: HTTPRequest.Method
        /// The path, with `{id}` where the record's id goes.
        let path: String
        /// Who asks: a Lincolnshire person whose role could take the act in their own office.
        let user: String
        /// The Cumbria record that exists, and one of the same kind that does not.
        var existing: String
        let missing: String
        var form: [String: String] = [:]
        var json: String? = nil

        var description: String { "\(frontEnd) \(method) \(path.replacingOccurrences(of: "{id}", with: existing))" }
        func uri(_ id: String) -> String { path.replacingOccurrences(of: "{id}", with: id) }
    }

    /// A Cumbria draft, raised once for the whole table: a record no Lincolnshire person may see.
    static let cumbriaDraft = PerEngine { engine in
        try await sharedApp(engine).raiseDecision(
            office: "cumbria", draft: webDraft("Cumbria's own draft"), by: "cumbria.officer"
        )
        .id
    }
    /// Stands for the Cumbria draft in the probes' table (made before any test runs), until a test asks for it.
    static let cumbriaDraftMark = "{cumbria-draft}"

    static let probes: [Probe] = {
        let decision = (existing: cumbriaDraftMark, missing: "cumbria-DR-9999")
        let agreement = (existing: "cumbria-GA-0001", missing: "cumbria-GA-9999")
        let quarterly = (existing: "cumbria-QR-0001", missing: "cumbria-QR-9999")
        // The demo's one carry-forward is West Midlands': another office's record all the same.
        let carryForward = (existing: "west-midlands-CF-0001", missing: "west-midlands-CF-9999")
        func page(
            _ method: HTTPRequest.Method, _ path: String, _ ids: (existing: String, missing: String),
            as user: String = "lincs.officer", form: [String: String] = [:]
        ) -> Probe {
            Probe(
                frontEnd: .page, method: method, path: path, user: user, existing: ids.existing,
                missing: ids.missing, form: form)
        }
        func api(
            _ method: HTTPRequest.Method, _ path: String, _ ids: (existing: String, missing: String),
            as user: String = "lincs.officer", json: String? = nil
        ) -> Probe {
            Probe(
                frontEnd: .api, method: method, path: path, user: user, existing: ids.existing, missing: ids.missing,
                json: json)
        }
        return [
            // Decisions: reading, reading Part 2, editing, acting.
            page(.get, "/decisions/{id}", decision),
            page(.get, "/decisions/{id}/edit", decision),
            page(.post, "/decisions/{id}/part2", decision),
            page(.post, "/decisions/{id}/submit", decision),
            page(.post, "/decisions/{id}/withdraw", decision, form: ["reason": "Not needed."]),
            api(.get, "/api/v1/decisions/{id}", decision),
            api(.patch, "/api/v1/decisions/{id}", decision, json: #"{"title": "Lincolnshire's title"}"#),
            api(.post, "/api/v1/decisions/{id}/submission", decision),
            api(.post, "/api/v1/decisions/{id}/part2-readings", decision),
            api(.post, "/api/v1/decisions/{id}/withdrawal", decision, json: #"{"reason": "Not needed."}"#),
            // Grant agreements: reading and an act by Lincolnshire's finance.
            page(.get, "/grants/{id}", agreement, as: "lincs.finance"),
            page(.post, "/grants/{id}/close", agreement, as: "lincs.finance"),
            api(.get, "/api/v1/agreements/{id}", agreement, as: "lincs.finance"),
            api(.post, "/api/v1/agreements/{id}/closure", agreement, as: "lincs.finance"),
            // Quarterly returns: reading and the reviewer's acceptance.
            page(.get, "/returns/{id}", quarterly),
            page(.post, "/returns/{id}/accept", quarterly),
            api(.get, "/api/v1/returns/{id}", quarterly),
            api(.post, "/api/v1/returns/{id}/acceptance", quarterly, json: "{}"),
            // Carry-forwards: an act by Lincolnshire's finance.
            page(.post, "/finance/carry-forwards/{id}/settle", carryForward, as: "lincs.finance"),
            api(.post, "/api/v1/carry-forwards/{id}/clawback-settlement", carryForward, as: "lincs.finance"),
        ]
    }()

    @Test(arguments: TestEngine.all, probes)
    func anotherOfficesRecordIsNotFoundExactlyAsAMissingOneIs(engine: TestEngine, _ marked: Probe) async throws {
        var resolved = marked
        if marked.existing == Self.cumbriaDraftMark { resolved.existing = try await Self.cumbriaDraft(engine) }
        let probe = resolved
        // The premise: one record is there (in another office), the other is not there at all.
        let office = try await #require(try sharedApp(engine).instance(probe.existing)).office
        await #expect(office != (try sharedApp(engine).person(named: probe.user)?.office))
        await #expect(try sharedApp(engine).instance(probe.missing) == nil)
        let server = try await webApp(engine: engine)
        try await server.test(.router) { client in
            var answers: [(status: HTTPResponse.Status, body: String)] = []
            switch probe.frontEnd {
            case .page:
                var browser = Browser(client)
                _ = try await browser.signIn(probe.user)
                for id in [probe.existing, probe.missing] {
                    let page =
                        probe.method == .get
                        ? try await browser.get(probe.uri(id)) : try await browser.post(probe.uri(id), probe.form)
                    answers.append((page.status, page.body))
                }
            case .api:
                let api = try await APIClient(client, as: probe.user, engine: engine)
                for id in [probe.existing, probe.missing] {
                    let answer = try await api.call(probe.method, probe.uri(id), probe.json)
                    answers.append((answer.status, answer.body))
                }
            }
            let (existing, missing) = (answers[0], answers[1])
            #expect(missing.status == .notFound, "\(probe): a missing record")
            #expect(existing.status == .notFound, "\(probe): another office's record")
            // Byte for byte the same answer once the id asked for is swapped: so nothing in it names the record's
            // state, its content or the roles that could act on it.
            #expect(existing.body.replacingOccurrences(of: probe.existing, with: probe.missing) == missing.body)
        }
    }
}
