import Foundation

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

    /// The global chain's last hash, as bytes (kept in one buffer rewritten event by event).
    private var globalHash: [UInt8] = Array(AuditEvent.genesisHash.utf8)
    private var previousSequence: Int64?
    /// Each office's chain so far, by slot: its id, its last number and its last hash as bytes.
    private var chains: [(office: String, sequence: Int64, hash: [UInt8])] = []
    /// The slot of each office id (compared as strings, as a dictionary of strings compares them).
    private var slots: [String: Int] = [:]
    /// Each byte form of an office id seen, with its slot: a run of one office's events finds its slot by
    /// comparing bytes, without making a string per event.
    private var byteForms: [(bytes: [UInt8], slot: Int)] = []
    private var lastByteForm = -1
    private var encoder = AuditCanonicalEncoder()
    private var headSeen = false
    private let head: AuditHead?
    private let headHash: [UInt8]
    private let office: String?
    private let anchor: [UInt8]?
    public private(set) var problem: Problem?
    public private(set) var count = 0

    /// Checks the whole log (`office` nil) or only `office`'s own chain, which starts from `anchor` (the global
    /// chain's last hash, or the genesis hash) and skips the events written before the office chains.
    public init(head: AuditHead? = nil, office: String? = nil, anchor: String? = nil) {
        self.head = head
        self.headHash = head.map { Array($0.hash.utf8) } ?? []
        self.office = office
        self.anchor = anchor.map { Array($0.utf8) }
    }

    /// The newest event of each office's own chain, as checked so far.
    public var officeHeads: [String: AuditHead] {
        Dictionary(
            chains.map {
                ($0.office, AuditHead(sequence: $0.sequence, hash: String(decoding: $0.hash, as: UTF8.self)))
            },
            uniquingKeysWith: { _, last in last })
    }

    /// Feeds the next event; returns false once a problem is found (later events are not examined).
    public mutating func check(_ event: AuditEvent) -> Bool {
        event.withBytes { check($0) }
    }

    /// The same for an event read as bytes (`audit verify` reads millions): the same checks and the same problems.
    public mutating func check(_ event: AuditEventBytes) -> Bool {
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
        } else if !chains.isEmpty {
            problem = .globalEventAfterOfficeChains(sequence: event.sequence)
        } else if !globalHash.withUnsafeBytes({ Self.same(event.previousHash, $0) }) {
            problem = .brokenLink(
                sequence: event.sequence, expectedPrevious: String(decoding: globalHash, as: UTF8.self),
                recordedPrevious: Self.text(event.previousHash))
        }
        if problem == nil, !AuditCanonicalEncoder.isHex(event.hash, of: encoder.digest(event)) {
            problem = .contentChanged(sequence: event.sequence)
        }
        if problem == nil, let head, head.sequence == event.sequence {
            headSeen = true
            if !headHash.withUnsafeBytes({ Self.same(event.hash, $0) }) {
                problem = .headMismatch(expected: head, found: Self.text(event.hash))
            }
        }
        if event.officeSequence == nil { Self.replace(&globalHash, with: event.hash) }
        previousSequence = event.sequence
        return problem == nil
    }

    private mutating func checkChained(_ event: AuditEventBytes, officeSequence: Int64) {
        let slot = slot(of: event.office)
        let expectedSequence: Int64
        let linked: Bool
        if let slot {
            expectedSequence = chains[slot].sequence + 1
            linked = chains[slot].hash.withUnsafeBytes { Self.same(event.previousHash, $0) }
        } else {
            expectedSequence = 1
            linked = (anchor ?? globalHash).withUnsafeBytes { Self.same(event.previousHash, $0) }
        }
        if !linked {
            let expected = slot.map { chains[$0].hash } ?? anchor ?? globalHash
            problem = .brokenLink(
                sequence: event.sequence, expectedPrevious: String(decoding: expected, as: UTF8.self),
                recordedPrevious: Self.text(event.previousHash))
        } else if officeSequence != expectedSequence {
            problem = .officeSequenceGap(
                sequence: event.sequence, office: Self.text(event.office), expected: expectedSequence,
                found: officeSequence)
        }
        if let slot {
            chains[slot].sequence = officeSequence
            Self.replace(&chains[slot].hash, with: event.hash)
        } else {
            let name = Self.text(event.office)
            slots[name] = chains.count
            byteForms.append((Array(event.office), chains.count))
            lastByteForm = byteForms.count - 1
            chains.append((name, officeSequence, Array(event.hash)))
        }
    }

    /// The slot of the office whose id is `bytes` (nil for an office not seen yet).
    private mutating func slot(of bytes: UnsafeRawBufferPointer) -> Int? {
        if lastByteForm >= 0,
            byteForms[lastByteForm].bytes.withUnsafeBytes({ $0.count == bytes.count && Self.memcmpEqual($0, bytes) })
        {
            return byteForms[lastByteForm].slot
        }
        for (index, form) in byteForms.enumerated()
        where form.bytes.withUnsafeBytes({ $0.count == bytes.count && Self.memcmpEqual($0, bytes) }) {
            lastByteForm = index
            return form.slot
        }
        // A byte form not seen: the same office when its text is equal as a string.
        guard let slot = slots[Self.text(bytes)] else { return nil }
        byteForms.append((Array(bytes), slot))
        lastByteForm = byteForms.count - 1
        return slot
    }

    private static func text(_ bytes: UnsafeRawBufferPointer) -> String { String(decoding: bytes, as: UTF8.self) }

    /// Whether two texts are equal as strings are: byte for byte, or (only when the bytes differ) by Unicode
    /// canonical equivalence, as `String` compares.
    private static func same(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        if a.count == b.count, memcmpEqual(a, b) { return true }
        if a.allSatisfy({ $0 < 0x80 }) && b.allSatisfy({ $0 < 0x80 }) { return false }
        return text(a) == text(b)
    }

    /// Byte equality of two buffers of the same length.
    private static func memcmpEqual(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count > 0 else { return true }
        return memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0
    }

    private static func replace(_ buffer: inout [UInt8], with bytes: UnsafeRawBufferPointer) {
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: bytes)
    }

    /// Call after the last event.
    public mutating func finish() -> Problem? {
        if problem == nil, let head, !headSeen, head.sequence > 0 { problem = .headMissing(head) }
        return problem
    }
}
