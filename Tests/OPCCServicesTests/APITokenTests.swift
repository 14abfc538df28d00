import Foundation
import GRDB
import OPCCCore
import OPCCServices
import OPCCStore
import Testing

private func refusalRule(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch let refusal as ServiceRefusal {
        return refusal.rule
    } catch {
        return "unexpected: \(error)"
    }
}

@Suite("API tokens")
struct APITokenTests {
    @Test func aTokenActsAsThePersonWhoCreatedIt() throws {
        let (app, _) = try demoApp()
        let made = try app.createAPIToken(label: "finance-export", by: "cumbria.finance")
        #expect(made.token.hasPrefix("opcc_"))
        #expect(made.token.count == 5 + 64)
        #expect(try app.apiTokenPerson(made.token) == "cumbria.finance")
    }

    @Test func onlyTheSHA256OfATokenIsStored() throws {
        let (app, store) = try demoApp()
        let made = try app.createAPIToken(label: "nightly", by: "cumbria.finance")
        let stored = try store.writer.read { db in
            try String.fetchAll(db, sql: "SELECT token_sha256 FROM api_token")
        }
        #expect(stored == [SHA256Hex.of(made.token)])
        let everything = try store.writer.read { db in
            try String.fetchAll(db, sql: "SELECT quote(person_name) || label || created_at FROM api_token")
        }
        #expect(!everything.joined().contains(made.token))
    }

    @Test func aRevokedTokenIsRefusedAndItsRecordStays() throws {
        let (app, store) = try demoApp()
        let made = try app.createAPIToken(label: "script", by: "cumbria.officer")
        try app.revokeAPIToken(made.id, by: "cumbria.officer")
        #expect(refusalRule { _ = try app.apiTokenPerson(made.token) } == "api-token-revoked")
        #expect(refusalRule { try app.revokeAPIToken(made.id, by: "cumbria.officer") } == "api-token-live")
        let events = try app.auditLog(office: "cumbria").map(\.event)
        #expect(events.suffix(2) == ["api-token-created", "api-token-revoked"])
        #expect(throws: (any Error).self) {
            try store.writer.write { db in try db.execute(sql: "DELETE FROM api_token") }
        }
        #expect(try app.apiTokens(as: "cumbria.officer").count == 1)
        #expect(try app.verifyAudit().isIntact)
    }

    @Test func anUnknownOrMalformedTokenIsRefusedAlike() throws {
        let (app, _) = try demoApp()
        for token in ["", "opcc_" + String(repeating: "0", count: 64), "not-a-token", "opcc_XYZ"] {
            #expect(refusalRule { _ = try app.apiTokenPerson(token) } == "api-token-known")
        }
    }

    @Test func aTokenIsRevokedOnlyByItsOwnerOrTheChiefExecutive() throws {
        let (app, _) = try demoApp()
        let made = try app.createAPIToken(label: "script", by: "cumbria.barrow-board")
        #expect(
            refusalRule { try app.revokeAPIToken(made.id, by: "cumbria.officer") }
                == "api-token-revoked-by-owner-or-chief-executive")
        #expect(try app.apiTokenPerson(made.token) == "cumbria.barrow-board")
        // The officer sees only their own tokens.
        #expect(try app.apiTokens(as: "cumbria.officer").isEmpty)
        // The office's chief executive sees it and may revoke it.
        #expect(try app.apiTokens(as: "cumbria.chief-executive").map(\.id) == [made.id])
        try app.revokeAPIToken(made.id, by: "cumbria.chief-executive")
        #expect(refusalRule { _ = try app.apiTokenPerson(made.token) } == "api-token-revoked")
    }

    @Test func aLiveLabelIsUniquePerPersonAndALabelIsRequired() throws {
        let (app, _) = try demoApp()
        _ = try app.createAPIToken(label: "script", by: "cumbria.finance")
        #expect(
            refusalRule { _ = try app.createAPIToken(label: "script", by: "cumbria.finance") }
                == "api-token-label-unique")
        #expect(refusalRule { _ = try app.createAPIToken(label: "  ", by: "cumbria.finance") } == "api-token-label")
        #expect(refusalRule { _ = try app.createAPIToken(label: "x", by: "nobody") } == "known-person")
        #expect(try app.apiTokens(as: "cumbria.finance").count == 1)
    }
}
