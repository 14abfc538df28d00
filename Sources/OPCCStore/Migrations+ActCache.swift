import GRDB

extension Migrations {
    /// `2026-12-10-act-cache-generation`: nothing to change on SQLite. The store's cache of what an act reads of the
    /// people, their grants and the offices (`ActReadCache`) is checked by `PRAGMA data_version`, which SQLite keeps
    /// itself; PostgreSQL, which has no such number, gets a generation row under this name (`PGMigrations`).
    static func actCacheGeneration(_ db: Database) throws {}
}
