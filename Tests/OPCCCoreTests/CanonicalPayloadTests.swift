import Foundation
import PropertyBased
import Testing

@testable import OPCCCore

/// The audit chain hashes the canonical payload and the canonical encoding of every event: the hand-written
/// encoders must give the very bytes the earlier ones gave (`JSONEncoder`, and the encoding built by string
/// interpolation), or every stored chain would stop verifying.
@Suite("Audit chain: the hand-written encoders give the earlier bytes")
struct CanonicalPayloadTests {
    /// The encoder the chain began with.
    static func jsonEncoderPayload(_ payload: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try! encoder.encode(payload), as: UTF8.self)
    }

    /// The canonical encoding as it was first written, by string interpolation.
    static func interpolatedEncoding(_ e: AuditEvent) -> String {
        let fields: [(String, String?)] = [
            ("previousHash", e.previousHash), ("sequence", String(e.sequence)), ("office", e.office),
            ("instance", e.instanceID), ("workflow", e.workflow),
            ("workflowVersion", e.workflowVersion.map(String.init)),
            ("event", e.event), ("from", e.fromState), ("to", e.toState), ("actor", e.actor), ("role", e.role),
            ("effectiveDay", e.effectiveDay.iso), ("recordedAt", e.recordedAt), ("payload", e.payload),
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

    /// Characters that exercise every escape and every ordering question: controls, quote, backslash, slash, DEL,
    /// upper and lower case, digits, Latin-1, a combining accent, line and paragraph separators, an emoji and a
    /// CJK character (three- and four-byte UTF-8), and keys differing only by case or by length.
    static let palette: [Unicode.Scalar] =
        (0x00...0x20).map { Unicode.Scalar(UInt8($0)) }
        + [
            "\"", "\\", "/", "\u{7F}", "a", "b", "z", "A", "B", "Z", "0", "1", "9", "-", "_", ".", ":", "{", "}", "é",
            "ß",
            "\u{0301}", "\u{2028}", "\u{2029}", "\u{FEFF}", "€", "😀", "中", "\u{10FFFF}",
        ]

    static let text = Gen.int(in: 0...(palette.count - 1)).array(of: 0...8)
        .map { indexes in String(String.UnicodeScalarView(indexes.map { palette[$0] })) }

    static let payload = zip(text, text).array(of: 0...6)
        .map { pairs in Dictionary(pairs, uniquingKeysWith: { first, _ in first }) }

    @Test func theHandWrittenPayloadEncoderWritesWhatJSONEncoderWrote() async {
        await propertyCheck(count: 2_000, input: Self.payload) { payload in
            #expect(AuditEvent.canonicalPayload(payload) == Self.jsonEncoderPayload(payload))
        }
    }

    @Test(
        arguments: [
            [:],
            ["reason": "figures missing"],
            ["reason": "a/b", "number": "014/2016"],
            ["B": "upper", "a": "lower", "b": "lower", "A": "upper"],
            ["a10": "1", "a9": "2", "a": "3", "": "empty key"],
            ["quote": "say \"no\"", "back": "C:\\temp", "controls": "\u{0}\u{1}\u{8}\u{9}\u{A}\u{C}\u{D}\u{1F}\u{7F}"],
            ["accent": "Zoë", "combining": "Zoe\u{0301}", "emoji": "😀", "separators": "\u{2028}\u{2029}"],
            ["effects": "release-payment(agreement=GA-1, instalment=2)", "exceptions": "rule: message; other: text"],
        ] as [[String: String]])
    func workedPayloadsEncodeAsJSONEncoderDid(payload: [String: String]) {
        #expect(AuditEvent.canonicalPayload(payload) == Self.jsonEncoderPayload(payload))
    }

    @Test func theByteBuiltEncodingIsTheInterpolatedOne() async {
        let optionalText = zip(Self.text, Gen.bool).map { text, present in present ? text : nil }
        let events = zip(
            Gen.int64(in: 1...Int64.max), Self.text, optionalText, optionalText, Gen.int(in: 1...40),
            Self.payload, Gen.int(in: 0...100_000))
        await propertyCheck(count: 500, input: events) { sequence, text, from, to, version, payload, dayNumber in
            let e = AuditEvent(
                sequence: sequence, office: text, instanceID: from, workflow: to,
                workflowVersion: from == nil ? nil : version,
                event: text + "e", fromState: from, toState: to, actor: text + "a", role: to,
                effectiveDay: Day(dayNumber: dayNumber), recordedAt: text,
                payload: AuditEvent.canonicalPayload(payload),
                previousHash: AuditEvent.genesisHash, hash: "")
            let old = Self.interpolatedEncoding(e)
            #expect(e.canonicalEncoding == old)
            #expect(e.canonicalBytes == Array(old.utf8))
            #expect(e.computedHash == SHA256Hex.of(old))
        }
    }

    /// A payload and hash written out independently of both implementations (by the format's definition), as a
    /// fixed point that neither a change to the encoders nor to the toolchain's JSONEncoder can move silently.
    @Test func aHashWrittenOutByHandStillVerifies() {
        let e = AuditEvent(
            sequence: 42, office: "cumbria", instanceID: "QR-1", workflow: "quarterly-return", workflowVersion: 1,
            event: "return-for-revision", fromState: "submitted", toState: "returned-for-revision",
            actor: "cumbria.finance", role: "finance", effectiveDay: try! Day(iso: "2016-07-25"),
            recordedAt: "2016-07-25T11:00:00.000Z",
            payload: AuditEvent.canonicalPayload(["reason": "figures \"missing\"/late", "effects": "notify(to=board)"]),
            previousHash: String(repeating: "a", count: 64), hash: "")
        #expect(e.payload == #"{"effects":"notify(to=board)","reason":"figures \"missing\"/late"}"#)
        #expect(e.computedHash == "c4a6bedbda55101e66a1b4d1a17b1a3bffcf31a2fdac5e4285109df7a8ff4e0a")
    }
}
