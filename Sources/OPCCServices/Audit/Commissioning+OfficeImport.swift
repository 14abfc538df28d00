import Crypto
import Foundation
import OPCCCore
import OPCCStore
import ZIPFoundation

/// `opcc import office`: an office bundle taken into an empty database.
extension Commissioning {
    /// Reads the bundle at `path` (a folder, or a ZIP archive of one when the path ends `.zip`) into this database, which must hold no office and no audit event yet.
    ///
    /// Before anything is written: every file's SHA-256 is checked against the manifest (a file missing, changed
    /// or not listed refuses the bundle, naming the file), every table's rows are read and counted, every row
    /// that names an office must name the bundle's, and the events must chain from the manifest's anchor to its
    /// head. Then the documents' files are stored and the rows written in one transaction, which checks what it
    /// wrote as `opcc audit verify --office` would (chain, instances, seals) before it commits and appends one
    /// `office-imported` event after the imported head. A failure leaves the database as it was (files this import
    /// stored are removed again).
    public func importOffice(from path: String) async throws -> OfficeImport {
        guard Self.isZip(path) else { return try await importOffice(folder: path) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-bundle-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            // ZIPFoundation refuses an entry whose path leads outside the folder, or a link that points outside it.
            try FileManager.default.unzipItem(at: URL(fileURLWithPath: path), to: folder)
        } catch {
            throw ServiceRefusal(
                rule: .officeBundleFormat, message: "\(path) cannot be unpacked as a ZIP archive: \(error)")
        }
        return try await importOffice(folder: folder.path)
    }

    private func importOffice(folder path: String) async throws -> OfficeImport {
        let manifest = try Self.checkedManifest(bundle: path)
        let tables = try Self.bundleTables(manifest, bundle: path)
        let events = try Self.auditEvents(in: tables.first { $0.table == "audit_event" })
        try Self.checkChain(events, manifest: manifest)
        let head = AuditHead(sequence: manifest.chain.headSequence, hash: manifest.chain.headHash)
        let existing = try await store.read { tx in (try tx.offices().map(\.id), try tx.auditHead()) }
        guard existing.0.isEmpty, existing.1.sequence == 0 else {
            throw ServiceRefusal(
                rule: .officeImportIntoEmptyDatabase,
                message: "this database already holds "
                    + (existing.0.isEmpty ? "audit events" : "office(s) \(existing.0.joined(separator: ", "))")
                    + ": import an office into a new, empty database")
        }
        var stored: [String] = []
        do {
            for document in manifest.documents where !(try await documentFiles.exists(sha256: document.sha256)) {
                try await documentFiles.put(
                    sha256: document.sha256, sizeBytes: document.sizeBytes,
                    contentsOf: URL(fileURLWithPath: path).appendingPathComponent(document.file))
                stored.append(document.sha256)
            }
            let event = try await writeImportedRows(tables, manifest: manifest, head: head)
            return OfficeImport(
                manifest: manifest, importEvent: event,
                verification: try await verifyAudit(head: head, office: manifest.office))
        } catch {
            for sha256 in stored { try? await documentFiles.purge(sha256: sha256) }
            if let refused = error as? OfficeBundleRefused {
                throw ServiceRefusal(rule: .officeBundleFormat, message: refused.description)
            }
            throw error
        }
    }

    private func writeImportedRows(
        _ tables: [OfficeBundleTableRows], manifest: OfficeBundleManifest, head: AuditHead
    ) async throws -> AuditEvent {
        let manifestSHA256 = manifest.files.map { "\($0.path) \($0.sha256)" }.joined(separator: "\n")
        let day = clock.today()
        let at = clock.timestamp()
        return try await store.write { tx in
            try tx.insertOfficeBundle(tables)
            let verification = try self.verifyAuditTables(head: head, office: manifest.office, in: tx)
            guard verification.isIntact else {
                throw ServiceRefusal(
                    rule: .officeImportVerifies,
                    message: "the bundle's rows do not verify, so nothing was imported: "
                        + verification.problems.joined(separator: "; "))
            }
            return try tx.append(
                AuditEventDraft(
                    office: manifest.office, event: "office-imported", actor: "opcc-system", effectiveDay: day,
                    recordedAt: at,
                    payload: [
                        "exportedAt": manifest.exportedAt, "headSequence": String(head.sequence),
                        "headHash": head.hash, "formatVersion": String(manifest.formatVersion),
                        "files": SHA256Hex.of(manifestSHA256),
                    ]))
        }
    }

    /// The manifest, once every file of the bundle matches it: none missing, none changed, none unlisted.
    static func checkedManifest(bundle path: String) throws -> OfficeBundleManifest {
        let root = URL(fileURLWithPath: path)
        guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(bundleManifestName).path)
        else {
            throw ServiceRefusal(
                rule: .officeBundleFormat, message: "\(path) has no \(bundleManifestName): it is not an office bundle")
        }
        let manifest: OfficeBundleManifest
        do { manifest = try OfficeBundleManifest.decode(data) } catch {
            throw ServiceRefusal(
                rule: .officeBundleFormat, message: "\(path)/\(bundleManifestName) cannot be read: \(error)")
        }
        guard manifest.format == OfficeBundleManifest.formatName,
            manifest.formatVersion == OfficeBundleManifest.currentVersion
        else {
            throw ServiceRefusal(
                rule: .officeBundleFormat,
                message: "\(path) is \(manifest.format) version \(manifest.formatVersion); this opcc reads "
                    + "\(OfficeBundleManifest.formatName) version \(OfficeBundleManifest.currentVersion)")
        }
        let listed = Dictionary(manifest.files.map { ($0.path, $0.sha256) }, uniquingKeysWith: { first, _ in first })
        let present = try filesInBundle(root)
        if let unlisted = present.subtracting(listed.keys).sorted().first {
            throw ServiceRefusal(
                rule: .officeBundleIntact, message: "\(unlisted) is in the bundle but not in its manifest")
        }
        for file in manifest.files.map(\.path).sorted() {
            guard present.contains(file) else {
                throw ServiceRefusal(rule: .officeBundleIntact, message: "\(file) is missing from the bundle")
            }
            guard try sha256(of: root.appendingPathComponent(file)) == listed[file] else {
                throw ServiceRefusal(
                    rule: .officeBundleIntact,
                    message: "\(file) does not match its SHA-256 in the manifest: it was changed after the export")
            }
        }
        let needed = manifest.tables.map(\.file) + manifest.documents.map(\.file)
        if let uncovered = needed.first(where: { listed[$0] == nil }) {
            throw ServiceRefusal(
                rule: .officeBundleIntact,
                message: "\(uncovered) has no SHA-256 in the manifest, so it cannot be trusted")
        }
        if let wrong = manifest.documents.first(where: { listed[$0.file] != $0.sha256 }) {
            throw ServiceRefusal(
                rule: .officeBundleIntact, message: "\(wrong.file) is not the document file \(wrong.sha256)")
        }
        return manifest
    }

    /// Every regular file under `root` but the manifest, by its path inside the bundle.
    private static func filesInBundle(_ root: URL) throws -> Set<String> {
        var found: Set<String> = []
        let base = root.standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(atPath: base) else { return found }
        while let relative = walker.nextObject() as? String {
            // A link could make the bundle read a file outside it: a bundle holds only its own files.
            let kind =
                try FileManager.default.attributesOfItem(atPath: base + "/" + relative)[.type] as? FileAttributeType
            if kind == .typeSymbolicLink {
                throw ServiceRefusal(
                    rule: .officeBundleIntact, message: "\(relative) is a symbolic link: a bundle holds only files")
            }
            if kind != .typeDirectory, relative != bundleManifestName { found.insert(relative) }
        }
        return found
    }

    private static func sha256(of file: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: file)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return SHA256Hex.hex(hasher.finalize())
    }

    /// The bundle's tables in the order they are written (each table's references first), every row read and
    /// counted, and every row that names an office naming the bundle's.
    static func bundleTables(_ manifest: OfficeBundleManifest, bundle path: String) throws -> [OfficeBundleTableRows] {
        let known = OfficeBundleTables.exported.map(\.name)
        if let unknown = manifest.tables.first(where: { !known.contains($0.name) }) {
            throw ServiceRefusal(
                rule: .officeBundleFormat,
                message: "table \(unknown.name) is not one an office bundle holds (a newer opcc wrote the bundle?)")
        }
        var tables: [OfficeBundleTableRows] = []
        for name in known {
            guard let table = manifest.tables.first(where: { $0.name == name }) else { continue }
            guard let data = FileManager.default.contents(atPath: path + "/" + table.file) else {
                throw ServiceRefusal(rule: .officeBundleIntact, message: "\(table.file) is missing from the bundle")
            }
            var rows: [[OfficeBundleValue]] = []
            for (number, row) in try OfficeBundleLines.decode(data, columns: table.columns, file: table.file)
                .enumerated()
            {
                if let office = row["office_id"] ?? (name == "office" ? row["id"] : nil),
                    office != .text(manifest.office)
                {
                    throw ServiceRefusal(
                        rule: .officeBundleFormat,
                        message: "\(table.file) line \(number + 1) is a row of another office than \(manifest.office)")
                }
                rows.append(table.columns.map { row[$0] ?? .null })
            }
            guard rows.count == table.rows else {
                throw ServiceRefusal(
                    rule: .officeBundleIntact,
                    message: "\(table.file) holds \(rows.count) row(s) where the manifest counts \(table.rows)")
            }
            tables.append(OfficeBundleTableRows(table: name, columns: table.columns, rows: rows))
        }
        guard tables.first(where: { $0.table == "office" })?.rows.count == 1 else {
            throw ServiceRefusal(rule: .officeBundleFormat, message: "the bundle holds no office row")
        }
        return tables
    }

    /// The events chain from the manifest's anchor to its head, every hash and link checked.
    static func checkChain(_ events: [AuditEvent], manifest: OfficeBundleManifest) throws {
        guard manifest.chain.anchor == AuditEvent.genesisHash else {
            throw ServiceRefusal(
                rule: .officeBundleFormat,
                message: "the office's chain starts from \(manifest.chain.anchor.prefix(12))…, not the genesis hash: "
                    + "this opcc imports only chains that start from it (docs/office-bundle.md)")
        }
        var verifier = AuditChainVerifier(
            head: AuditHead(sequence: manifest.chain.headSequence, hash: manifest.chain.headHash),
            office: manifest.office, anchor: manifest.chain.anchor)
        for event in events {
            guard event.office == manifest.office, event.officeSequence != nil else {
                throw ServiceRefusal(
                    rule: .officeBundleFormat,
                    message: "event \(event.sequence) of the bundle is not of \(manifest.office)'s own chain")
            }
            guard verifier.check(event) else { break }
        }
        if let problem = verifier.finish() {
            throw ServiceRefusal(rule: .officeBundleIntact, message: "the bundle's audit chain: \(problem)")
        }
        guard events.count == manifest.chain.events, events.last?.hash == manifest.chain.headHash,
            events.last?.officeSequence == manifest.chain.headOfficeSequence
        else {
            throw ServiceRefusal(
                rule: .officeBundleIntact,
                message: "the bundle's audit chain does not end at the manifest's head "
                    + "\(manifest.chain.headSequence):\(manifest.chain.headHash.prefix(12))…")
        }
    }
}
