import Foundation

/// One table of an office bundle (`opcc export office`): which of its rows belong to the office, and the order they
/// are written and read back in (a table's references come before it in `OfficeBundleTables.exported`).
public struct OfficeBundleTable: Hashable, Sendable {
    public let name: String
    /// The SQL condition that selects the office's rows, `?` standing (once) for the office id.
    let condition: String
    /// The rows' order: the primary key, so both engines write the same file; `nil` for the order of insertion
    /// (`rowid` on SQLite, `row_order` on PostgreSQL), which `instances(office:)` lists by.
    let order: String?

    init(_ name: String, _ condition: String, order: String?) {
        self.name = name
        self.condition = condition
        self.order = order
    }
}

/// Every table of the schema is either exported with an office or excluded with a reason: a table added by a
/// migration is one line in one of these two lists, and `OfficeBundleSchemaTests` fails until it is in one.
public enum OfficeBundleTables {
    /// The office's own rows, table by table, in an order in which each table's references come first.
    public static let exported: [OfficeBundleTable] = [
        .init("office", "id = ?", order: "id"),
        .init("office_profile_version", "office_id = ?", order: "office_id, version"),
        .init("person", "office_id = ?", order: "id"),
        .init("role_grant", "person_id IN (SELECT id FROM person WHERE office_id = ?)", order: "id"),
        .init(
            "workflow_definition",
            """
            EXISTS (SELECT 1 FROM workflow_instance i WHERE i.office_id = ? AND i.workflow = workflow_definition.name
                AND i.workflow_version = workflow_definition.version)
            """, order: "name, version"),
        .init("workflow_instance", "office_id = ?", order: nil),
        // The office's own chain only: `OfficeBundle` refuses an office with events of the older global chain.
        .init("audit_event", "office_id = ?", order: "seq"),
        .init("refusal", "office_id = ?", order: "id"),
        .init("decision_record", "office_id = ?", order: "id"),
        .init(
            "decision_part2", "record_id IN (SELECT id FROM decision_record WHERE office_id = ?)", order: "record_id"),
        .init("decision_number_sequence", "office_id = ?", order: "sequence_key"),
        .init("ledger_posting", "office_id = ?", order: "seq"),
        .init(
            "ledger_transfer", "posting_seq IN (SELECT seq FROM ledger_posting WHERE office_id = ?)",
            order: "posting_seq, line"),
        .init("budget_strand", "office_id = ?", order: "year_start, strand"),
        .init("allocation", "office_id = ?", order: "id"),
        .init("carry_forward", "office_id = ?", order: "id"),
        .init("grant_agreement", "office_id = ?", order: "id"),
        .init(
            "grant_agreement_allocation", "agreement_id IN (SELECT id FROM grant_agreement WHERE office_id = ?)",
            order: "agreement_id, allocation_id"),
        .init("quarterly_return", "office_id = ?", order: "id"),
        .init(
            "return_version", "return_id IN (SELECT id FROM quarterly_return WHERE office_id = ?)",
            order: "return_id, number"),
        .init(
            "deadline_notice", "audit_seq IN (SELECT seq FROM audit_event WHERE office_id = ?)",
            order: "subject_id, kind"),
        .init("variation_proposal", "office_id = ?", order: "id"),
        .init(
            "indicator_value", "agreement_id IN (SELECT id FROM grant_agreement WHERE office_id = ?)",
            order: "agreement_id, indicator, quarter_key"),
        .init("vli_area", "office_id = ?", order: "lsoa"),
        .init("vli_value", "office_id = ?", order: "lsoa, variable"),
        .init("vli_group", "office_id = ?", order: "grouping, lsoa"),
        .init("vli_support", "office_id = ?", order: "grouping, code, dataset"),
        .init("vli_run", "office_id = ?", order: "id"),
        .init("vli_selection", "run_id IN (SELECT id FROM vli_run WHERE office_id = ?)", order: "run_id, ward_code"),
        .init("priority_assessment", "office_id = ?", order: "id"),
        .init("priority_agency", assessmentRows, order: "assessment_id, position"),
        .init("priority_threat", assessmentRows, order: "assessment_id, position"),
        .init("priority_harm_score", assessmentRows, order: "assessment_id, threat, agency"),
        .init("priority", assessmentRows, order: "assessment_id, code"),
        .init("priority_coverage", assessmentRows, order: "assessment_id, priority_code, threat"),
        .init(
            "priority_money_link", assessmentRows, order: "assessment_id, priority_code, strand, recipient_org_id"),
        .init("priority_board_record", assessmentRows, order: "assessment_id, seq"),
        .init("notification", "office_id = ?", order: "id"),
        .init("document", "office_id = ?", order: "id"),
        // Grant rounds (issue 29): the office's partners are its people's organisations.
        .init(
            "partner_organisation",
            "org_id IN (SELECT m.org_id FROM partner_member m JOIN person p ON p.name = m.person_name "
                + "WHERE p.office_id = ?)", order: "org_id"),
        .init(
            "partner_member", "person_name IN (SELECT name FROM person WHERE office_id = ?)", order: "person_name"),
        .init("grant_round", "office_id = ?", order: "id"),
        .init("grant_application", "office_id = ?", order: "id"),
        .init("application_eligibility", applicationRows, order: "application_id"),
        .init("assessor_conflict", applicationRows, order: "application_id, assessor"),
        .init("assessor_score", applicationRows, order: "application_id, assessor"),
        .init("panel_recommendation", applicationRows, order: "application_id"),
    ]

    private static let applicationRows = "application_id IN (SELECT id FROM grant_application WHERE office_id = ?)"

    private static let assessmentRows = "assessment_id IN (SELECT id FROM priority_assessment WHERE office_id = ?)"

    /// The tables left out of every bundle, with the reason `docs/office-bundle.md` and the manifest give.
    public static let excluded: [String: String] = [
        "person_password":
            "password hashes are secrets of the database that issued them: people set a new password after the "
            + "import ('opcc user passwd' or a reset link)",
        "web_session": "sign-in sessions belong to the server that issued them",
        "setup_link": "the first-run set-up link is the database's own, made before any office existed",
        "person_second_factor":
            "second-factor secrets are secrets of the database that issued them: people set a new one up after the "
            + "import (an office requiring one asks at the first sign-in)",
        "person_recovery_code": "recovery codes belong to the second factor of the database that issued them",
        "second_factor_challenge": "sign-ins in progress belong to the server that issued them, and expire",
        "api_token": "API tokens are secrets of the database that issued them: issue new ones after the import",
        "calendar_feed": "calendar feed links are secrets of the database that issued them: issue new ones",
        "account_link": "one-time links (invitations, password resets) are secrets of the database that issued them",
        "sign_in_throttle": "sign-in throttling is the server's, for every office, and expires",
        "web_secret": "the server's own signing secret, for every office",
        "office_chain_head":
            "derived from audit_event (PostgreSQL keeps each office's newest event): rebuilt on import",
        "act_cache_generation":
            "PostgreSQL's number for the store's cache of people, grants and profiles: the database's own, bumped "
            + "by the import",
        "account_balance":
            "the balances cache, derived from ledger_transfer (each account's balance): rebuilt on import",
        "agreement_commitment":
            "the committed cache, derived from grant_agreement's terms and workflow_instance's states: rebuilt on "
            + "import",
        "decision_search": "derived from decision_record (PostgreSQL's search words): rebuilt on import",
        "decision_fts": "derived from decision_record (SQLite's full-text index): rebuilt on import",
        "decision_fts_data": "SQLite's full-text index's own storage: rebuilt on import",
        "decision_fts_idx": "SQLite's full-text index's own storage: rebuilt on import",
        "decision_fts_content": "SQLite's full-text index's own storage: rebuilt on import",
        "decision_fts_docsize": "SQLite's full-text index's own storage: rebuilt on import",
        "decision_fts_config": "SQLite's full-text index's own storage: rebuilt on import",
        "document_blob": "documents' bytes travel as files of the bundle (files/SHA-256), checked against their hashes",
        "document_blob_chunk":
            "documents' bytes travel as files of the bundle (files/SHA-256), checked against their hashes",
        "grdb_migrations": "the receiving database's own record of its schema",
        "opcc_migration": "the receiving database's own record of its schema",
    ]
}
