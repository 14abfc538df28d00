import GRDB

extension Migrations {
    /// `2026-12-15-vli-reads`: the indexes a ward's page reads through at national scale (issue 27). An office's
    /// latest VLI run was found by walking every run of the nation from the newest id, reading each row's first page
    /// (its result is 259 KB of JSON) to test its office; a ward's areas were found by reading the office's whole
    /// ward lookup.
    static func vliReads(_ db: Database) throws {
        try db.execute(sql: vliReadsSQL)
    }

    /// The same statements on both engines (PostgreSQL's step is this text).
    static let vliReadsSQL = """
        CREATE INDEX vli_run_office ON vli_run(office_id, id);
        CREATE INDEX vli_group_code ON vli_group(office_id, grouping, code);
        """
}
