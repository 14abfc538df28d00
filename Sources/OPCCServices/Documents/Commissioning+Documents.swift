import Foundation
import OPCCCore
import OPCCStore

/// Documents attached to records (decision records, grant agreements, quarterly returns, carry-forward requests):
/// sealed by SHA-256, attached and withdrawn as audited acts, published only
/// where Part 1 allows. The bytes are stored first, outside the transaction (content-addressed, so bytes whose
/// metadata never committed are a harmless orphan); the metadata row and its event commit together.
extension Commissioning {
    /// A file to attach, as the front end received it.
    public struct DocumentUpload: Sendable {
        public var file: URL
        /// The name to show (cleaned here); the file's own name when nil.
        public var name: String?
        public var kind: DocumentKind
        public var part: DocumentPart
        /// The document this one is a new version of.
        public var replacing: String?
        public var sizeLimitBytes: Int64

        public init(
            file: URL, name: String? = nil, kind: DocumentKind, part: DocumentPart, replacing: String? = nil,
            sizeLimitBytes: Int64 = DocumentRules.defaultSizeLimitBytes
        ) {
            self.file = file
            self.name = name
            self.kind = kind
            self.part = part
            self.replacing = replacing
            self.sizeLimitBytes = sizeLimitBytes
        }
    }

    /// Attaches a file to a decision record (by its number or id): `attachDocument(to: .decision(…), …)`.
    public func attachDocument(
        to reference: String, office: String? = nil, _ upload: DocumentUpload, by actorName: String,
        on day: Day? = nil
    ) async throws -> StoredDocument {
        try await attachDocument(to: .decision(reference, office: office), upload, by: actorName, on: day)
    }

    /// Attaches a file to a record: checked (who, the kind and part the record takes, type by content, size, name),
    /// stored by SHA-256, then recorded with a `document-attached` event on the record's instance carrying its hash
    /// and size. A refused file changes nothing.
    public func attachDocument(
        to ref: DocumentRecordRef, _ upload: DocumentUpload, by actorName: String, on day: Day? = nil
    ) async throws -> StoredDocument {
        try await store.read { tx in
            let (holder, _) = try documentRecord(ref, by: actorName, in: tx)
            try Self.checkDocumentFits(upload, on: holder.kind)
        }
        let inspected: DocumentInspection
        do {
            inspected = try await DocumentInspection.inspect(
                upload.file, name: upload.name ?? upload.file.lastPathComponent, limitBytes: upload.sizeLimitBytes)
        } catch let refusal as DocumentRefusal {
            throw ServiceRefusal(coreRule: refusal.rule, message: refusal.description)
        }
        try await documentFiles.put(
            sha256: inspected.sha256, sizeBytes: inspected.sizeBytes, contentsOf: upload.file)
        return try await store.write { tx in
            let (holder, role) = try documentRecord(ref, by: actorName, in: tx)
            if let old = upload.replacing {
                guard let replaced = try tx.document(id: old), replaced.recordID == holder.id else {
                    throw ServiceRefusal.notFound(
                        rule: .knownDocument, message: "\(holder.kind.label) \(holder.label) has no document '\(old)'")
                }
                guard replaced.isCurrent else {
                    throw ServiceRefusal(
                        rule: .documentCurrent,
                        message: "document \(old) was already replaced or withdrawn: replace its current version")
                }
            }
            let document = StoredDocument(
                id: "\(holder.id)-D\(try tx.documentCount(recordID: holder.id) + 1)", office: holder.office,
                recordKind: holder.kind, recordID: holder.id, kind: upload.kind, part: upload.part,
                name: inspected.name, type: inspected.type, sizeBytes: inspected.sizeBytes, sha256: inspected.sha256,
                uploadedBy: actorName, attachedAt: clock.timestamp(), supersedes: upload.replacing)
            try tx.insertDocument(document)
            var payload = [
                "record": holder.label, "document": document.id, "sha256": document.sha256,
                "sizeBytes": String(document.sizeBytes), "kind": document.kind.rawValue,
                "part": String(document.part.rawValue), "type": document.type.rawValue,
            ]
            payload["replaces"] = upload.replacing
            try tx.append(
                documentEvent(
                    "document-attached", on: holder, by: actorName, role: role, day: day, payload: payload,
                    sealing: document.id))
            return document
        }
    }

    /// The kinds a record takes, and Part 1 only on a record that publishes (a decision record).
    static func checkDocumentFits(_ upload: DocumentUpload, on kind: DocumentRecordKind) throws {
        guard kind.kinds.contains(upload.kind) else {
            throw ServiceRefusal(
                rule: .documentKindForRecord,
                message: "a \(kind.label) takes documents of the kinds "
                    + kind.kinds.map(\.rawValue).joined(separator: ", ") + ", not \(upload.kind.rawValue)")
        }
        guard kind.publishes || upload.part == .part2 else {
            throw ServiceRefusal(
                rule: .documentStaffOnly,
                message: "a \(kind.label)'s documents are staff-only (nothing of it is published): attach it as "
                    + "Part 2")
        }
    }

    /// Withdraws a document with a reason: it leaves every public place at once. With `purge`, which only the
    /// office's Part 2 readers may ask for, its bytes are removed too (unless another document holds the same
    /// bytes); the row, its hash and the reason stay.
    public func withdrawDocument(
        _ documentID: String, reason: String, purge: Bool = false, by actorName: String, on day: Day? = nil
    ) async throws -> StoredDocument {
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw ServiceRefusal(
                rule: .documentWithdrawalReason, message: "say why the document is withdrawn (--reason TEXT)")
        }
        // The text check every reason passes (controls and bidirectional overrides refused, at most 1,000
        // characters): a reason is published in the audit log and refused text must never reach the store.
        let reason = try checkedText(trimmed, "reason", .short)
        let (withdrawn, removeBytes) = try await store.write { tx in
            let document = try ownDocument(documentID, by: actorName, in: tx)
            let (holder, role) = try documentRecord(
                DocumentRecordRef(document.recordKind, document.recordID, office: document.office), by: actorName,
                in: tx)
            guard document.withdrawnAt == nil else {
                throw ServiceRefusal(rule: .documentCurrent, message: "document \(documentID) is already withdrawn")
            }
            if purge {
                let readers = try profile(of: holder.office, in: tx).part2Readers
                let person = try actor(named: actorName, in: tx)
                guard readers.contains(where: person.actor.roles(covering: holder.scope).contains) else {
                    throw ServiceRefusal.forbidden(
                        rule: .documentPurgeByPart2Readers,
                        message: "a document's bytes are purged only by "
                            + readers.map(\.rawValue).joined(separator: ", ") + " of \(holder.office)")
                }
            }
            try tx.withdrawDocument(
                id: documentID, at: clock.timestamp(), by: actorName, reason: reason, purged: purge)
            try tx.append(
                documentEvent(
                    "document-withdrawn", on: holder, by: actorName, role: role, day: day,
                    payload: [
                        "record": holder.label, "document": documentID, "sha256": document.sha256,
                        "sizeBytes": String(document.sizeBytes), "purged": purge ? "true" : "false",
                    ], sealing: documentID))
            let needed = try tx.documentBytesNeeded(sha256: document.sha256)
            let removeBytes = purge && !needed
            return (try tx.document(id: documentID)!, removeBytes ? document.sha256 : nil)
        }
        if let sha256 = removeBytes { try await documentFiles.purge(sha256: sha256) }
        return withdrawn
    }

    /// A decision record's documents as `actorName` sees them: `documents(of: .decision(…), by:)`.
    public func documents(
        of reference: String, office: String? = nil, by actorName: String?
    ) async throws -> [StoredDocument] {
        try await documents(of: .decision(reference, office: office), by: actorName)
    }

    /// A record's documents as `actorName` may see them: a decision record's staff see every version and
    /// withdrawal, Part 2 ones only if they read Part 2, and anyone else (the public when nil) the current Part 1
    /// documents of a published record, nothing of one that is not published; a staff-only record's readers see
    /// every version, and to anyone else the record is not there.
    public func documents(of ref: DocumentRecordRef, by actorName: String?) async throws -> [StoredDocument] {
        try await store.read { tx in
            let holder = try documentHolder(ref, in: tx)
            let all = try tx.documents(recordID: holder.id)
            switch try documentAccess(holder, by: actorName, in: tx) {
            case .staff(let readsPart2): return all.filter { $0.part == .part1 || readsPart2 }
            case .reader: return all
            case .outside:
                guard holder.kind.publishes else { throw unknownRecord(ref) }
                guard holder.published else { return [] }
                return all.filter { $0.part == .part1 && $0.isCurrent }
            }
        }
    }

    /// A document's bytes for `actorName` (the public when nil), a chunk at a time: a published record's current
    /// Part 1 documents for anyone; any version for the office's staff; a decision record's Part 2 ones for its
    /// Part 2 readers only, each such read an audited `document-read` event; a staff-only record's for its readers.
    /// Returns the document read.
    public func downloadDocument(
        _ documentID: String, by actorName: String?, on day: Day? = nil, _ chunk: @Sendable (Data) throws -> Void
    ) async throws -> StoredDocument {
        // Checked in a read first, so a read-only copy serves Part 1 and staff-only records; only a decision record's
        // Part 2 read writes (its audit event).
        var document = try await store.read { tx in
            try documentForReading(documentID, by: actorName, day: day, audited: false, in: tx)
        }
        if document.part == .part2, document.recordKind.publishes {
            document = try await store.write { tx in
                try documentForReading(documentID, by: actorName, day: day, audited: true, in: tx)
            }
        }
        guard try await documentFiles.read(sha256: document.sha256, chunk) else {
            throw ServiceRefusal.notFound(
                rule: .knownDocument, message: "document \(documentID)'s file is missing: run 'opcc audit verify'")
        }
        return document
    }

    /// Each stored file that is missing or no longer the one attached (its SHA-256 or size differs), by document.
    func documentFileProblems(office: String?) async throws -> [String] {
        let documents = try await store.read { try $0.documents(office: office) }
        var problems: [String] = []
        for document in documents where !document.purged {
            guard let digest = try await documentFiles.storedDigest(sha256: document.sha256) else {
                problems.append("document \(document.id): its file is missing from \(documentFiles.location)")
                continue
            }
            if digest.sha256 != document.sha256 || digest.sizeBytes != document.sizeBytes {
                problems.append(
                    "document \(document.id): its stored file is not the one attached (SHA-256 \(digest.sha256), "
                        + "\(digest.sizeBytes) bytes; attached \(document.sha256), \(document.sizeBytes) bytes)")
            }
        }
        return problems
    }
}
