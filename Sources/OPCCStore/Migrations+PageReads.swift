import GRDB

extension Migrations {
    /// `2026-12-12-page-reads`: the indexes the staff pages of one office read through at national scale (issue 27),
    /// so that no page reads a whole table to show one office's rows: an office's agreements (`grant_agreement` had
    /// only its primary key, so an office's agreements, and a year's grants for 360Giving, were found by reading
    /// every agreement of the nation), the agreements of a decision, and an office's returns in the list's order
    /// (agreement, then quarter), which also counts an office's returns without reading other offices'.
    static func pageReads(_ db: Database) throws {
        try db.execute(sql: pageReadsSQL)
    }

    /// The same statements on both engines (PostgreSQL's step is this text).
    static let pageReadsSQL = """
        CREATE INDEX grant_agreement_office ON grant_agreement(office_id, id);
        CREATE INDEX grant_agreement_decision ON grant_agreement(decision_id);
        CREATE INDEX quarterly_return_office ON quarterly_return(office_id, agreement_id, quarter_key);
        """
}
