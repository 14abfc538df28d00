import Foundation
import GRDB
import OPCCCore

extension Migrations {
    /// One audit chain per office, and a seal of the changed record's content in every event (see
    /// `AuditChainVerifier` and `RecordSeal`). The old events keep their hashes and stay one global chain. In a
    /// database that has events, each office's chain starts with a `chain-started` event that links to, and cites,
    /// the global chain's last hash, followed by one `sealed` event per record of the office as it stands, so that
    /// the database verifies after the migration and any later edit behind the product's back shows.
    ///
    /// Unlike the other migrations this one runs Swift code (hashing cannot be done in SQL): the seal encoding it
    /// writes is the one `SQLiteStore+Seals.swift` defines, so that file's kinds must only ever grow by new
    /// migrations that seal again.
    static func officeChainsAndSeals(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE audit_event ADD COLUMN office_seq INTEGER CHECK (office_seq IS NULL OR office_seq >= 1);
                ALTER TABLE audit_event ADD COLUMN sealed_record TEXT
                    CHECK (sealed_record IS NULL OR sealed_record GLOB '?*:?*');
                ALTER TABLE audit_event ADD COLUMN seal TEXT CHECK (seal IS NULL OR length(seal) = 64);
                CREATE UNIQUE INDEX audit_event_office_chain ON audit_event(office_id, office_seq);
                CREATE INDEX audit_event_global_chain ON audit_event(seq) WHERE office_seq IS NULL;
                CREATE INDEX audit_event_sealed ON audit_event(sealed_record, seq) WHERE event = 'sealed';
                """)
        try SQLTransaction(sql: GRDBSession(db: db)).startOfficeChains(at: Date())
    }
}

extension Migrations {
    /// Seals the rows of the kinds sealed since the first sealing migration (priority assessments, allocations,
    /// budget strands, VLI runs, variation proposals, indicator values): one `sealed` event per record in its
    /// office's chain, so an existing database verifies after it. A record an event already sealed (a database that
    /// ran both migrations at once seals every kind in the first) is left alone.
    static func laterSeals(_ db: Database) throws {
        let transaction = SQLTransaction(sql: GRDBSession(db: db))
        // A database without events has no records yet: each is sealed by the act that writes it.
        guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM audit_event)") == true else { return }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let recordedAt = formatter.string(from: Date())
        let day = Day(containing: Date())
        let sealed = Set(
            try String.fetchAll(
                db, sql: "SELECT DISTINCT sealed_record FROM audit_event WHERE sealed_record IS NOT NULL"))
        for office in try String.fetchAll(db, sql: "SELECT id FROM office ORDER BY id") {
            for seal in try transaction.laterKindSeals(office: office) where !sealed.contains(seal.record.key) {
                let draft = AuditEventDraft(
                    office: office, event: "sealed", actor: "opcc-system", effectiveDay: day, recordedAt: recordedAt,
                    payload: ["record": seal.record.key])
                _ = try transaction.append(draft, sealed: (seal.record, seal.hash))
            }
        }
    }
}

extension SQLTransaction {
    /// Starts every office's chain from the global chain's head and seals every record as it stands. Does nothing in
    /// a database without events (each office's first event then starts its chain from the genesis hash).
    func startOfficeChains(at instant: Date) throws {
        let global = try globalChainHead()
        guard global.sequence > 0 else { return }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let recordedAt = formatter.string(from: instant)
        let day = Day(containing: instant)
        let offices = try fetchValues(String.self, sql: "SELECT id FROM office ORDER BY id")
        for office in offices {
            for (index, seal) in try firstKindSeals(office: office).enumerated() {
                // The office's own seal comes first, so its first event is the one that starts the chain.
                let draft = AuditEventDraft(
                    office: office, event: index == 0 ? "chain-started" : "sealed", actor: "opcc-system",
                    effectiveDay: day, recordedAt: recordedAt,
                    payload: index == 0 ? ["globalHead": global.description] : ["record": seal.record.key])
                _ = try append(draft, sealed: (seal.record, seal.hash))
            }
        }
    }
}
