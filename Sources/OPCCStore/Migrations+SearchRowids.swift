import GRDB

extension Migrations {
    /// `2026-12-14-search-by-record-rowid`: each row of SQLite's full-text index takes its record's own rowid, so a
    /// search's matches are the records' rowids read from the index's lists alone. Through `decision_fts_key` (the
    /// index's own numbering) a search joined every match to that table first: 5,272 lookups, about 4,700 pages and
    /// 30 ms for a common word of the national data set, before the page of 50 was read (1 ms by rowid). The index's
    /// content is copied as it stands, each row under its record's rowid; `decision_fts_key` is no longer needed.
    /// PostgreSQL's search is keyed by the record's id already: nothing to do there.
    static func searchByRecordRowid(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE VIRTUAL TABLE decision_fts_new USING fts5(record_id UNINDEXED, number, title, body);
                INSERT INTO decision_fts_new (rowid, record_id, number, title, body)
                SELECT r.rowid, r.id, f.number, f.title, f.body
                FROM decision_fts f JOIN decision_fts_key k ON k.fts_rowid = f.rowid
                    JOIN decision_record r ON r.id = k.record_id;
                DROP TABLE decision_fts;
                ALTER TABLE decision_fts_new RENAME TO decision_fts;
                DROP TABLE decision_fts_key;
                """)
    }
}

extension PGMigrations {
    /// `2026-12-14-search-by-record-rowid` on PostgreSQL: nothing (`decision_search` is keyed by the record's id).
    static let searchByRecordRowid = "SELECT 1;"
}
