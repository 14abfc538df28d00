import Synchronization

/// Values derived from the database, kept between read transactions while the audit chain's head is the one they
/// were read under: every change to what the product stores appends an audit event in its own transaction, so a
/// committed head names one committed state, and what was read under it holds until the head moves. The caller reads
/// the head first, in the same read transaction as the value, so a value is never kept under a head newer than what
/// it saw; read transactions see committed data alone, so a head they read is never one a rolled-back transaction
/// made. At most `capacity` values are kept for one head; a new key in a full cache, or a keep under a head that has
/// moved, starts it again empty.
///
/// The registers' totals (`RegisterTotals`), the finance page's office years and the 360Giving files' years are kept
/// this way; each store or application has its own, so that two databases never share a value.
public final class HeadKeyedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entries: Sendable {
        var head: Int64 = -1
        var values: [Key: Value] = [:]
    }

    public let capacity: Int
    private let entries = Mutex(Entries())

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// The value kept for `key` under `head`, if any.
    public func value(_ key: Key, head: Int64) -> Value? {
        entries.withLock { $0.head == head ? $0.values[key] : nil }
    }

    public func keep(_ value: Value, key: Key, head: Int64) {
        entries.withLock { e in
            if e.head != head || (e.values.count >= capacity && e.values[key] == nil) { e = Entries(head: head) }
            e.values[key] = value
        }
    }

    /// How many values are kept (for the tests).
    public var count: Int { entries.withLock { $0.values.count } }
}
