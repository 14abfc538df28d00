import Foundation
import Synchronization

/// The registers' totals (how many records a filter holds) and their searches' matches (which way to read a search's
/// page: `searchReadsInOrder`), kept between read transactions while the audit chain's head is the one they were
/// counted under. Counting a filter reads every record it covers (23–81 ms for a national
/// register on SQLite), while the page itself reads 50 rows; every change to a record or its state appends an audit
/// event in the same transaction, so a committed head names one committed state of the records, and a total counted
/// under it holds until the head moves. Only read transactions use it: they see committed data alone, so a head they
/// read is never one a rolled-back transaction made.
final class RegisterTotals: Sendable {
    private struct Entries: Sendable {
        var head: Int64 = -1
        var totals: [String: Int] = [:]
    }

    /// At most this many filters are kept for one head; past it the cache starts again empty.
    static let capacity = 512

    private let entries = Mutex(Entries())

    /// The total counted for `key` under `head`, if any.
    func total(_ key: String, head: Int64) -> Int? {
        entries.withLock { $0.head == head ? $0.totals[key] : nil }
    }

    func keep(_ total: Int, key: String, head: Int64) {
        entries.withLock { e in
            if e.head != head || e.totals.count >= Self.capacity { e = Entries(head: head) }
            e.totals[key] = total
        }
    }

    /// The key of a count: its query (a register's filter, a search's match) and the values bound to it.
    static func key(_ query: String, _ arguments: SQLArguments) -> String {
        ([query]
            + arguments.values.map { value in
                switch value {
                case .null: "N"
                case .integer(let n): "I\(n)"
                case .real(let r): "R\(r)"
                case .text(let t): "T\(t)"
                }
            }).joined(separator: "\u{1F}")
    }
}
