import OPCCCore
import OPCCStore
import OPCCTestSupport
import Testing

@testable import OPCCServices

/// Where the front ends' answers come from: each use case refuses another office's record with the refusal it gives
/// for a missing id (same rule, same kind, the same message but the id), before anything else about it could show.
@Suite("Services: another office's record is refused as a missing one")
struct OtherOfficeRecordServiceTests {
    /// One use case, tried by `user` on a record id.
    struct UseCase: CustomStringConvertible, Sendable {
        let name: String
        let user: String
        /// The kind of record: `decision` (a Cumbria draft), `agreement`, `return` or `carry-forward`.
        let record: String
        let run: @Sendable (Commissioning, String, String) async throws -> Void
        var description: String { name }
    }

    static let useCases: [UseCase] = [
        UseCase(name: "show a decision", user: "lincs.officer", record: "decision") { app, id, user in
            _ = try await app.showDecision(id, by: user)
        },
        UseCase(name: "edit a draft", user: "lincs.officer", record: "decision") { app, id, user in
            _ = try await app.editDecision(id, draft: shortDraft("Lincolnshire's title"), by: user)
        },
        UseCase(name: "read Part 2", user: "lincs.officer", record: "decision") { app, id, user in
            _ = try await app.readPart2(id, by: user)
        },
        UseCase(name: "submit a decision", user: "lincs.officer", record: "decision") { app, id, user in
            _ = try await app.perform(.submit(number: nil), on: id, by: user)
        },
        UseCase(name: "withdraw a decision", user: "lincs.officer", record: "decision") { app, id, user in
            _ = try await app.perform(.withdraw(reason: "Not needed."), on: id, by: user)
        },
        UseCase(name: "see an agreement", user: "lincs.finance", record: "agreement") { app, id, user in
            _ = try await app.grantView(id, as: user)
        },
        UseCase(name: "close an agreement", user: "lincs.finance", record: "agreement") { app, id, user in
            try await app.closeAgreement(id, by: user)
        },
        UseCase(name: "activate an agreement", user: "lincs.finance", record: "agreement") { app, id, user in
            try await app.activateAgreement(id, by: user)
        },
        UseCase(name: "record an assessment", user: "lincs.finance", record: "agreement") { app, id, user in
            try await app.recordAssessment(id, equality: true, reference: "EIA-1", by: user)
        },
        UseCase(name: "read a return", user: "lincs.officer", record: "return") { app, id, user in
            _ = try await app.quarterlyReturn(id, as: user)
        },
        UseCase(name: "accept a return", user: "lincs.officer", record: "return") { app, id, user in
            try await app.acceptReturn(id, note: nil, by: user)
        },
        UseCase(name: "settle a clawback", user: "lincs.finance", record: "carry-forward") { app, id, user in
            try await app.settleCarryForwardClawback(id, by: user)
        },
        UseCase(name: "confirm a carry-forward", user: "lincs.finance", record: "carry-forward") { app, id, user in
            try await app.confirmCarryForward(id, actual: Money(pence: 100)!, by: user)
        },
    ]

    @Test(arguments: TestEngine.all, useCases)
    func anotherOfficesRecordIsRefusedExactlyAsAMissingOneIs(engine: TestEngine, _ useCase: UseCase) async throws {
        let (app, _) = try await demoApp(engine: engine, returns: true)
        let ids: (existing: String, missing: String)
        switch useCase.record {
        case "decision":
            let draft = try await app.raiseDecision(office: "cumbria", draft: shortDraft(), by: "cumbria.officer")
            ids = (draft.id, "cumbria-DR-9999")
        case "agreement": ids = ("cumbria-GA-0001", "cumbria-GA-9999")
        case "return": ids = ("cumbria-QR-0001", "cumbria-QR-9999")
        // The demo's one carry-forward is West Midlands': another office's record all the same.
        default: ids = ("west-midlands-CF-0001", "west-midlands-CF-9999")
        }
        let office = try await #require(try app.instance(ids.existing)).office
        await #expect(office != (try app.person(named: useCase.user)?.office))
        await #expect(try app.instance(ids.missing) == nil)
        let existing = await #expect(throws: ServiceRefusal.self) {
            try await useCase.run(app, ids.existing, useCase.user)
        }
        let missing = await #expect(throws: ServiceRefusal.self) {
            try await useCase.run(app, ids.missing, useCase.user)
        }
        #expect(missing?.kind == .notFound)
        #expect(existing?.kind == .notFound)
        #expect(existing?.rule == missing?.rule)
        #expect(existing?.message.replacingOccurrences(of: ids.existing, with: ids.missing) == missing?.message)
    }
}
