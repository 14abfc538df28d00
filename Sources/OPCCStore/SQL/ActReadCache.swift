import Foundation
import OPCCCore
import Synchronization

/// What every act reads besides its record, kept between write transactions: each person with their role grants, and
/// each office's profile hash (the parsed profile is cached by that hash in the services). One cache per store, used
/// only by write transactions.
///
/// It is never stale. Each write transaction, before its first use of the cache, reads a token that changes whenever
/// another connection, in this process or any other, may have changed those tables:
///
/// - SQLite: `PRAGMA data_version` on the store's one writing connection, which changes whenever another connection
///   commits anything to the file (and never for this connection's own commits);
/// - PostgreSQL: the `act_cache_generation` row, bumped by a trigger on every change to `person`, `role_grant` and
///   `office` (and by the store itself at the commit of a transaction that wrote them, which also covers an office
///   bundle import that disables triggers while it inserts).
///
/// A token other than the one the entries were read under empties the cache. This connection's own writes are seen
/// by the statements themselves: every statement that is not a read and names one of the tables marks the
/// transaction (`ActCacheSession.noteStatement`), which then neither reads nor fills the cache for the rest of its
/// life and empties it when it ends, committed or rolled back, so that nothing it read of its own uncommitted writes
/// outlives it.
final class ActReadCache: Sendable {
    private struct Entries: Sendable {
        var token: Int64?
        var people: [String: StoredPerson] = [:]
        var profileHashes: [String: String] = [:]

        mutating func reset(to token: Int64?) {
            self.token = token
            people.removeAll(keepingCapacity: true)
            profileHashes.removeAll(keepingCapacity: true)
        }
    }

    /// At most this many people (and offices) are kept; past it the cache starts again empty.
    static let capacity = 20_000

    private let entries = Mutex(Entries())
    /// Statements already classified (the store's statements are a fixed set of texts).
    private let writes = Mutex<[String: Bool]>([:])

    func person(_ name: String, token: Int64) -> StoredPerson? {
        entries.withLock { $0.token == token ? $0.people[name] : nil }
    }

    func keep(_ person: StoredPerson, token: Int64) {
        entries.withLock { e in
            if e.token != token || e.people.count >= Self.capacity { e.reset(to: token) }
            e.people[person.name] = person
        }
    }

    func profileHash(_ office: String, token: Int64) -> String? {
        entries.withLock { $0.token == token ? $0.profileHashes[office] : nil }
    }

    func keep(profileHash: String, office: String, token: Int64) {
        entries.withLock { e in
            if e.token != token || e.profileHashes.count >= Self.capacity { e.reset(to: token) }
            e.profileHashes[office] = profileHash
        }
    }

    /// Forgets everything (a transaction of this store wrote the tables).
    func invalidate() { entries.withLock { $0.reset(to: nil) } }

    /// Whether `sql` may change a cached table: any statement that is not a read and names `person`, `role_grant`
    /// or `office` as a whole word (so `office_id` does not count). Erring towards yes only costs a reload.
    func mayChangeCachedTables(_ sql: String) -> Bool {
        if let known = writes.withLock({ $0[sql] }) { return known }
        let answer = Self.classify(sql)
        writes.withLock { cache in
            if cache.count >= Self.capacity { cache.removeAll() }
            cache[sql] = answer
        }
        return answer
    }

    static let cachedTables: Set<Substring> = ["person", "role_grant", "office"]

    static func classify(_ sql: String) -> Bool {
        let first = sql.drop { $0.isWhitespace }.prefix { $0.isLetter }.uppercased()
        if ["SELECT", "PRAGMA", "BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK", "END"].contains(first) {
            // A plain SELECT … FOR UPDATE or a pragma reads; none of the store's SELECTs writes.
            return false
        }
        let words = sql.lowercased().split { !($0.isLetter || $0.isNumber || $0 == "_") }
        return words.contains { cachedTables.contains($0) }
    }
}

/// One write transaction's use of the store's `ActReadCache`: the token it read (once), and whether it has written
/// a cached table.
final class ActCacheSession {
    let cache: ActReadCache
    /// Reads the current token inside the transaction (`PRAGMA data_version`, or the generation row).
    private let readToken: () throws -> Int64
    private var token: Int64?
    /// Set by the first statement that may change a cached table: the transaction no longer uses the cache.
    private(set) var wroteCachedTables = false

    init(cache: ActReadCache, readToken: @escaping () throws -> Int64) {
        self.cache = cache
        self.readToken = readToken
    }

    /// The token for this transaction, or nil when it must not use the cache (it wrote a cached table).
    func currentToken() throws -> Int64? {
        if wroteCachedTables { return nil }
        if let token { return token }
        let read = try readToken()
        token = read
        return read
    }

    /// Called by the session before each statement runs.
    func noteStatement(_ sql: String) {
        if !wroteCachedTables, cache.mayChangeCachedTables(sql) { wroteCachedTables = true }
    }

    /// Called once the transaction has ended (committed or rolled back).
    func finish() {
        if wroteCachedTables { cache.invalidate() }
    }
}
