import Foundation

/// The registers' totals (how many records a filter holds) and their searches' matches (which way to read a search's
/// page: `searchReadsInOrder`), kept between read transactions while the audit chain's head is the one they were
/// counted under. Counting a filter reads every record it covers (23–81 ms for a national
/// register on SQLite), while the page itself reads 50 rows; every change to a record or its state appends an audit
/// event in the same transaction, so a committed head names one committed state of the records, and a total counted
/// under it holds until the head moves. Only read transactions use it: they see committed data alone, so a head they
/// read is never one a rolled-back transaction made.
typealias RegisterTotals = HeadKeyedCache<String, Int>

extension HeadKeyedCache where Key == String, Value == Int {
    /// At most this many counts are kept for one head.
    static var registerTotalsCapacity: Int { 512 }

    /// The registers' totals, empty.
    static func registerTotals() -> RegisterTotals { RegisterTotals(capacity: registerTotalsCapacity) }

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
