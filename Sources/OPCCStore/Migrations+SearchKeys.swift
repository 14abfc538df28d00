import GRDB

extension Migrations {
    /// `2026-12-12-search-keys`: which record each row of SQLite's full-text index is, in a narrow table of its own.
    /// The index kept the record's id as an unindexed column of its content, beside the whole Part 1 text, so a
    /// search read each match's content row (12 ms for 2,434 matches of 29,307 records) and saving a record deleted
    /// its old row by scanning every content row. With `decision_fts_key` a search reads the matches' rowids from the
    /// index alone and the ids from this table by integer key, and a save finds its old row by the id's index.
    /// Filled here from the index as it stands; nothing else changes. PostgreSQL's search has no such table.
    static func searchKeys(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE decision_fts_key (
                    fts_rowid INTEGER PRIMARY KEY,
                    record_id TEXT NOT NULL UNIQUE REFERENCES decision_record(id)
                ) STRICT;
                INSERT INTO decision_fts_key (fts_rowid, record_id) SELECT rowid, record_id FROM decision_fts;
                """)
    }
}

extension PGMigrations {
    /// `2026-12-12-search-keys` on PostgreSQL: nothing. `Migrations.searchKeys` keys SQLite's FTS5 index; PostgreSQL's
    /// `decision_search` is already keyed by the record's id.
    static let searchKeys = "SELECT 1;"
}
