import Synchronization

/// How many write transactions this process has committed through the services (`ServiceBoundaryStore` counts
/// each after its commit). Whatever is kept in memory from the database can be kept with the count it was read
/// under, if the count was read before the database was: while the count has not moved, this process has changed
/// nothing it read. Another process's commits are not counted: what keeps a copy also keeps it only briefly.
public final class CommitCounter: Sendable {
    private let count = Atomic<Int>(0)

    public init() {}

    /// The commits so far.
    public var value: Int { count.load(ordering: .acquiring) }

    func committed() { count.add(1, ordering: .releasing) }
}
