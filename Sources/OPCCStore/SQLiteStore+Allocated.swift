import GRDB

extension SQLiteTransaction {
    func allocatedUnderDecision(_ decisionID: String, office: String) throws -> Int64 {
        try Int64.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT coalesce(sum(a.amount_pence), 0) FROM allocation a
                    WHERE a.decision_id = ? AND a.office_id = ?
                        AND NOT EXISTS (SELECT 1 FROM ledger_posting r WHERE r.reverses = a.posting_seq)
                    """), arguments: [decisionID, office]) ?? 0
    }
}
