import Crypto
import Foundation
import OPCCCore
import OPCCStore
import ZIPFoundation

/// Leaving: one office's records, money, returns, documents and audit chain as a folder another database can take in
/// (`opcc export office`, `opcc import office`; the format is docs/office-bundle.md).
///
/// The office's events travel verbatim, with their numbers in the whole log (`seq`, which each event's hash
/// covers): the receiving database keeps them, so every hash, every seal and the chain's head are the same there.
/// An office whose chain begins in the older global chain (a database from before 2026-12-06, when the chains became
/// one per office) cannot leave this way: its first events link to other offices' events, which a bundle of one
/// office cannot carry, and export refuses it rather than write a bundle that would not verify.
extension Commissioning {
    /// What an export wrote.
    public struct OfficeExport: Sendable {
        public let path: String
        public let manifest: OfficeBundleManifest
    }

    /// What an import wrote, and the office's verification after it.
    public struct OfficeImport: Sendable {
        public let manifest: OfficeBundleManifest
        /// The `office-imported` event, appended after the imported head and linked to it.
        public let importEvent: AuditEvent
        public let verification: AuditVerification
    }

    static let bundleManifestName = "manifest.json"

    /// A bundle path ending `.zip` is one ZIP archive of the folder's contents (ZIPFoundation); any other, a folder.
    static func isZip(_ path: String) -> Bool { path.lowercased().hasSuffix(".zip") }

    /// Writes `office` as a new bundle folder at `path` (a ZIP archive of it when `path` ends `.zip`; refused if
    /// anything is there): its tables as JSON Lines,
    /// its documents' files by SHA-256, and the manifest. The office must verify first (`opcc audit verify
    /// --office`), so that what leaves is what its chain and seals vouch for. The folder is written beside `path`
    /// under another name and renamed into place once complete, so a failed export leaves nothing at `path`.
    public func exportOffice(_ office: String, to path: String) async throws -> OfficeExport {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw ServiceRefusal(
                rule: .officeBundleNeverOverwrites, message: "\(path) exists already: choose a new path for the bundle")
        }
        let verification = try await verifyAudit(office: office)
        guard verification.isIntact else {
            throw ServiceRefusal(
                rule: .officeExportVerifies,
                message: "\(office) does not verify, so it is not exported: "
                    + verification.problems.joined(separator: "; "))
        }
        let (tables, documents, anchor) = try await store.read { tx in
            let legacy = try tx.officeGlobalChainEvents(office: office)
            let anchor = try tx.globalChainHead().hash
            guard legacy == 0, anchor == AuditEvent.genesisHash else {
                throw ServiceRefusal(
                    rule: .officeExportVerifies,
                    message: "\(office)'s chain begins in the older global chain of this database (before "
                        + "2026-12-06), which a bundle of one office cannot carry: docs/office-bundle.md")
            }
            let tables = try OfficeBundleTables.exported.map { try tx.officeBundleRows($0, office: office) }
            return (tables, try tx.documents(office: office), anchor)
        }
        let partial = path + ".partial-" + UUID().uuidString
        do {
            let manifest = try await writeBundle(
                office: office, tables: tables, documents: documents, anchor: anchor, into: partial)
            if Self.isZip(path) {
                // The folder's contents at the archive's top level; written beside the path, then renamed.
                let zipped = partial + ".zip"
                defer { try? FileManager.default.removeItem(atPath: zipped) }
                try FileManager.default.zipItem(
                    at: URL(fileURLWithPath: partial), to: URL(fileURLWithPath: zipped), shouldKeepParent: false,
                    compressionMethod: .deflate)
                try FileManager.default.moveItem(atPath: zipped, toPath: path)
                try FileManager.default.removeItem(atPath: partial)
            } else {
                try FileManager.default.moveItem(atPath: partial, toPath: path)
            }
            return OfficeExport(path: path, manifest: manifest)
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
    }

    private func writeBundle(
        office: String, tables: [OfficeBundleTableRows], documents: [StoredDocument], anchor: String,
        into folder: String
    ) async throws -> OfficeBundleManifest {
        let root = URL(fileURLWithPath: folder)
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("tables"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("files"), withIntermediateDirectories: true)
        var files: [OfficeBundleManifest.File] = []
        var manifestTables: [OfficeBundleManifest.Table] = []
        for table in tables {
            let name = "tables/\(table.table).jsonl"
            let data = try OfficeBundleLines.encode(table)
            try data.write(to: root.appendingPathComponent(name))
            files.append(.init(path: name, sha256: SHA256Hex.hex(SHA256.hash(data: data))))
            manifestTables.append(.init(name: table.table, file: name, rows: table.rows.count, columns: table.columns))
        }
        var documentFilesWritten: [OfficeBundleManifest.DocumentFile] = []
        for document in documents where !document.purged {
            let name = "files/\(document.sha256)"
            guard !documentFilesWritten.contains(where: { $0.file == name }) else { continue }
            let digest = try await copyStoredFile(sha256: document.sha256, to: root.appendingPathComponent(name))
            guard let digest, digest == document.sha256 else {
                throw ServiceRefusal(
                    rule: .officeExportVerifies,
                    message: "the file of document \(document.id) is missing from \(documentFiles.location) or is "
                        + "not the one attached: run 'opcc audit verify'")
            }
            files.append(.init(path: name, sha256: digest))
            documentFilesWritten.append(.init(sha256: document.sha256, sizeBytes: document.sizeBytes, file: name))
        }
        let events = try Self.auditEvents(in: tables.first { $0.table == "audit_event" })
        guard let head = events.last, let officeSequence = head.officeSequence else {
            throw ServiceRefusal(
                rule: .officeExportVerifies, message: "\(office) has no audit events: nothing it did can be vouched for"
            )
        }
        let manifest = OfficeBundleManifest(
            format: OfficeBundleManifest.formatName, formatVersion: OfficeBundleManifest.currentVersion,
            office: office, exportedAt: clock.timestamp(),
            chain: .init(
                anchor: anchor, headSequence: head.sequence, headOfficeSequence: officeSequence, headHash: head.hash,
                events: events.count),
            tables: manifestTables, documents: documentFilesWritten,
            excluded: OfficeBundleTables.excluded.sorted { $0.key < $1.key }.map {
                .init(table: $0.key, reason: $0.value)
            },
            afterImport: Self.afterImport, files: files)
        try manifest.encoded().write(to: root.appendingPathComponent(Self.bundleManifestName))
        return manifest
    }

    static let afterImport = [
        "Every person needs a new password: passwords, sessions, API tokens, calendar feed links and one-time "
            + "links are not exported. Send each a password reset (opcc user passwd, or a reset link).",
        "Check the import with: opcc audit verify --office OFFICE --head HEAD_SEQUENCE:HEAD_HASH",
    ]

    /// The stored bytes of `sha256` copied into `file`, hashed as they are written; nil when nothing is stored.
    private func copyStoredFile(sha256: String, to file: URL) async throws -> String? {
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        let hasher = LockedHasher()
        let found = try await documentFiles.read(sha256: sha256) { chunk in
            try handle.write(contentsOf: chunk)
            hasher.update(chunk)
        }
        return found ? hasher.hex : nil
    }

    /// The audit events of a bundle's `audit_event` table.
    static func auditEvents(in table: OfficeBundleTableRows?) throws -> [AuditEvent] {
        guard let table else { return [] }
        let index = Dictionary(uniqueKeysWithValues: table.columns.enumerated().map { ($1, $0) })
        return try table.rows.enumerated().map { number, row in
            func text(_ column: String) -> String? {
                guard let at = index[column], case .text(let value) = row[at] else { return nil }
                return value
            }
            func integer(_ column: String) -> Int64? {
                guard let at = index[column], case .integer(let value) = row[at] else { return nil }
                return value
            }
            guard let sequence = integer("seq"), let office = text("office_id"), let event = text("event"),
                let actor = text("actor"), let dayText = text("effective_day"), let day = try? Day(iso: dayText),
                let recordedAt = text("recorded_at"), let payload = text("payload"),
                let previousHash = text("prev_hash"), let hash = text("hash")
            else {
                throw ServiceRefusal(
                    rule: .officeBundleFormat,
                    message: "tables/audit_event.jsonl line \(number + 1) is not an audit event")
            }
            return AuditEvent(
                sequence: sequence, office: office, instanceID: text("instance_id"), workflow: text("workflow"),
                workflowVersion: integer("workflow_version").map(Int.init), event: event, fromState: text("from_state"),
                toState: text("to_state"), actor: actor, role: text("role"), effectiveDay: day, recordedAt: recordedAt,
                payload: payload, previousHash: previousHash, hash: hash, officeSequence: integer("office_seq"),
                sealedRecord: text("sealed_record"), seal: text("seal"))
        }
    }
}

/// SHA-256 fed from a `@Sendable` closure (the document store's chunks).
final class LockedHasher: @unchecked Sendable {
    private let lock = NSLock()
    private var hasher = SHA256()

    func update(_ data: Data) { lock.withLock { hasher.update(data: data) } }

    var hex: String { lock.withLock { SHA256Hex.hex(hasher.finalize()) } }
}
