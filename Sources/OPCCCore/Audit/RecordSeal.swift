import Crypto

/// A record whose content the audit log seals: every event that changes it carries the SHA-256 of its content after
/// the change, so an edit made behind the product's back (raw SQL on the tables) no longer matches its last seal.
public enum SealedRecord: Hashable, Sendable, CustomStringConvertible {
    /// A decision record with its Part 2 (sealed by the SHA-256 of Part 2's content, never the content itself).
    case decision(String)
    /// A grant agreement with the allocations it pays.
    case agreement(String)
    /// A quarterly return with every version of its content.
    case quarterlyReturn(String)
    /// A carry-forward request.
    case carryForward(String)
    /// A person with their office and every role grant.
    case person(String)
    /// An office with its name, organisation id and profile.
    case office(String)
    /// A priority assessment (the `priority-selection` workflow's record) with its agencies, threats, harm scores,
    /// priorities, coverage, money links and board records.
    case priorityAssessment(String)
    /// An allocation of a strand's budget to a recipient under a decision.
    case allocation(String)
    /// A budget strand of one office and year, keyed `OFFICE/YEAR/STRAND` (its amount lives in the ledger, which
    /// `finance check` verifies against the postings' events).
    case strand(String)
    /// A VLI run with its pinned scheme and result, and the wards selected from it.
    case vliRun(String)
    /// A variation proposal on an agreement.
    case variation(String)
    /// The indicator values imported for one agreement (keyed by the agreement's id).
    case indicators(String)
    /// A document attached to a record: its metadata, with its bytes by SHA-256.
    case document(String)

    /// The kind as written in an event's `sealed_record` column.
    public var kind: String {
        switch self {
        case .decision: "decision"
        case .agreement: "agreement"
        case .quarterlyReturn: "return"
        case .carryForward: "carry-forward"
        case .person: "person"
        case .office: "office"
        case .priorityAssessment: "priority-assessment"
        case .allocation: "allocation"
        case .strand: "strand"
        case .vliRun: "vli-run"
        case .variation: "variation"
        case .indicators: "indicators"
        case .document: "document"
        }
    }

    /// The record's id (a person's sign-in name).
    public var id: String {
        switch self {
        case .decision(let id), .agreement(let id), .quarterlyReturn(let id), .carryForward(let id),
            .person(let id), .office(let id), .priorityAssessment(let id), .allocation(let id), .strand(let id),
            .vliRun(let id), .variation(let id), .indicators(let id), .document(let id):
            id
        }
    }

    /// `KIND:ID`, as stored in an event.
    public var key: String { "\(kind):\(id)" }

    /// Reads `KIND:ID` back; nil for anything else.
    public init?(key: String) {
        guard let colon = key.firstIndex(of: ":") else { return nil }
        let id = String(key[key.index(after: colon)...])
        guard !id.isEmpty else { return nil }
        switch key[..<colon] {
        case "decision": self = .decision(id)
        case "agreement": self = .agreement(id)
        case "return": self = .quarterlyReturn(id)
        case "carry-forward": self = .carryForward(id)
        case "person": self = .person(id)
        case "office": self = .office(id)
        case "priority-assessment": self = .priorityAssessment(id)
        case "allocation": self = .allocation(id)
        case "strand": self = .strand(id)
        case "vli-run": self = .vliRun(id)
        case "variation": self = .variation(id)
        case "indicators": self = .indicators(id)
        case "document": self = .document(id)
        default: return nil
        }
    }

    /// How a message names it: `decision cumbria-DR-0001`.
    public var description: String { "\(kind) \(id)" }
}

/// The content of one record at one moment as named fields in a fixed order, and its SHA-256: the seal.
///
/// The store decides which stored fields make up each kind (every field the product writes); this type fixes how
/// they are encoded so the seal written by `append` and the one `audit verify` recomputes are byte for byte the
/// same. Content that must never reach the audit log (Part 2) is added with `addDigest`: only its SHA-256 is sealed.
public struct RecordSeal: Hashable, Sendable {
    /// One named field; nil when absent (NULL), which encodes differently from an empty text.
    public struct Field: Hashable, Sendable {
        public let name: String
        public let value: String?
    }

    public let record: SealedRecord
    /// A human label for messages (a decision's number), not part of the seal.
    public var label: String?
    public private(set) var fields: [Field] = []

    public init(_ record: SealedRecord, label: String? = nil) {
        self.record = record
        self.label = label
    }

    /// Adds a field in the record's fixed order.
    public mutating func add(_ name: String, _ value: String?) {
        fields.append(Field(name: name, value: value))
    }

    /// Adds a whole number (pence, a year, a flag).
    public mutating func add(_ name: String, _ value: Int64?) {
        add(name, value.map { String($0) })
    }

    /// Adds the SHA-256 of `content` in place of the content itself (nil stays nil): for Part 2, whose text must
    /// never appear in an event, a seal or a log.
    public mutating func addDigest(_ name: String, of content: String?) {
        add(name, content.map { SHA256Hex.of($0) })
    }

    /// `record:LEN:KIND:ID\n`, then each field as `name:LEN:value\n` (LEN the value's UTF-8 byte count) or
    /// `name:-\n` when absent: the same length-prefixed shape as `AuditEvent.canonicalBytes`, unambiguous whatever
    /// the values hold.
    public var canonicalBytes: [UInt8] {
        var out: [UInt8] = []
        // Every field's bytes with room for its name and length prefix: one allocation, not one per doubling.
        out.reserveCapacity(fields.reduce(64) { $0 + $1.name.utf8.count + ($1.value?.utf8.count ?? 0) + 24 })
        func field(_ name: String, _ value: String?) {
            out.append(contentsOf: name.utf8)
            out.append(UInt8(ascii: ":"))
            guard let value else {
                out.append(contentsOf: [UInt8(ascii: "-"), UInt8(ascii: "\n")])
                return
            }
            out.append(contentsOf: String(value.utf8.count).utf8)
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: value.utf8)
            out.append(UInt8(ascii: "\n"))
        }
        field("record", record.key)
        for f in fields { field(f.name, f.value) }
        return out
    }

    /// SHA-256 of the canonical bytes, lowercase hex: what an event's `seal` holds.
    public var hash: String { SHA256Hex.hex(SHA256.hash(data: canonicalBytes)) }

    /// `hash` as its 64 ASCII bytes, without making a string: what `audit verify` compares with each record's last
    /// seal.
    public var hashHex: SIMD64<UInt8> {
        Self.hex(canonicalBytes.withUnsafeBytes { SHA256.hash(data: $0) })
    }

    /// A digest as the 64 ASCII bytes of its lowercase hexadecimal.
    static func hex(_ digest: SHA256.Digest) -> SIMD64<UInt8> {
        var hex = SIMD64<UInt8>()
        digest.withUnsafeBytes { bytes in
            for index in 0..<32 {
                hex[2 * index] = hexDigits[Int(bytes[index] >> 4)]
                hex[2 * index + 1] = hexDigits[Int(bytes[index] & 0x0f)]
            }
        }
        return hex
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// How a message names the record: `decision cumbria-DR-0001 (014/2016)`.
    public var name: String { label.map { "\(record) (\($0))" } ?? record.description }
}

/// A record's seal as `audit verify` compares it: the record, its label for messages and the seal's 64 hex bytes,
/// without the fields it was computed from.
public struct RecordSealHash: Sendable {
    public let record: SealedRecord
    public let label: String?
    public let hashHex: SIMD64<UInt8>

    public init(record: SealedRecord, label: String?, hashHex: SIMD64<UInt8>) {
        self.record = record
        self.label = label
        self.hashHex = hashHex
    }

    public init(_ seal: RecordSeal) {
        self.init(record: seal.record, label: seal.label, hashHex: seal.hashHex)
    }

    /// The seal as `RecordSeal.hash` writes it.
    public var hash: String { String(decoding: (0..<64).map { hashHex[$0] }, as: UTF8.self) }

    /// How a message names the record, as `RecordSeal.name`.
    public var name: String { label.map { "\(record) (\($0))" } ?? record.description }
}

/// Builds `RecordSeal.canonicalBytes` from fields given as bytes, into one buffer reused from record to record, and
/// hashes it: the same bytes and seal as a `RecordSeal` with the same fields, without a string per field (what
/// `audit verify` recomputes for hundreds of thousands of records).
public struct RecordSealEncoder {
    private var buffer: [UInt8] = []

    public init() { buffer.reserveCapacity(1_024) }

    /// Starts the record's encoding (its `record` line).
    public mutating func start(_ record: SealedRecord) {
        buffer.removeAll(keepingCapacity: true)
        var key = record.key
        key.withUTF8 { add("record", UnsafeRawBufferPointer($0)) }
    }

    /// A field given as its text's UTF-8 bytes; nil when absent.
    public mutating func add(_ name: String, _ value: UnsafeRawBufferPointer?) {
        buffer.append(contentsOf: name.utf8)
        buffer.append(UInt8(ascii: ":"))
        guard let value else {
            buffer.append(UInt8(ascii: "-"))
            buffer.append(UInt8(ascii: "\n"))
            return
        }
        buffer.append(contentsOf: String(value.count).utf8)
        buffer.append(UInt8(ascii: ":"))
        buffer.append(contentsOf: value)
        buffer.append(UInt8(ascii: "\n"))
    }

    /// A whole number, as `RecordSeal.add(_:_:)` writes one (its decimal text).
    public mutating func add(_ name: String, _ value: Int64) {
        var text = String(value)
        text.withUTF8 { add(name, UnsafeRawBufferPointer($0)) }
    }

    /// The seal of what was added since `start`, as its 64 hex bytes.
    public func hashHex() -> SIMD64<UInt8> {
        RecordSeal.hex(buffer.withUnsafeBytes { SHA256.hash(data: $0) })
    }
}
