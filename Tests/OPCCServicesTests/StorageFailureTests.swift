import OPCCCore
import OPCCStore
import OPCCTestSupport
import Testing

@testable import OPCCServices

/// A store that answers every transaction with the same error, as a database other writers keep busy does.
private struct FailingStore: CommissioningStore {
    let error: StoreError
    func write<T: Sendable>(_ body: @Sendable (any StoreTransaction) throws -> T) async throws -> T { throw error }
    func read<T: Sendable>(_ body: @Sendable (any StoreTransaction) throws -> T) async throws -> T { throw error }
    func readWhileStarting<T>(_ body: (any StoreTransaction) throws -> T) throws -> T { throw error }
}

@Suite("Services: a store error leaves the services as their own error")
struct StorageFailureTests {
    /// Every error the store reports, the kind a front end answers it by, and the sentence it must keep.
    static let cases: [(StoreError, StorageFailure.Kind)] = [
        (.duplicate(what: "office cumbria"), .duplicate),
        (.notFound(what: "secret session"), .notFound),
        (.staleVersion(instance: "i1", expected: 3), .staleVersion),
        (.invalidData(what: "allocations under d1"), .unreadable),
        (.busy, .busy),
        (
            .cannotOpen(path: "/tmp/x.sqlite", reason: "SQLite error 26: file is not a database"),
            .cannotOpen(reason: "SQLite error 26: file is not a database")
        ),
        (.failed(resultCode: 1), .failed(resultCode: 1)),
        (.failed(resultCode: 13), .failed(resultCode: 13)),
    ]

    @Test(arguments: cases)
    func eachStoreErrorBecomesAStorageFailureOfItsKindWithTheSameSentence(error: StoreError, kind: StorageFailure.Kind)
    {
        let failure = StorageFailure(error)
        #expect(failure.kind == kind)
        #expect(failure.description == error.description)
    }

    @Test func aDatabaseThatStaysBusyReachesTheCallerAsABusyStorageFailureSayingNothingChanged() async throws {
        let thrown = #expect(throws: StorageFailure.self) {
            _ = try Commissioning(store: FailingStore(error: .busy), catalog: try shippedCatalog())
        }
        #expect(thrown?.kind == .busy)
        #expect(thrown?.description == "the database stayed busy with other writers, so nothing was changed: try again")
    }

    // SQLite only: it drops SQLite's search table through GRDB's writer, and the sentence names SQLite's result code.
    @Test func aStatementSQLiteFailsReachesTheCallerWithTheStoresPlainSentence() async throws {
        let path = temporaryDatabasePath()
        let (app, store) = try await demoApp(store: try SQLiteStore(path: path))
        try await store.writer.write { try $0.execute(sql: "DROP TABLE decision_fts") }
        var filter = DecisionFilter()
        filter.text = "Mirehouse"
        let thrown = await #expect(throws: StorageFailure.self) {
            try await app.decisionRegister(filter, by: "cumbria.officer")
        }
        #expect(thrown?.kind == .failed(resultCode: 1))
        #expect(thrown?.description == "the database could not answer (SQLite result code 1), so nothing was changed")
    }

    @Test(arguments: TestEngine.all) func insideATransactionTheStoresOwnErrorIsStillThereToCatch(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let instance = try await #require(try app.store.read { try $0.instances(office: "cumbria") }.first)
        let caught = try await app.store.write { tx -> Bool in
            do {
                try tx.updateInstance(
                    id: instance.id, state: instance.state, expectedVersion: instance.version + 5,
                    lastEffectiveDay: day("2026-11-20"))
                return false
            } catch StoreError.staleVersion {
                return true
            }
        }
        #expect(caught, "a service refuses a stale act in its own words, from the store's error inside the transaction")
    }

    @Test func aStoreThatKeepsNoPasswordsHasNoHashForAnyoneAndRefusesToSetOne() async throws {
        let boundary = ServiceBoundaryStore.wrapping(FailingStore(error: .busy))
        await #expect(try boundary.passwordHash(person: "cumbria.officer") == nil)
        let refusal = await #expect(throws: ServiceRefusal.self) {
            try await boundary.setPasswordHash("hash", person: "cumbria.officer", at: "2026-11-20T09:00:00Z")
        }
        #expect(refusal?.rule == "passwords-need-sqlite")
        #expect(ServiceBoundaryStore.wrapping(boundary).base is FailingStore, "the boundary is never wrapped twice")
    }
}
