import Foundation
import GRDB
import OPCCCore

/// Why a copy into PostgreSQL was refused before anything was copied.
public struct CopyRefused: Error, Hashable, Sendable, CustomStringConvertible {
    public let description: String
}

extension PostgresStore {
    /// Copies every row of the SQLite database `source` into this database, which must hold no office and no event
    /// yet, in one transaction (a failure leaves it as it was): the same rows with the same keys and sequence numbers,
    /// so every event's hash, every seal and the audit head are the same on both ends. The append-only triggers are
    /// off for the copy only (rows are inserted as they were, including priorities of adopted assessments); the
    /// PostgreSQL-only state is made from the rows: each office's chain head, the search words, the sequences.
    /// Returns the number of rows copied per table, in the order copied. `progress` hears one line per table.
    public func copy(
        fromSQLite source: SQLiteStore, progress: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws -> [(table: String, rows: Int)] {
        do {
            return try await withConnection { connection in
                try source.writer.read { db in
                    try Self.copy(from: GRDBSession(db: db), to: connection, progress: progress)
                }
            }
        } catch let refused as CopyRefused {
            throw refused
        } catch {
            throw Self.storeError(error)
        }
    }

    private static func copy(
        from sqlite: GRDBSession, to connection: PGConnection, progress: (String) -> Void
    ) throws -> [(table: String, rows: Int)] {
        try connection.execute("BEGIN ISOLATION LEVEL SERIALIZABLE")
        do {
            let target = PGSession(connection: connection)
            let counts = try copyRows(from: sqlite, to: target, progress: progress)
            try rebuildDerivedState(target)
            try connection.execute("COMMIT")
            return counts
        } catch {
            if connection.isOpen { _ = try? connection.execute("ROLLBACK") }
            throw error
        }
    }

    /// The tables in the order SQLite created them (a table's references are made before it), each copied whole.
    private static func copyRows(
        from sqlite: GRDBSession, to target: PGSession, progress: (String) -> Void
    ) throws -> [(table: String, rows: Int)] {
        let occupied =
            try target.firstRow(
                "SELECT (SELECT count(*) FROM office) + (SELECT count(*) FROM audit_event)", []
            ) { row -> Int64 in row[0] } ?? 0
        guard occupied == 0 else {
            throw CopyRefused(
                description: "the PostgreSQL database already holds offices or events: copy into a new, empty one")
        }
        let created: [String] = try sqlite.allRows(
            """
            SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                AND name NOT LIKE 'decision_fts%' AND name <> 'grdb_migrations'
            ORDER BY rowid
            """, []
        ).map { $0[0] }
        var parents: [String: Set<String>] = [:]
        for table in created {
            parents[table] = Set(
                try sqlite.allRows("SELECT \"table\" FROM pragma_foreign_key_list(?)", [table]).map { $0[0] as String }
            ).subtracting([table])
        }
        let tables = Self.parentsFirst(created, parents: parents)
        let known = Set(
            try target.allRows(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()", []
            ).map { $0[0] as String })
        if let unknown = tables.first(where: { !known.contains($0) }) {
            throw CopyRefused(
                description: "table \(unknown) of the SQLite database has no place in PostgreSQL's schema")
        }
        var counts: [(table: String, rows: Int)] = []
        for table in tables {
            try target.execute("ALTER TABLE \(table) DISABLE TRIGGER USER", [])
            let rows = try copyTable(table, from: sqlite, to: target)
            try target.execute("ALTER TABLE \(table) ENABLE TRIGGER USER", [])
            counts.append((table, rows))
            progress("\(table): \(rows) row(s)")
        }
        return counts
    }

    /// The tables in the order they were created, except that each comes after every table its foreign keys name, so
    /// that each row's parents are there when it is copied: a table rebuilt by a later migration (created anew, then
    /// renamed, as `2026-12-12-terminated-agreement-amount` rebuilt `grant_agreement`) stands after its children in
    /// `sqlite_master`. A cycle, which the schema has none of, would leave its tables in creation order.
    static func parentsFirst(_ tables: [String], parents: [String: Set<String>]) -> [String] {
        var placed: [String] = []
        var done: Set<String> = []
        var visiting: Set<String> = []
        func place(_ table: String) {
            guard !done.contains(table), !visiting.contains(table) else { return }
            visiting.insert(table)
            for parent in tables where parents[table, default: []].contains(parent) { place(parent) }
            visiting.remove(table)
            done.insert(table)
            placed.append(table)
        }
        for table in tables { place(table) }
        return placed
    }

    /// One table's rows, in rowid order (a table without one: its primary key's), 200 to a statement.
    private static func copyTable(_ table: String, from sqlite: GRDBSession, to target: PGSession) throws -> Int {
        let columns: [String] = try sqlite.allRows("SELECT name FROM pragma_table_info(?) ORDER BY cid", [table])
            .map { $0[0] }
        let targetColumns = Set(
            try target.allRows(
                """
                SELECT column_name FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = ?
                """, [table]
            ).map { $0[0] as String })
        if let missing = columns.first(where: { !targetColumns.contains($0) }) {
            throw CopyRefused(description: "column \(table).\(missing) has no place in PostgreSQL's schema")
        }
        let list = columns.joined(separator: ", ")
        var batch: [SQLValue] = []
        var rows = 0
        func flush() throws {
            guard !batch.isEmpty else { return }
            let count = batch.count / columns.count
            let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
            try target.execute(
                "INSERT INTO \(table) (\(list)) VALUES "
                    + Array(repeating: tuple, count: count).joined(separator: ", "),
                SQLArguments(batch))
            batch.removeAll(keepingCapacity: true)
        }
        // A table WITHOUT ROWID (`account_balance`) has no rowid: its primary key orders it.
        let definition: String =
            try sqlite.allRows("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table]).first?[0]
            ?? ""
        var order = "rowid"
        if definition.uppercased().contains("WITHOUT ROWID") {
            let key: [String] = try sqlite.allRows(
                "SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", [table]
            ).map { $0[0] }
            order = key.joined(separator: ", ")
        }
        try sqlite.forEachRow("SELECT \(list) FROM \(table) ORDER BY \(order)", []) { row in
            batch += row.values
            rows += 1
            if rows % 200 == 0 { try flush() }
            return true
        }
        try flush()
        return rows
    }

    /// What PostgreSQL keeps that SQLite does not: each office's chain head, the search words, and the sequences
    /// and identities moved past the copied numbers.
    static func rebuildDerivedState(_ target: PGSession) throws {
        try target.execute(
            """
            INSERT INTO office_chain_head (office_id, seq, office_seq, hash)
            SELECT DISTINCT ON (office_id) office_id, seq, office_seq, hash FROM audit_event
            WHERE office_seq IS NOT NULL ORDER BY office_id, office_seq DESC
            """, [])
        try target.execute(
            "SELECT setval('audit_event_seq', (SELECT coalesce(max(seq), 0) + 1 FROM audit_event), false)", [])
        try target.execute(
            "SELECT setval('ledger_posting_seq', (SELECT coalesce(max(seq), 0) + 1 FROM ledger_posting), false)", [])
        let identities = try target.allRows(
            """
            SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = current_schema() AND is_identity = 'YES' AND identity_generation = 'BY DEFAULT'
            """, [])
        for row in identities {
            let table: String = row[0]
            let column: String = row[1]
            try target.execute(
                """
                SELECT setval(pg_get_serial_sequence('\(table)', '\(column)'),
                    (SELECT coalesce(max(\(column)), 0) + 1 FROM \(table)), false)
                """, [])
        }
        let transaction = SQLTransaction(sql: target)
        let ids: [String] = try target.allRows("SELECT id FROM decision_record ORDER BY id", []).map { $0[0] }
        for id in ids {
            guard let record = try transaction.decision(id: id) else { continue }
            try transaction.saveSearchText(record)
        }
    }
}
