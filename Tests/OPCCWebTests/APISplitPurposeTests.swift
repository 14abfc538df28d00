import Foundation
import Hummingbird
import HummingbirdTesting
import OPCCCore
import OPCCServices
import OPCCTestSupport
import Testing

@testable import OPCCWeb

/// A purpose per recipient in a grant round, sent through the JSON API, as the file `opcc finance allocate-split`
/// reads takes it: each grant keeps its own purpose.
@Suite("JSON API: a purpose per recipient of a split")
struct APISplitPurposeTests {
    @Test(arguments: TestEngine.all) func aRoundPostedWithAPurposePerRecipientStoresEachGrantsOwnPurpose(
        engine: TestEngine
    ) async throws {
        let app = try await makeDemoApp(engine, returns: false)
        var draft = webDraft("Small grants round")
        draft.amount = "£10,000"
        let decision = try await app.raiseDecision(office: "cumbria", draft: draft, by: "cumbria.officer").id
        try await app.submitDecision(decision, by: "cumbria.officer")
        try await app.signDecision(decision, position: "originating-officer", name: "A", by: "cumbria.officer")
        try await app.signDecision(decision, position: "chief-executive", name: "B", by: "cumbria.chief-executive")
        try await app.referDecision(decision, by: "cumbria.chief-executive")
        try await app.decide(decision, approve: true, interests: "None.", by: "cumbria.pcc")
        let server = try await webApp(commissioning: app)
        try await server.test(.router) { client in
            let finance = try await APIClient(client, as: "cumbria.finance", app: app)
            let round = #"""
                {"year": "2016/17", "strand": "ASB", "decision": "\#(decision)", "purpose": "Small grants",
                 "method": "grant-round", "bands": [{"name": "small", "upTo": "5000.00"}, {"name": "standard"}],
                 "recipients": [
                   {"orgId": "GB-CHC-1000001", "name": "Neighbourhood Watch", "amount": "4000.00",
                    "purpose": "Street patrols"},
                   {"orgId": "GB-CHC-1000002", "name": "Youth Boxing Club", "amount": "6000.00"}]}
                """#
            let preview = try await finance.post("/api/v1/allocations/splits/preview?office=cumbria", round)
            #expect(preview.status == .ok, "\(preview.body)")
            #expect(
                (preview.json as? [[String: Any]] ?? []).map { $0["purpose"] as? String }
                    == ["Street patrols", "Small grants"])
            let made = try await finance.post("/api/v1/allocations/splits?office=cumbria", round)
            #expect(made.status == .created, "\(made.body)")
            let purposes = (made.json as? [[String: Any]] ?? []).map { $0["purpose"] as? String }
            #expect(purposes == ["Street patrols", "Small grants"])
        }
        let stored = try await app.store.read { try $0.allocations(office: "cumbria") }.map(\.allocation)
            .filter { $0.method == .grantRound }
        #expect(stored.map(\.purpose) == ["Street patrols", "Small grants"])
    }
}
