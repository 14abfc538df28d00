import Crypto

/// An audit event as the store holds it, each text field as its UTF-8 bytes, valid only inside the call that gives
/// it: what `audit verify` checks without building an `AuditEvent` (and its eighteen strings) for each of millions
/// of rows. The bytes must be those of the texts an `AuditEvent` read from the same row would hold (the store
/// repairs invalid UTF-8 and stops at a NUL as its string decoding does), so that both give the same hash.
public struct AuditEventBytes {
    public var sequence: Int64
    public var office: UnsafeRawBufferPointer
    public var instanceID: UnsafeRawBufferPointer?
    public var workflow: UnsafeRawBufferPointer?
    public var workflowVersion: Int64?
    public var event: UnsafeRawBufferPointer
    public var fromState: UnsafeRawBufferPointer?
    public var toState: UnsafeRawBufferPointer?
    public var actor: UnsafeRawBufferPointer
    public var role: UnsafeRawBufferPointer?
    /// `YYYY-MM-DD`, as `Day.iso` writes it (the store refuses any other text, as it does reading an `AuditEvent`).
    public var effectiveDay: UnsafeRawBufferPointer
    public var recordedAt: UnsafeRawBufferPointer
    public var payload: UnsafeRawBufferPointer
    public var previousHash: UnsafeRawBufferPointer
    public var hash: UnsafeRawBufferPointer
    public var officeSequence: Int64?
    public var sealedRecord: UnsafeRawBufferPointer?
    public var seal: UnsafeRawBufferPointer?

    public init(
        sequence: Int64, office: UnsafeRawBufferPointer, instanceID: UnsafeRawBufferPointer?,
        workflow: UnsafeRawBufferPointer?, workflowVersion: Int64?, event: UnsafeRawBufferPointer,
        fromState: UnsafeRawBufferPointer?, toState: UnsafeRawBufferPointer?, actor: UnsafeRawBufferPointer,
        role: UnsafeRawBufferPointer?, effectiveDay: UnsafeRawBufferPointer, recordedAt: UnsafeRawBufferPointer,
        payload: UnsafeRawBufferPointer, previousHash: UnsafeRawBufferPointer, hash: UnsafeRawBufferPointer,
        officeSequence: Int64?, sealedRecord: UnsafeRawBufferPointer?, seal: UnsafeRawBufferPointer?
    ) {
        self.sequence = sequence
        self.office = office
        self.instanceID = instanceID
        self.workflow = workflow
        self.workflowVersion = workflowVersion
        self.event = event
        self.fromState = fromState
        self.toState = toState
        self.actor = actor
        self.role = role
        self.effectiveDay = effectiveDay
        self.recordedAt = recordedAt
        self.payload = payload
        self.previousHash = previousHash
        self.hash = hash
        self.officeSequence = officeSequence
        self.sealedRecord = sealedRecord
        self.seal = seal
    }
}

extension AuditEvent {
    /// This event's fields as bytes, for `body` only (what the tests feed the byte-level verifier with).
    public func withBytes<R>(_ body: (AuditEventBytes) throws -> R) rethrows -> R {
        let texts: [String?] = [
            office, instanceID, workflow, event, fromState, toState, actor, role, effectiveDay.iso, recordedAt,
            payload, previousHash, hash, sealedRecord, seal,
        ]
        // One contiguous copy of every text, so that the pointers stay valid for the whole call.
        var storage: [UInt8] = []
        var ranges: [Range<Int>?] = []
        for text in texts {
            guard let text else {
                ranges.append(nil)
                continue
            }
            let start = storage.count
            storage.append(contentsOf: text.utf8)
            ranges.append(start..<storage.count)
        }
        return try storage.withUnsafeBytes { all in
            func field(_ index: Int) -> UnsafeRawBufferPointer? {
                ranges[index].map { UnsafeRawBufferPointer(rebasing: all[$0]) }
            }
            return try body(
                AuditEventBytes(
                    sequence: sequence, office: field(0)!, instanceID: field(1), workflow: field(2),
                    workflowVersion: workflowVersion.map(Int64.init), event: field(3)!, fromState: field(4),
                    toState: field(5), actor: field(6)!, role: field(7), effectiveDay: field(8)!,
                    recordedAt: field(9)!, payload: field(10)!, previousHash: field(11)!, hash: field(12)!,
                    officeSequence: officeSequence, sealedRecord: field(13), seal: field(14)))
        }
    }
}

/// Builds `AuditEvent.canonicalBytes` from an `AuditEventBytes` into one buffer reused from event to event, and
/// hashes it: the same bytes, without a string or an array made per field.
public struct AuditCanonicalEncoder: Sendable {
    private var buffer: [UInt8] = []

    public init() { buffer.reserveCapacity(4_096) }

    /// The canonical encoding of `event`, byte for byte `AuditEvent.canonicalBytes` of the same event.
    public mutating func encode(_ event: AuditEventBytes) -> [UInt8] {
        fill(event)
        return buffer
    }

    /// SHA-256 of the canonical encoding.
    public mutating func digest(_ event: AuditEventBytes) -> SHA256.Digest {
        fill(event)
        return buffer.withUnsafeBytes { SHA256.hash(data: $0) }
    }

    private mutating func fill(_ e: AuditEventBytes) {
        buffer.removeAll(keepingCapacity: true)
        field("previousHash", e.previousHash)
        number("sequence", e.sequence)
        field("office", e.office)
        field("instance", e.instanceID)
        field("workflow", e.workflow)
        number("workflowVersion", e.workflowVersion)
        field("event", e.event)
        field("from", e.fromState)
        field("to", e.toState)
        field("actor", e.actor)
        field("role", e.role)
        field("effectiveDay", e.effectiveDay)
        field("recordedAt", e.recordedAt)
        field("payload", e.payload)
        if let officeSequence = e.officeSequence {
            number("officeSequence", officeSequence)
            field("sealed", e.sealedRecord)
            field("seal", e.seal)
        }
    }

    private mutating func name(_ name: StaticString) {
        buffer.append(contentsOf: UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        buffer.append(UInt8(ascii: ":"))
    }

    private mutating func absent() {
        buffer.append(UInt8(ascii: "-"))
        buffer.append(UInt8(ascii: "\n"))
    }

    private mutating func field(_ label: StaticString, _ value: UnsafeRawBufferPointer?) {
        name(label)
        guard let value else { return absent() }
        decimal(Int64(value.count))
        buffer.append(UInt8(ascii: ":"))
        buffer.append(contentsOf: value)
        buffer.append(UInt8(ascii: "\n"))
    }

    /// A whole number as `String(n)` writes it, with its length prefix.
    private mutating func number(_ label: StaticString, _ value: Int64?) {
        name(label)
        guard let value else { return absent() }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            let count = Self.writeDecimal(value, into: digits)
            decimal(Int64(count))
            buffer.append(UInt8(ascii: ":"))
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: digits[(20 - count)...]))
        }
        buffer.append(UInt8(ascii: "\n"))
    }

    private mutating func decimal(_ value: Int64) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            let count = Self.writeDecimal(value, into: digits)
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: digits[(20 - count)...]))
        }
    }

    /// Writes `value` right-aligned at the end of the 20 bytes of `digits`; returns how many bytes it took.
    private static func writeDecimal(_ value: Int64, into digits: UnsafeMutableBufferPointer<UInt8>) -> Int {
        // The magnitude as unsigned, so that Int64.min has one too; a sign takes the twentieth place.
        var rest = value.magnitude
        var index = 20
        repeat {
            index -= 1
            digits[index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        } while rest > 0
        if value < 0 {
            index -= 1
            digits[index] = UInt8(ascii: "-")
        }
        return 20 - index
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Whether `text` is `digest` in lowercase hexadecimal (what `SHA256Hex.hex` writes), compared byte for byte.
    public static func isHex(_ text: UnsafeRawBufferPointer, of digest: SHA256.Digest) -> Bool {
        guard text.count == 64 else { return false }
        return digest.withUnsafeBytes { bytes in
            for index in 0..<32 {
                let byte = bytes[index]
                if text[2 * index] != hexDigits[Int(byte >> 4)] || text[2 * index + 1] != hexDigits[Int(byte & 0x0f)] {
                    return false
                }
            }
            return true
        }
    }
}
