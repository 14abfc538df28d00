/// Checks an audit log, read in sequence order, for any sign of editing: a changed field, a deleted or reordered
/// event, or (given a head minuted earlier) a deleted newest event.
public struct AuditChainVerifier: Sendable {
    /// The first thing found wrong.
    public enum Problem: Hashable, Sendable, CustomStringConvertible {
        /// The event's stored hash is not the hash of its contents: a field was edited.
        case contentChanged(sequence: Int64)
        /// The event does not point at the hash of the event before it: one was deleted, inserted or moved.
        case brokenLink(sequence: Int64, expectedPrevious: String, recordedPrevious: String)
        /// The sequence numbers skip or repeat.
        case sequenceGap(after: Int64, found: Int64)
        /// The chain no longer reaches the head minuted earlier.
        case headMissing(AuditHead)
        /// The event at the head's sequence has a different hash.
        case headMismatch(expected: AuditHead, found: String)

        public var description: String {
            switch self {
            case .contentChanged(let seq):
                return "event \(seq): its contents do not match its hash (a field was edited)"
            case .brokenLink(let seq, let expected, let recorded):
                return "event \(seq): it links to \(recorded.prefix(12))… but the event before it has hash "
                    + "\(expected.prefix(12))… (an event was deleted, inserted or moved)"
            case .sequenceGap(let after, let found):
                return "event \(found) follows event \(after): sequence numbers must run without gaps"
            case .headMissing(let head):
                return "the chain ends before the minuted head \(head) (newest events were deleted)"
            case .headMismatch(let expected, let found):
                return "event \(expected.sequence) has hash \(found.prefix(12))…, not the minuted \(expected.hash)"
            }
        }
    }

    private var previousHash = AuditEvent.genesisHash
    private var previousSequence: Int64?
    private var headSeen = false
    private let head: AuditHead?
    public private(set) var problem: Problem?
    public private(set) var count = 0

    public init(head: AuditHead? = nil) { self.head = head }

    /// Feeds the next event; returns false once a problem is found (later events are not examined).
    public mutating func check(_ event: AuditEvent) -> Bool {
        guard problem == nil else { return false }
        count += 1
        if let previous = previousSequence, event.sequence != previous + 1 {
            problem = .sequenceGap(after: previous, found: event.sequence)
        } else if event.previousHash != previousHash {
            problem = .brokenLink(
                sequence: event.sequence, expectedPrevious: previousHash, recordedPrevious: event.previousHash)
        } else if event.computedHash != event.hash {
            problem = .contentChanged(sequence: event.sequence)
        } else if let head, head.sequence == event.sequence {
            headSeen = true
            if head.hash != event.hash { problem = .headMismatch(expected: head, found: event.hash) }
        }
        previousHash = event.hash
        previousSequence = event.sequence
        return problem == nil
    }

    /// Call after the last event.
    public mutating func finish() -> Problem? {
        if problem == nil, let head, !headSeen, head.sequence > 0 { problem = .headMissing(head) }
        return problem
    }
}
