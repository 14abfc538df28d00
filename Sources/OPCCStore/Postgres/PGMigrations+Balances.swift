extension PGMigrations {
    /// `2026-12-10-account-balances`, translated from `Migrations.accountBalances` (SQLite): the balances cache,
    /// filled from the postings already recorded.
    static let accountBalances = """
        CREATE TABLE account_balance (
            account text COLLATE "C" NOT NULL CHECK (account <> ''),
            counter_account text COLLATE "C" NOT NULL CHECK (counter_account <> account),
            office_id text COLLATE "C" NOT NULL REFERENCES office(id),
            pence bigint NOT NULL,
            PRIMARY KEY (account, counter_account)
        );
        CREATE INDEX account_balance_office ON account_balance(office_id);
        """ + "\n" + Migrations.accountBalancesFill
}
