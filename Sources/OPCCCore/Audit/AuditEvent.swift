import Crypto
import Foundation

/// One entry of the tamper-evident audit log: an accepted act, chained to the entry before it by SHA-256.
///
/// Acts that change no state (a sign-off, a Part 2 read, a ledger posting, a reminder, a correction) have
/// `fromState == toState`; administrative acts not tied to a workflow instance (adding a person) have no instance.
public struct AuditEvent: Hashable, Sendable, Codable {
    public var sequence: Int64
    public var office: String
    public var instanceID: String?
    public var workflow: String?
    public var workflowVersion: Int?
    public var event: String
    public var fromState: String?
    public var toState: String?
    public var actor: String
    public var role: String?
    /// The day the act took effect (may be earlier than it was entered).
    public var effectiveDay: Day
    /// When the act was recorded, from the clock: ISO 8601 UTC with milliseconds.
    public var recordedAt: String
    /// Details of the act as canonical JSON (keys sorted).
    public var payload: String
    public var previousHash: String
    public var hash: String
    /// The event's place in its office's own chain (1, 2, …); nil for an event written before the chains were per
    /// office, when one chain held every office's events (see `AuditChainVerifier`).
    public var officeSequence: Int64?
    /// The record this event sealed, as `SealedRecord.key` (`decision:cumbria-DR-0001`), if any.
    public var sealedRecord: String?
    /// The SHA-256 of that record's content after the event (`RecordSeal.hash`); nil when the record did not exist.
    public var seal: String?

    public init(
        sequence: Int64, office: String, instanceID: String?, workflow: String?, workflowVersion: Int?, event: String,
        fromState: String?, toState: String?, actor: String, role: String?, effectiveDay: Day, recordedAt: String,
        payload: String, previousHash: String, hash: String, officeSequence: Int64? = nil, sealedRecord: String? = nil,
        seal: String? = nil
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

    /// An event not yet appended (its sequence and hashes are assigned by the store).
    public static let placeholder = AuditEvent(
        sequence: 0, office: "", instanceID: nil, workflow: nil, workflowVersion: nil, event: "", fromState: nil,
        toState: nil, actor: "", role: nil, effectiveDay: Day(dayNumber: 0), recordedAt: "", payload: "{}",
        previousHash: "", hash: "")

    /// The hash a chain starts from.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// The canonical encoding hashed for this event. Each field, in this fixed order, is written as
    /// `name:length:value\n` where length is the value's UTF-8 byte count, or `name:-\n` when the field is absent:
    /// previousHash, sequence, office, instance, workflow, workflowVersion, event, from, to, actor, role,
    /// effectiveDay (YYYY-MM-DD), recordedAt, payload; then, for an event of an office's own chain (one with an
    /// `officeSequence`), officeSequence, sealed and seal, so that a seal cannot be swapped without breaking the hash.
    /// An event written before the per-office chains has none of the three and hashes exactly as it did. Length
    /// prefixes make the encoding unambiguous whatever the values contain.
    public var canonicalEncoding: String {
        String(decoding: canonicalBytes, as: UTF8.self)
    }

    /// The canonical encoding as UTF-8 bytes, built without intermediate strings: it is hashed on every act.
    /// `canonicalEncodingTests` compare it with the string-built encoding it replaced, byte for byte.
    public var canonicalBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(520 + payload.utf8.count)
        func field(_ name: StaticString, _ value: String?) {
            out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            out.append(UInt8(ascii: ":"))
            guard let value else {
                out.append(UInt8(ascii: "-"))
                out.append(UInt8(ascii: "\n"))
                return
            }
            out.append(contentsOf: String(value.utf8.count).utf8)
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: value.utf8)
            out.append(UInt8(ascii: "\n"))
        }
        field("previousHash", previousHash)
        field("sequence", String(sequence))
        field("office", office)
        field("instance", instanceID)
        field("workflow", workflow)
        field("workflowVersion", workflowVersion.map(String.init))
        field("event", event)
        field("from", fromState)
        field("to", toState)
        field("actor", actor)
        field("role", role)
        field("effectiveDay", effectiveDay.iso)
        field("recordedAt", recordedAt)
        field("payload", payload)
        if let officeSequence {
            field("officeSequence", String(officeSequence))
            field("sealed", sealedRecord)
            field("seal", seal)
        }
        return out
    }

    /// SHA-256 of the canonical encoding, lowercase hex.
    public var computedHash: String {
        SHA256Hex.hex(SHA256.hash(data: canonicalBytes))
    }

    /// Canonical JSON for a payload: keys sorted, no insignificant whitespace.
    ///
    /// Byte for byte what `JSONEncoder` with `[.sortedKeys, .withoutEscapingSlashes]` wrote for a `[String: String]`
    /// on Linux when the chain began (keys in the lexicographic order of their UTF-8 bytes; the quote and the
    /// backslash escaped; control characters as `\b \f \n \r \t` or `\u00xx` in lowercase hex; everything else,
    /// `/` and non-ASCII included, as is), written by hand because building the encoder's containers cost more than the rest of the
    /// audit append. Every stored hash covers these bytes, so they must never change: `CanonicalPayloadTests`
    /// compare them with `JSONEncoder` over generated payloads.
    public static func canonicalPayload(_ payload: [String: String]) -> String {
        if payload.isEmpty { return "{}" }
        var out: [UInt8] = []
        out.reserveCapacity(payload.reduce(2) { $0 + $1.key.utf8.count + $1.value.utf8.count + 6 })
        out.append(UInt8(ascii: "{"))
        let sorted =
            payload.count == 1 ? Array(payload) : payload.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        for (index, (key, value)) in sorted.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendJSONString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            appendJSONString(value, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// A JSON string literal with `JSONEncoder`'s escapes (see `canonicalPayload`).
    private static func appendJSONString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0c: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0a: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0d: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x00...0x1f:
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0f)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Decodes a canonical payload back to its fields (empty for anything unreadable).
    public var payloadFields: [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data(payload.utf8))) ?? [:]
    }
}

/// The newest entry of the chain, written `SEQ:HASH`, which an office can minute outside the system and later
/// check the chain still reaches.
public struct AuditHead: Hashable, Sendable, CustomStringConvertible {
    public let sequence: Int64
    public let hash: String

    public init(sequence: Int64, hash: String) {
        self.sequence = sequence
        self.hash = hash
    }

    /// Parses `SEQ:HASH`.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].allSatisfy({ $0.isASCII && $0.isNumber }),
            let seq = Int64(parts[0]), parts[1].count == 64, parts[1].allSatisfy({ $0.isASCII && $0.isHexDigit })
        else { return nil }
        self.sequence = seq
        self.hash = parts[1].lowercased()
    }

    public var description: String { "\(sequence):\(hash)" }
}
