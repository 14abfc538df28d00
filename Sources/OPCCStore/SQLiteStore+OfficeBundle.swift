import Foundation
import OPCCCore

/// One value of an office bundle's row, in neither engine's types: SQLite's storage classes, which PostgreSQL's
/// column types map onto. In the bundle's JSON a real is `{"real": "0.1"}` (its shortest exact text), so that it
/// reads back bit for bit and is never taken for an integer.
public enum OfficeBundleValue: Hashable, Sendable, Codable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    private enum Keys: String, CodingKey { case real }

    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer() {
            if single.decodeNil() {
                self = .null
                return
            }
            if let number = try? single.decode(Int64.self) {
                self = .integer(number)
                return
            }
            if let text = try? single.decode(String.self) {
                self = .text(text)
                return
            }
        }
        let keyed = try decoder.container(keyedBy: Keys.self)
        let text = try keyed.decode(String.self, forKey: .real)
        guard let number = Double(text) else {
            throw DecodingError.dataCorruptedError(forKey: .real, in: keyed, debugDescription: "not a number: \(text)")
        }
        self = .real(number)
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var single = encoder.singleValueContainer()
            try single.encodeNil()
        case .integer(let number):
            var single = encoder.singleValueContainer()
            try single.encode(number)
        case .text(let text):
            var single = encoder.singleValueContainer()
            try single.encode(text)
        case .real(let number):
            var keyed = encoder.container(keyedBy: Keys.self)
            try keyed.encode(String(number), forKey: .real)
        }
    }

    init(_ value: SQLValue) {
        switch value {
        case .null: self = .null
        case .integer(let number): self = .integer(number)
        case .real(let number): self = .real(number)
        case .text(let text): self = .text(text)
        }
    }

    var sqlValue: SQLValue {
        switch self {
        case .null: .null
        case .integer(let number): .integer(number)
        case .real(let number): .real(number)
        case .text(let text): .text(text)
        }
    }
}

/// One table's rows of one office, as a bundle holds them: the columns in name order (the same on both engines,
/// whatever order migrations added them in), each row's values in that order.
public struct OfficeBundleTableRows: Hashable, Sendable {
    public let table: String
    public let columns: [String]
    public var rows: [[OfficeBundleValue]]

    public init(table: String, columns: [String], rows: [[OfficeBundleValue]]) {
        self.table = table
        self.columns = columns
        self.rows = rows
    }
}

/// Why the receiving database cannot take a bundle's rows as they are (a table or column it does not have).
public struct OfficeBundleRefused: Error, Hashable, Sendable, CustomStringConvertible {
    public let description: String
}

extension SQLTransaction {
    // MARK: Office bundles

    func schemaTables() throws -> [String] {
        if dialect == .sqlite {
            return try fetchValues(
                String.self,
                sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        }
        return try fetchValues(
            String.self,
            sql: """
                SELECT table_name FROM information_schema.tables
                WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name
                """)
    }

    /// The table's columns a bundle carries, in name order: without those the database computes itself (SQLite's
    /// `table_info` leaves out generated columns; on PostgreSQL `workflow_instance.row_order`, which SQLite's `rowid`
    /// stands for, and the generated columns of `decision_record`).
    private func bundleColumns(_ table: String) throws -> [String] {
        let columns: [String]
        if dialect == .sqlite {
            columns = try fetchValues(String.self, sql: "SELECT name FROM pragma_table_info(?)", arguments: [table])
        } else {
            columns = try fetchValues(
                String.self,
                sql: """
                    SELECT column_name FROM information_schema.columns
                    WHERE table_schema = current_schema() AND table_name = ?
                        AND NOT (is_identity = 'YES' AND identity_generation = 'ALWAYS') AND is_generated = 'NEVER'
                    """, arguments: [table])
        }
        return columns.sorted()
    }

    func officeBundleRows(_ table: OfficeBundleTable, office: String) throws -> OfficeBundleTableRows {
        let columns = try bundleColumns(table.name)
        let order = table.order ?? (dialect == .sqlite ? "rowid" : "row_order")
        var rows: [[OfficeBundleValue]] = []
        try forEachRow(
            sql: "SELECT \(columns.joined(separator: ", ")) FROM \(table.name) WHERE \(table.condition) "
                + "ORDER BY \(order)", arguments: [office]
        ) { row in
            rows.append(row.values.map(OfficeBundleValue.init))
            return true
        }
        return OfficeBundleTableRows(table: table.name, columns: columns, rows: rows)
    }

    func officeGlobalChainEvents(office: String) throws -> Int {
        try fetchValue(
            Int.self, sql: "SELECT count(*) FROM audit_event WHERE office_id = ? AND office_seq IS NULL",
            arguments: [office]) ?? 0
    }

    /// Inserts a bundle's rows as they are (same keys, same sequence numbers, so every hash and seal holds), with
    /// the tables' refusal triggers off for the insert only (rows are put back as they were, as `opcc migrate`
    /// does: a priority recorded while its assessment was selecting is inserted now it is adopted), then rebuilds
    /// what each engine derives from them (the search index; PostgreSQL's chain heads, sequences and identities).
    func insertOfficeBundle(_ tables: [OfficeBundleTableRows]) throws {
        let names = tables.map(\.table)
        for table in tables {
            let known = Set(try bundleColumns(table.table))
            if known.isEmpty {
                throw OfficeBundleRefused(description: "table \(table.table) has no place in this database's schema")
            }
            if let missing = table.columns.first(where: { !known.contains($0) }) {
                throw OfficeBundleRefused(
                    description: "column \(table.table).\(missing) has no place in this database's schema")
            }
        }
        let triggers = try suspendTriggers(on: names)
        for table in tables { try insertRows(table) }
        try resumeTriggers(triggers, on: names)
        // The balances cache is not in the bundle: it is derived from the postings, here for the offices imported
        // (those with postings and no balances yet).
        try rebuildBalances(
            offices: try fetchValues(
                String.self,
                sql: """
                    SELECT DISTINCT office_id FROM ledger_posting p
                    WHERE NOT EXISTS (SELECT 1 FROM account_balance b WHERE b.office_id = p.office_id)
                    """))
        // The committed cache likewise, derived from the agreements' terms and states: for the offices imported
        // (those with agreements and no committed rows yet).
        try rebuildCommitments(
            offices: try fetchValues(
                String.self,
                sql: """
                    SELECT DISTINCT office_id FROM grant_agreement g
                    WHERE NOT EXISTS (SELECT 1 FROM agreement_commitment c WHERE c.agreement_office_id = g.office_id)
                    """))
        if dialect == .postgres, let session = sql as? PGSession {
            try PostgresStore.rebuildDerivedState(session)
        } else {
            let ids = try fetchValues(String.self, sql: "SELECT id FROM decision_record ORDER BY id")
            for id in ids {
                guard let record = try decision(id: id) else { continue }
                try saveSearchText(record)
            }
        }
    }

    /// SQLite's triggers are dropped and made again from their own text inside the transaction (its schema changes
    /// are transactional); PostgreSQL's are disabled and enabled.
    private func suspendTriggers(on tables: [String]) throws -> [(name: String, sql: String)] {
        if dialect == .postgres {
            for table in tables { try execute(sql: "ALTER TABLE \(table) DISABLE TRIGGER USER") }
            return []
        }
        let placeholders = Array(repeating: "?", count: tables.count).joined(separator: ", ")
        let triggers = try fetchAllRows(
            sql: "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN (\(placeholders))",
            arguments: SQLArguments(tables)
        ).map { row -> (name: String, sql: String) in (row[0], row[1]) }
        for trigger in triggers { try execute(sql: "DROP TRIGGER \(trigger.name)") }
        return triggers
    }

    private func resumeTriggers(_ triggers: [(name: String, sql: String)], on tables: [String]) throws {
        if dialect == .postgres {
            for table in tables { try execute(sql: "ALTER TABLE \(table) ENABLE TRIGGER USER") }
            return
        }
        for trigger in triggers { try execute(sql: trigger.sql) }
    }

    /// One table's rows, 200 to a statement.
    private func insertRows(_ table: OfficeBundleTableRows) throws {
        guard !table.columns.isEmpty else { return }
        let list = table.columns.joined(separator: ", ")
        let tuple = "(" + Array(repeating: "?", count: table.columns.count).joined(separator: ", ") + ")"
        var start = 0
        while start < table.rows.count {
            let batch = table.rows[start..<min(start + 200, table.rows.count)]
            try execute(
                sql: "INSERT INTO \(table.table) (\(list)) VALUES "
                    + Array(repeating: tuple, count: batch.count).joined(separator: ", "),
                arguments: SQLArguments(batch.flatMap { $0.map(\.sqlValue) }))
            start += batch.count
        }
    }
}
