import OPCCCore
import OPCCStore

/// The database failed a request for a reason that is not a rule of the product: it stayed busy, it could not be
/// opened or read, or SQLite failed a statement. The services turn the store's own error into this one where it
/// leaves a transaction (`Commissioning.store`), so a front end answers it without knowing the store: the web and
/// the CLI import the services and the core, never the store. The sentence is the store's, word for word ("the
/// database could not answer (SQLite result code 1), so nothing was changed"): it never quotes SQL or a request.
public struct StorageFailure: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as much as a front end needs to choose its answer (a status, an exit code, a retry).
    public enum Kind: Hashable, Sendable {
        /// A record that had to be new exists already.
        case duplicate
        /// A record the services expected is not stored.
        case notFound
        /// Another writer moved the record first: reload and try again.
        case staleVersion
        /// Stored data could not be read back as a value.
        case unreadable
        /// Other writers kept the database busy past every attempt: nothing was changed, and trying again is safe.
        case busy
        /// The database file could not be opened; `reason` is SQLite's, without the path.
        case cannotOpen(reason: String)
        /// SQLite failed a statement (a bug, a full disk, a damaged file): the transaction was rolled back.
        case failed(resultCode: Int32)
        /// The PostgreSQL server failed a statement (its SQLSTATE): the transaction was rolled back.
        case serverFailed(sqlState: String)
        /// The connection to the PostgreSQL server was lost: a change being saved may or may not have been made.
        case connectionLost
    }

    public let kind: Kind
    public let description: String

    public init(kind: Kind, description: String) {
        self.kind = kind
        self.description = description
    }

    /// The store's error in the services' words: the same kind of failure and the same sentence.
    public init(_ error: StoreError) {
        switch error {
        case .duplicate: kind = .duplicate
        case .notFound: kind = .notFound
        case .staleVersion: kind = .staleVersion
        case .invalidData: kind = .unreadable
        case .busy: kind = .busy
        case .cannotOpen(_, let reason): kind = .cannotOpen(reason: reason)
        case .failed(let code): kind = .failed(resultCode: code)
        case .serverFailed(let state): kind = .serverFailed(sqlState: state)
        case .connectionLost: kind = .connectionLost
        }
        description = error.description
    }
}

/// The store as the services reach it: every transaction runs on the store given to `Commissioning`, and a store
/// error leaving it becomes a `StorageFailure`. Inside a transaction the store's own errors are as they were, so a
/// service can still catch `StoreError.staleVersion` or `.duplicate` there and refuse in its own words.
struct ServiceBoundaryStore: CommissioningStore {
    /// The store the composition root built (an `SQLiteStore` in the product).
    let base: any CommissioningStore
    /// The write transactions committed through this boundary.
    let commits = CommitCounter()

    /// Wraps `store` once: a store that is already the boundary is kept as it is.
    static func wrapping(_ store: any CommissioningStore) -> ServiceBoundaryStore {
        store as? ServiceBoundaryStore ?? ServiceBoundaryStore(base: store)
    }

    func write<T: Sendable>(_ body: @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        do {
            let result = try await base.write(body)
            commits.committed()
            return result
        } catch let error as StoreError {
            throw StorageFailure(error)
        }
    }

    func read<T: Sendable>(_ body: @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        do { return try await base.read(body) } catch let error as StoreError { throw StorageFailure(error) }
    }

    func readWhileStarting<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        do { return try base.readWhileStarting(body) } catch let error as StoreError { throw StorageFailure(error) }
    }
}

/// The web's password hashes pass the boundary too, where the store keeps them (`SQLiteStore` does): a store that
/// keeps none has no hash for anyone, as before the boundary.
extension ServiceBoundaryStore: PasswordStore {
    func passwordHash(person: String) async throws -> String? {
        guard let passwords = base as? any PasswordStore else { return nil }
        do { return try await passwords.passwordHash(person: person) } catch let error as StoreError {
            throw StorageFailure(error)
        }
    }

    func setPasswordHash(_ hash: String, person: String, at: String) async throws {
        guard let passwords = base as? any PasswordStore else {
            throw ServiceRefusal(rule: .passwordsNeedSqlite, message: "this database keeps no passwords")
        }
        do { try await passwords.setPasswordHash(hash, person: person, at: at) } catch let error as StoreError {
            throw StorageFailure(error)
        }
    }
}
