import Crypto
import Foundation
import PropertyBased
import Testing

@testable import OPCCCore

/// `audit verify` hashes each event from its fields' bytes (`AuditEventBytes`, `AuditCanonicalEncoder`) and each
/// record's seal to 64 bytes (`RecordSeal.hashHex`): the same bytes and hashes as the string-built `AuditEvent` and
/// `RecordSeal`, whatever text the fields hold.
@Suite("Audit chain: the byte-level encoder gives the event's bytes")
struct AuditEventBytesTests {
    static let optionalText = zip(CanonicalPayloadTests.text, Gen.bool).map { text, present in present ? text : nil }

    static let events = zip(
        zip(Gen.int64(in: Int64.min...Int64.max), CanonicalPayloadTests.text, optionalText, optionalText),
        zip(Gen.int(in: Int.min...Int.max), CanonicalPayloadTests.payload, Gen.int(in: 0...2_900_000)),
        zip(Gen.int64(in: Int64.min...Int64.max), Gen.bool, optionalText, CanonicalPayloadTests.text)
    ).map { first, second, third in
        let (sequence, text, from, to) = first
        let (version, payload, dayNumber) = second
        let (officeSequence, officeChain, sealed, hash) = third
        return AuditEvent(
            sequence: sequence, office: text, instanceID: from, workflow: to,
            workflowVersion: from == nil ? nil : version, event: text + "e", fromState: from, toState: to,
            actor: text + "a", role: to, effectiveDay: Day(dayNumber: dayNumber), recordedAt: to ?? text,
            payload: AuditEvent.canonicalPayload(payload), previousHash: hash, hash: text,
            officeSequence: officeChain ? officeSequence : nil, sealedRecord: sealed, seal: from)
    }

    @Test func theByteEncoderWritesTheEventsCanonicalBytes() async {
        await propertyCheck(count: 1_000, input: Self.events) { event in
            var encoder = AuditCanonicalEncoder()
            let bytes = event.withBytes { encoder.encode($0) }
            #expect(bytes == event.canonicalBytes)
            let digest = event.withBytes { encoder.digest($0) }
            #expect(SHA256Hex.hex(digest) == event.computedHash)
            #expect(Array(event.computedHash.utf8).withUnsafeBytes { AuditCanonicalEncoder.isHex($0, of: digest) })
            #expect(!Array(event.hash.utf8).withUnsafeBytes { AuditCanonicalEncoder.isHex($0, of: digest) })
        }
    }

    /// An encoder reused from a long event to a short one writes each as if new (the buffer is reused, not kept).
    @Test func aReusedEncoderForgetsTheEventBefore() {
        let long = AuditEvent(
            sequence: Int64.max, office: String(repeating: "é", count: 3_000), instanceID: "I-1", workflow: "w",
            workflowVersion: Int.min, event: "e", fromState: nil, toState: "s", actor: "a", role: nil,
            effectiveDay: Day(dayNumber: 0), recordedAt: "t", payload: "{}", previousHash: "p", hash: "h",
            officeSequence: Int64.min, sealedRecord: "decision:1", seal: nil)
        let short = AuditEvent(
            sequence: -1, office: "o", instanceID: nil, workflow: nil, workflowVersion: nil, event: "e",
            fromState: nil, toState: nil, actor: "a", role: nil, effectiveDay: Day(dayNumber: -1), recordedAt: "",
            payload: "", previousHash: "", hash: "")
        var encoder = AuditCanonicalEncoder()
        for event in [long, short, long] {
            #expect(event.withBytes { encoder.encode($0) } == event.canonicalBytes)
        }
    }

    static let seals = zip(CanonicalPayloadTests.text, zip(CanonicalPayloadTests.text, optionalText).array(of: 0...12))
        .map { id, fields in
            var seal = RecordSeal(.decision(id + "x"))
            for (name, value) in fields { seal.add(name, value) }
            return seal
        }

    @Test func aSealsHexBytesAreItsHash() async {
        await propertyCheck(count: 1_000, input: Self.seals) { seal in
            let hex = seal.hashHex
            #expect((0..<64).map { hex[$0] } == Array(seal.hash.utf8))
            #expect(seal.hash == SHA256Hex.hex(SHA256.hash(data: seal.canonicalBytes)))
        }
    }
}
