/// Checks an audit log, read in sequence order, for any sign of editing: a changed field, a deleted or reordered
/// event, or (given a head minuted earlier) a deleted newest event.
///
/// The log is one chain per office: each event with an `officeSequence` points at the hash of the previous event of
/// its own office, so offices write without waiting on each other's newest hash and one office's log verifies on
/// its own. Events written before that (no `officeSequence`) form the one global chain they always did; each
/// office's chain starts from that chain's last hash (its "anchor"; the genesis hash in a database that never had a
/// global chain). Checking the whole log also checks that the global chain's sequence numbers run without gaps, that
/// the office chains' events come in rising sequence numbers (which may skip: PostgreSQL draws them from a sequence
/// shared by offices writing at once, and a rolled-back act leaves its number unused; each office's own numbers are
/// the ones that must not skip), and that no event of the old shape follows the start of the office chains.
public struct AuditChainVerifier: Sendable {
    /// The first thing found wrong.
    public enum Problem: Hashable, Sendable, CustomStringConvertible {
        /// The event's stored hash is not the hash of its contents: a field was edited.
        case contentChanged(sequence: Int64)
        /// The event does not point at the hash of the event before it: one was deleted, inserted or moved.
        case brokenLink(sequence: Int64, expectedPrevious: String, recordedPrevious: String)
        /// The sequence numbers skip or repeat.
        case sequenceGap(after: Int64, found: Int64)
        /// An office chain's event does not come after the event before it in the log (a repeat or a move).
        case sequenceNotRising(after: Int64, found: Int64)
        /// An office's own sequence numbers skip or repeat.
        case officeSequenceGap(sequence: Int64, office: String, expected: Int64, found: Int64)
        /// An event of the old, global shape follows events of the office chains: it was inserted.
        case globalEventAfterOfficeChains(sequence: Int64)
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
            case .sequenceNotRising(let after, let found):
                return "event \(found) follows event \(after): sequence numbers must rise"
            case .officeSequenceGap(let seq, let office, let expected, let found):
                return "event \(seq): it is number \(found) of \(office)'s chain where number \(expected) was due "
                    + "(an event of \(office) was deleted, inserted or moved)"
            case .globalEventAfterOfficeChains(let seq):
                return "event \(seq): it belongs to no office's chain but follows their start (it was inserted)"
            case .headMissing(let head):
                return "the chain ends before the minuted head \(head) (newest events were deleted)"
            case .headMismatch(let expected, let found):
                return "event \(expected.sequence) has hash \(found.prefix(12))…, not the minuted \(expected.hash)"
            }
        }
    }

    private var globalHash = AuditEvent.genesisHash
    private var previousSequence: Int64?
    private var officeChains: [String: AuditHead] = [:]
    private var headSeen = false
    private let head: AuditHead?
    private let office: String?
    private let anchor: String?
    public private(set) var problem: Problem?
    public private(set) var count = 0

    /// Checks the whole log (`office` nil) or only `office`'s own chain, which starts from `anchor` (the global
    /// chain's last hash, or the genesis hash) and skips the events written before the office chains.
    public init(head: AuditHead? = nil, office: String? = nil, anchor: String? = nil) {
        self.head = head
        self.office = office
        self.anchor = anchor
    }

    /// The newest event of each office's own chain, as checked so far.
    public var officeHeads: [String: AuditHead] { officeChains }

    /// Feeds the next event; returns false once a problem is found (later events are not examined).
    public mutating func check(_ event: AuditEvent) -> Bool {
        guard problem == nil else { return false }
        if office != nil, event.officeSequence == nil { return true }
        count += 1
        if office == nil, let previous = previousSequence, event.officeSequence == nil, event.sequence != previous + 1 {
            problem = .sequenceGap(after: previous, found: event.sequence)
        } else if office == nil, let previous = previousSequence, event.officeSequence != nil,
            event.sequence <= previous
        {
            problem = .sequenceNotRising(after: previous, found: event.sequence)
        } else if let officeSequence = event.officeSequence {
            checkChained(event, officeSequence: officeSequence)
        } else if !officeChains.isEmpty {
            problem = .globalEventAfterOfficeChains(sequence: event.sequence)
        } else if event.previousHash != globalHash {
            problem = .brokenLink(
                sequence: event.sequence, expectedPrevious: globalHash, recordedPrevious: event.previousHash)
        }
        if problem == nil, event.computedHash != event.hash {
            problem = .contentChanged(sequence: event.sequence)
        }
        if problem == nil, let head, head.sequence == event.sequence {
            headSeen = true
            if head.hash != event.hash { problem = .headMismatch(expected: head, found: event.hash) }
        }
        if event.officeSequence == nil { globalHash = event.hash }
        previousSequence = event.sequence
        return problem == nil
    }

    private mutating func checkChained(_ event: AuditEvent, officeSequence: Int64) {
        let last = officeChains[event.office]
        let expectedPrevious = last?.hash ?? anchor ?? globalHash
        let expectedSequence = (last?.sequence ?? 0) + 1
        if event.previousHash != expectedPrevious {
            problem = .brokenLink(
                sequence: event.sequence, expectedPrevious: expectedPrevious, recordedPrevious: event.previousHash)
        } else if officeSequence != expectedSequence {
            problem = .officeSequenceGap(
                sequence: event.sequence, office: event.office, expected: expectedSequence, found: officeSequence)
        }
        officeChains[event.office] = AuditHead(sequence: officeSequence, hash: event.hash)
    }

    /// Call after the last event.
    public mutating func finish() -> Problem? {
        if problem == nil, let head, !headSeen, head.sequence > 0 { problem = .headMissing(head) }
        return problem
    }
}
