import Foundation
import OPCCCore

/// Documents' metadata rows, their seals, and the bytes' chunks for `DatabaseDocumentFiles`.
extension SQLTransaction {
    func insertDocument(_ d: StoredDocument) throws {
        do {
            try guarded {
                try execute(
                    sql: """
                        INSERT INTO document (id, office_id, record_kind, record_id, kind, part, name, type, size_bytes,
                            sha256, uploaded_by, attached_at, supersedes)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        d.id, d.office, d.recordKind.rawValue, d.recordID, d.kind.rawValue, d.part.rawValue, d.name,
                        d.type.rawValue,
                        d.sizeBytes, d.sha256, d.uploadedBy, d.attachedAt, d.supersedes,
                    ])
            }
        } catch SQLFailure.constraint(.unique) {
            throw StoreError.duplicate(what: "document '\(d.id)' or a second version of '\(d.supersedes ?? "")'")
        }
        noteWritten(.document(d.id))
        if let old = d.supersedes {
            let changed = try execute(
                sql: "UPDATE document SET superseded_by = ? WHERE id = ? AND superseded_by IS NULL",
                arguments: [d.id, old])
            guard changed == 1 else { throw StoreError.duplicate(what: "a newer version of document '\(old)'") }
            noteWritten(.document(old))
        }
    }

    func document(id: String) throws -> StoredDocument? {
        try fetchFirst(sql: "SELECT * FROM document WHERE id = ?", arguments: [id], Self.document(from:))
    }

    func documents(recordID: String) throws -> [StoredDocument] {
        try fetchAllRows(
            sql: "SELECT * FROM document WHERE record_id = ? ORDER BY attached_at, id",
            arguments: [recordID]
        ).map(Self.document(from:))
    }

    func documents(office: String?) throws -> [StoredDocument] {
        try fetchAllRows(
            sql: "SELECT * FROM document WHERE CAST(? AS TEXT) IS NULL OR office_id = ? ORDER BY id",
            arguments: [office, office]
        ).map(Self.document(from:))
    }

    func documentCount(recordID: String) throws -> Int {
        try fetchValue(Int.self, sql: "SELECT count(*) FROM document WHERE record_id = ?", arguments: [recordID]) ?? 0
    }

    func withdrawDocument(id: String, at: String, by: String, reason: String, purged: Bool) throws {
        let changed = try execute(
            sql: """
                UPDATE document SET withdrawn_at = ?, withdrawn_by = ?, withdrawal_reason = ?, purged = ?
                WHERE id = ? AND withdrawn_at IS NULL
                """, arguments: [at, by, reason, purged, id])
        guard changed == 1 else { throw StoreError.notFound(what: "document '\(id)' not yet withdrawn") }
        noteWritten(.document(id))
    }

    /// Whether any document not purged still needs these bytes.
    func documentBytesNeeded(sha256: String) throws -> Bool {
        try fetchValue(
            Int.self, sql: "SELECT count(*) FROM document WHERE sha256 = ? AND purged = 0", arguments: [sha256]) ?? 0
            > 0
    }

    /// The instance of the record a document is attached to: its events are that instance's (a decision record's
    /// instance, or the agreement, return or carry-forward whose instance has the record's id).
    func documentInstanceID(documentID: String) throws -> String? {
        try fetchValue(
            String.self,
            sql: """
                SELECT COALESCE(r.instance_id, d.record_id) FROM document d
                LEFT JOIN decision_record r ON d.record_kind = 'decision' AND r.id = d.record_id WHERE d.id = ?
                """, arguments: [documentID])
    }

    static let documentColumns = [
        "id", "office_id", "record_kind", "record_id", "kind", "part", "name", "type", "size_bytes", "sha256",
        "uploaded_by", "attached_at", "supersedes", "superseded_by", "withdrawn_at", "withdrawn_by",
        "withdrawal_reason", "purged",
    ]

    func documentSeals(where condition: String, _ arguments: SQLArguments) throws -> [RecordSeal] {
        try simpleSeals(Self.documentColumns, table: "document", where: condition, arguments) { _ in
        } make: {
            .document($0)
        }
    }

    func documentSeals(office: String?) throws -> [RecordSeal] {
        try documentSeals(where: office == nil ? "1 = 1" : "office_id = ?", office.map { [$0] } ?? [])
    }

    private static func document(from row: SQLRow) throws -> StoredDocument {
        let kind: String = row["kind"]
        let type: String = row["type"]
        let part: Int = row["part"]
        let recordKind: String = row["record_kind"]
        guard let kind = DocumentKind(rawValue: kind), let type = DocumentType(rawValue: type),
            let part = DocumentPart(rawValue: part), let recordKind = DocumentRecordKind(rawValue: recordKind)
        else { throw StoreError.invalidData(what: "document \(row["id"] as String)") }
        return StoredDocument(
            id: row["id"], office: row["office_id"], recordKind: recordKind, recordID: row["record_id"], kind: kind,
            part: part,
            name: row["name"], type: type, sizeBytes: row["size_bytes"], sha256: row["sha256"],
            uploadedBy: row["uploaded_by"], attachedAt: row["attached_at"], supersedes: row["supersedes"],
            supersededBy: row["superseded_by"], withdrawnAt: row["withdrawn_at"], withdrawnBy: row["withdrawn_by"],
            withdrawalReason: row["withdrawal_reason"], purged: row["purged"] as Int != 0)
    }

    // MARK: The bytes, in the database

    func documentBlob(sha256: String) throws -> (sizeBytes: Int64, chunkCount: Int)? {
        try fetchFirst(
            sql: "SELECT size_bytes, chunk_count FROM document_blob WHERE sha256 = ?", arguments: [sha256]
        ) { ($0[0], $0[1]) }
    }

    func insertDocumentBlob(sha256: String, sizeBytes: Int64, chunkCount: Int) throws {
        try execute(
            sql: "INSERT INTO document_blob (sha256, size_bytes, chunk_count) VALUES (?, ?, ?)",
            arguments: [sha256, sizeBytes, chunkCount])
    }

    func insertDocumentChunk(sha256: String, n: Int, data: Data) throws {
        try execute(
            sql: "INSERT INTO document_blob_chunk (sha256, n, data) VALUES (?, ?, ?)",
            arguments: [sha256, n, data.base64EncodedString()])
    }

    func documentChunk(sha256: String, n: Int) throws -> Data? {
        try fetchValue(
            String.self, sql: "SELECT data FROM document_blob_chunk WHERE sha256 = ? AND n = ?", arguments: [sha256, n]
        ).flatMap { Data(base64Encoded: $0) }
    }

    func deleteDocumentBlob(sha256: String) throws {
        try execute(sql: "DELETE FROM document_blob_chunk WHERE sha256 = ?", arguments: [sha256])
        try execute(sql: "DELETE FROM document_blob WHERE sha256 = ?", arguments: [sha256])
    }
}
