import GRDB

extension Migrations {
    /// `2026-12-10-account-balances`: each account's balance, kept per account it moved money with, in the same
    /// transaction as the postings (`appendPosting`). A cache the postings prove: `opcc finance check` recomputes
    /// every row from `ledger_transfer` and names any difference. Filled here from the postings already recorded, so
    /// an upgraded database reads the same figures as before.
    ///
    /// A row (`account`, `counter_account`) holds what came into `account` from `counter_account` less what went out
    /// to it: the account's balance is the sum of its rows, and a year's reconciliation reads the rows of the year's
    /// accounts (the key holds the year: `allocation/cumbria/2016-17/ASB/GB-LAE-BAR`) through the primary key.
    static func accountBalances(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE account_balance (
                    account TEXT NOT NULL CHECK (account <> ''),
                    counter_account TEXT NOT NULL CHECK (counter_account <> account),
                    office_id TEXT NOT NULL REFERENCES office(id),
                    pence INTEGER NOT NULL,
                    PRIMARY KEY (account, counter_account)
                ) STRICT, WITHOUT ROWID;
                CREATE INDEX account_balance_office ON account_balance(office_id);
                \(accountBalancesFill)
                """)
    }

    /// The cache as the postings give it: the same statement on both engines (PostgreSQL's migration and the
    /// rebuild after an office bundle's import use it too).
    static let accountBalancesFill = """
        INSERT INTO account_balance (account, counter_account, office_id, pence)
        SELECT account, counter_account, min(office_id), sum(pence) FROM (
            SELECT t.to_account AS account, t.from_account AS counter_account, p.office_id AS office_id,
                t.amount_pence AS pence
            FROM ledger_transfer t JOIN ledger_posting p ON p.seq = t.posting_seq
            UNION ALL
            SELECT t.from_account, t.to_account, p.office_id, -t.amount_pence
            FROM ledger_transfer t JOIN ledger_posting p ON p.seq = t.posting_seq
        ) moved
        GROUP BY account, counter_account;
        """
}
