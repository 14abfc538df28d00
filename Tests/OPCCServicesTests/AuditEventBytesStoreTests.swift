import Foundation
import GRDB
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

/// `audit verify` reads the log as bytes (`forEachAuditEventBytes`, in place on SQLite): each event's bytes must
/// hash as the `AuditEvent` read from the same row does, whatever its texts hold (text beyond ASCII, and on SQLite,
/// where a raw edit can store them, invalid UTF-8 and a NUL, which GRDB's strings repair and cut), on both engines.
@Suite("Audit verify: the log read as bytes is the log read as events")
struct AuditEventBytesStoreTests {
    /// Runs `sql` as an editor with raw access who turns the log's triggers off first.
    private func tamper(_ store: TestStore, _ sql: String) async throws {
        if let sqlite = store as? SQLiteStore {
            try await sqlite.writer.write { db in
                try db.execute(sql: "DROP TRIGGER IF EXISTS audit_event_is_never_updated")
                try db.execute(sql: sql)
            }
        } else {
            let url = try #require(store as? PostgresStore).displayURL
            try await offThePool {
                try PGConnection(url: url).executeScript(
                    "ALTER TABLE audit_event DISABLE TRIGGER USER;" + sql
                        + ";ALTER TABLE audit_event ENABLE TRIGGER USER;")
            }
        }
    }

    /// Each event's canonical bytes and fields as both readers give them, for `office` (every office when nil).
    private func bothReadings(
        _ app: Commissioning, office: String? = nil
    ) async throws -> (
        events: [[UInt8]], bytes: [[UInt8]], hashes: [String], byteHashes: [String]
    ) {
        try await app.store.read { tx in
            var events: [[UInt8]] = []
            var hashes: [String] = []
            try tx.forEachAuditEvent(office: office) { event in
                events.append(event.canonicalBytes)
                hashes.append(event.hash + "|" + (event.seal ?? "-") + "|" + (event.sealedRecord ?? "-"))
                return true
            }
            var bytes: [[UInt8]] = []
            var byteHashes: [String] = []
            var encoder = AuditCanonicalEncoder()
            try tx.forEachAuditEventBytes(office: office) { event in
                bytes.append(encoder.encode(event))
                let text = { (b: UnsafeRawBufferPointer?) in b.map { String(decoding: $0, as: UTF8.self) } ?? "-" }
                byteHashes.append(text(event.hash) + "|" + text(event.seal) + "|" + text(event.sealedRecord))
                return true
            }
            return (events, bytes, hashes, byteHashes)
        }
    }

    @Test(arguments: TestEngine.all) func theDemosLogReadsTheSameBothWays(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine, returns: true)
        for office in [nil, "cumbria"] as [String?] {
            let read = try await bothReadings(app, office: office)
            #expect(read.events.count > 20)
            #expect(read.events == read.bytes)
            #expect(read.hashes == read.byteHashes)
        }
    }

    @Test(arguments: TestEngine.all) func textBeyondASCIIReadsTheSameBothWays(engine: TestEngine) async throws {
        let (app, store) = try await demoApp(engine: engine)
        let last = try await app.store.read { try $0.auditHead().sequence }
        try await tamper(
            store,
            "UPDATE audit_event SET payload = '{\"reason\":\"£5 for Zoë 😀 中\"}', actor = 'zoë.müller' "
                + "WHERE seq = \(last)")
        let read = try await bothReadings(app)
        #expect(read.events == read.bytes)
        let verification = try await app.verifyAudit()
        #expect(verification.problems == ["event \(last): its contents do not match its hash (a field was edited)"])
    }

    /// Bytes only a raw edit of a SQLite file can store: GRDB reads them as a string repaired and cut at the NUL,
    /// and the bytes read must be that string's.
    @Test func invalidUTF8AndANulReadAsGRDBsStringsDo() async throws {
        let (app, store) = try await demoApp(engine: .sqlite)
        let last = try await app.store.read { try $0.auditHead().sequence }
        try await tamper(
            store,
            "UPDATE audit_event SET actor = CAST(x'41ff42c3' AS TEXT), role = NULL, "
                + "recorded_at = CAST(x'3230313600787878' AS TEXT), "
                + "event = CAST(x'f18080e282ac' AS TEXT) WHERE seq = \(last)")
        let read = try await bothReadings(app)
        #expect(read.events == read.bytes)
        #expect(read.hashes == read.byteHashes)
        let text = String(decoding: try #require(read.bytes.last), as: UTF8.self)
        #expect(text.contains("actor:8:A\u{FFFD}B\u{FFFD}\n"))
        #expect(text.contains("recordedAt:4:2016\n"))
        #expect(text.contains("event:6:\u{FFFD}€\n"))
        let verification = try await app.verifyAudit()
        #expect(verification.problems == ["event \(last): its contents do not match its hash (a field was edited)"])
    }
}
