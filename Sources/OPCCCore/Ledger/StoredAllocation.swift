/// An allocation with the posting that moved its money.
public struct StoredAllocation: Hashable, Sendable {
    public let allocation: Allocation
    public let postingSequence: Int64

    public init(allocation: Allocation, postingSequence: Int64) {
        self.allocation = allocation
        self.postingSequence = postingSequence
    }
}
