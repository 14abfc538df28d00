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

    public init(
        sequence: Int64, office: String, instanceID: String?, workflow: String?, workflowVersion: Int?, event: String,
        fromState: String?, toState: String?, actor: String, role: String?, effectiveDay: Day, recordedAt: String,
        payload: String, previousHash: String, hash: String
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
    /// effectiveDay (YYYY-MM-DD), recordedAt, payload. Length prefixes make the encoding unambiguous whatever the
    /// values contain.
    public var canonicalEncoding: String {
        let fields: [(String, String?)] = [
            ("previousHash", previousHash), ("sequence", String(sequence)), ("office", office),
            ("instance", instanceID), ("workflow", workflow), ("workflowVersion", workflowVersion.map(String.init)),
            ("event", event), ("from", fromState), ("to", toState), ("actor", actor), ("role", role),
            ("effectiveDay", effectiveDay.iso), ("recordedAt", recordedAt), ("payload", payload),
        ]
        var text = ""
        for (name, value) in fields {
            if let value {
                text += "\(name):\(value.utf8.count):\(value)\n"
            } else {
                text += "\(name):-\n"
            }
        }
        return text
    }

    /// SHA-256 of the canonical encoding, lowercase hex.
    public var computedHash: String {
        SHA256Hex.of(canonicalEncoding)
    }

    /// Canonical JSON for a payload: keys sorted, no insignificant whitespace.
    public static func canonicalPayload(_ payload: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a [String: String] cannot fail.
        return String(decoding: try! encoder.encode(payload), as: UTF8.self)
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
