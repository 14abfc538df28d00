import Foundation
import GRDB
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

private func refusalRule(_ body: () async throws -> Void) async -> String? {
    do {
        try await body()
        return nil
    } catch let refusal as ServiceRefusal {
        return refusal.rule
    } catch {
        return "unexpected: \(error)"
    }
}

@Suite("API tokens")
struct APITokenTests {
    @Test(arguments: TestEngine.all) func aTokenActsAsThePersonWhoCreatedIt(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let made = try await app.createAPIToken(label: "finance-export", by: "cumbria.finance")
        #expect(made.token.hasPrefix("opcc_"))
        #expect(made.token.count == 5 + 64)
        await #expect(try app.apiTokenPerson(made.token) == "cumbria.finance")
    }

    // SQLite only: it reads the SQLite table through GRDB's writer to see what is stored.
    @Test func onlyTheSHA256OfATokenIsStored() async throws {
        let (app, store) = try await demoApp()
        let made = try await app.createAPIToken(label: "nightly", by: "cumbria.finance")
        let stored = try await store.writer.read { db in
            try String.fetchAll(db, sql: "SELECT token_sha256 FROM api_token")
        }
        #expect(stored == [SHA256Hex.of(made.token)])
        let everything = try await store.writer.read { db in
            try String.fetchAll(db, sql: "SELECT quote(person_name) || label || created_at FROM api_token")
        }
        #expect(!everything.joined().contains(made.token))
    }

    // SQLite only: it tries to delete a row through GRDB's writer, which SQLite's trigger refuses.
    @Test func aRevokedTokenIsRefusedAndItsRecordStays() async throws {
        let (app, store) = try await demoApp()
        let made = try await app.createAPIToken(label: "script", by: "cumbria.officer")
        try await app.revokeAPIToken(made.id, by: "cumbria.officer")
        await #expect(refusalRule { _ = try await app.apiTokenPerson(made.token) } == "api-token-revoked")
        await #expect(refusalRule { try await app.revokeAPIToken(made.id, by: "cumbria.officer") } == "api-token-live")
        let events = try await app.auditLog(office: "cumbria").map(\.event)
        #expect(events.suffix(2) == ["api-token-created", "api-token-revoked"])
        #expect(throws: (any Error).self) {
            try store.writer.write { db in try db.execute(sql: "DELETE FROM api_token") }
        }
        await #expect(try app.apiTokens(as: "cumbria.officer").count == 1)
        await #expect(try app.verifyAudit().isIntact)
    }

    @Test(arguments: TestEngine.all) func anUnknownOrMalformedTokenIsRefusedAlike(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        for token in ["", "opcc_" + String(repeating: "0", count: 64), "not-a-token", "opcc_XYZ"] {
            await #expect(refusalRule { _ = try await app.apiTokenPerson(token) } == "api-token-known")
        }
    }

    @Test(arguments: TestEngine.all) func aTokenIsRevokedOnlyByItsOwnerOrTheChiefExecutive(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let made = try await app.createAPIToken(label: "script", by: "cumbria.barrow-board")
        await #expect(
            refusalRule { try await app.revokeAPIToken(made.id, by: "cumbria.officer") }
                == "api-token-revoked-by-owner-or-chief-executive")
        await #expect(try app.apiTokenPerson(made.token) == "cumbria.barrow-board")
        // The officer sees only their own tokens.
        await #expect(try app.apiTokens(as: "cumbria.officer").isEmpty)
        // The office's chief executive sees it and may revoke it.
        await #expect(try app.apiTokens(as: "cumbria.chief-executive").map(\.id) == [made.id])
        try await app.revokeAPIToken(made.id, by: "cumbria.chief-executive")
        await #expect(refusalRule { _ = try await app.apiTokenPerson(made.token) } == "api-token-revoked")
    }

    @Test(arguments: TestEngine.all) func aLiveLabelIsUniquePerPersonAndALabelIsRequired(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        _ = try await app.createAPIToken(label: "script", by: "cumbria.finance")
        await #expect(
            refusalRule { _ = try await app.createAPIToken(label: "script", by: "cumbria.finance") }
                == "api-token-label-unique")
        await #expect(
            refusalRule { _ = try await app.createAPIToken(label: "  ", by: "cumbria.finance") } == "api-token-label")
        await #expect(refusalRule { _ = try await app.createAPIToken(label: "x", by: "nobody") } == "known-person")
        await #expect(try app.apiTokens(as: "cumbria.finance").count == 1)
    }
}
