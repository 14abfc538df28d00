extension PGMigrations {
    /// The second half of the baseline: the tables of the migrations from `2026-11-23-vli` to
    /// `2026-12-06-web-sessions`.
    static let baselineLater = #"""
        -- 2026-11-23-vli
        CREATE TABLE vli_area (
            office_id text COLLATE "C" NOT NULL REFERENCES office(id),
            lsoa text COLLATE "C" NOT NULL CHECK (lsoa <> ''),
            name text COLLATE "C" NOT NULL,
            households bigint NOT NULL DEFAULT 0 CHECK (households >= 0),
            population bigint NOT NULL DEFAULT 0 CHECK (population >= 0),
            msoa_code text COLLATE "C", msoa_name text COLLATE "C", la_code text COLLATE "C", la_name text COLLATE "C",
            PRIMARY KEY (office_id, lsoa)
        );
        CREATE TABLE vli_value (
            office_id text COLLATE "C" NOT NULL,
            lsoa text COLLATE "C" NOT NULL,
            variable text COLLATE "C" NOT NULL,
            value double precision NOT NULL,
            source text COLLATE "C" NOT NULL,
            PRIMARY KEY (office_id, lsoa, variable),
            FOREIGN KEY (office_id, lsoa) REFERENCES vli_area(office_id, lsoa)
        );
        CREATE TABLE vli_group (
            office_id text COLLATE "C" NOT NULL,
            grouping text COLLATE "C" NOT NULL,
            lsoa text COLLATE "C" NOT NULL,
            code text COLLATE "C" NOT NULL CHECK (code <> ''),
            name text COLLATE "C" NOT NULL CHECK (name <> ''),
            PRIMARY KEY (office_id, grouping, lsoa),
            FOREIGN KEY (office_id, lsoa) REFERENCES vli_area(office_id, lsoa)
        );
        CREATE TABLE vli_support (
            office_id text COLLATE "C" NOT NULL REFERENCES office(id),
            grouping text COLLATE "C" NOT NULL,
            code text COLLATE "C" NOT NULL,
            dataset text COLLATE "C" NOT NULL CHECK (dataset <> ''),
            value double precision NOT NULL,
            source text COLLATE "C" NOT NULL,
            PRIMARY KEY (office_id, grouping, code, dataset)
        );
        CREATE TABLE vli_run (
            id text COLLATE "C" PRIMARY KEY,
            office_id text COLLATE "C" NOT NULL REFERENCES office(id),
            scheme_name text COLLATE "C" NOT NULL,
            scheme_version bigint NOT NULL,
            scheme_sha256 text COLLATE "C" NOT NULL CHECK (length(scheme_sha256) = 64),
            scheme_text text COLLATE "C" NOT NULL,
            inputs_sha256 text COLLATE "C" NOT NULL CHECK (length(inputs_sha256) = 64),
            run_on text COLLATE "C" NOT NULL,
            run_by text COLLATE "C" NOT NULL,
            result_json json NOT NULL
        );
        CREATE TRIGGER vli_run_is_never_changed BEFORE UPDATE ON vli_run FOR EACH ROW
        EXECUTE FUNCTION opcc_refuse('a VLI run is never changed: score again');
        CREATE TABLE vli_selection (
            run_id text COLLATE "C" NOT NULL REFERENCES vli_run(id),
            ward_code text COLLATE "C" NOT NULL,
            ward_name text COLLATE "C" NOT NULL,
            status text COLLATE "C" NOT NULL CHECK (status IN ('shortlisted', 'selected')),
            decision_id text COLLATE "C" REFERENCES decision_record(id),
            notes_json json NOT NULL,
            PRIMARY KEY (run_id, ward_code),
            CHECK (status = 'shortlisted' OR decision_id IS NOT NULL)
        );

        -- 2026-11-24-priorities
        CREATE TABLE priority_assessment (
            id text COLLATE "C" PRIMARY KEY REFERENCES workflow_instance(id),
            office_id text COLLATE "C" NOT NULL REFERENCES office(id),
            partnership_code text COLLATE "C" NOT NULL CHECK (partnership_code <> '' AND partnership_code !~ '[^A-Za-z0-9-]'),
            partnership_name text COLLATE "C" NOT NULL CHECK (partnership_name <> ''),
            year_start bigint NOT NULL CHECK (year_start BETWEEN 1998 AND 2200),
            source text COLLATE "C",
            method_json json NOT NULL,
            UNIQUE (office_id, partnership_code, year_start)
        );
        CREATE TABLE priority_agency (
            assessment_id text COLLATE "C" NOT NULL REFERENCES priority_assessment(id),
            position bigint NOT NULL CHECK (position >= 1),
            name text COLLATE "C" NOT NULL CHECK (name <> ''),
            PRIMARY KEY (assessment_id, name),
            UNIQUE (assessment_id, position)
        );
        CREATE TABLE priority_threat (
            assessment_id text COLLATE "C" NOT NULL REFERENCES priority_assessment(id),
            position bigint NOT NULL CHECK (position >= 1),
            name text COLLATE "C" NOT NULL CHECK (name <> ''),
            recorded_total bigint CHECK (recorded_total >= 0),
            control text COLLATE "C" CHECK (control IN ('under-control', 'uncontrolled', 'reducing')),
            volume_share_bp bigint CHECK (volume_share_bp BETWEEN 0 AND 10000),
            note text COLLATE "C",
            PRIMARY KEY (assessment_id, name),
            UNIQUE (assessment_id, position)
        );
        CREATE TABLE priority_harm_score (
            assessment_id text COLLATE "C" NOT NULL,
            threat text COLLATE "C" NOT NULL,
            agency text COLLATE "C" NOT NULL,
            sum_score bigint NOT NULL CHECK (sum_score BETWEEN 6 AND 24),
            factors_json json CHECK (json_array_length(factors_json) = 6),
            PRIMARY KEY (assessment_id, threat, agency),
            FOREIGN KEY (assessment_id, threat) REFERENCES priority_threat(assessment_id, name),
            FOREIGN KEY (assessment_id, agency) REFERENCES priority_agency(assessment_id, name)
        );
        CREATE TABLE priority (
            assessment_id text COLLATE "C" NOT NULL REFERENCES priority_assessment(id),
            code text COLLATE "C" NOT NULL CHECK (code <> '' AND code !~ '[^A-Za-z0-9-]'),
            position bigint NOT NULL CHECK (position >= 1),
            title text COLLATE "C" NOT NULL CHECK (title <> ''),
            kind text COLLATE "C" NOT NULL CHECK (kind IN ('local', 'statutory')),
            PRIMARY KEY (assessment_id, code)
        );
        CREATE TABLE priority_coverage (
            assessment_id text COLLATE "C" NOT NULL,
            priority_code text COLLATE "C" NOT NULL,
            position bigint NOT NULL CHECK (position >= 1),
            threat text COLLATE "C" NOT NULL,
            PRIMARY KEY (assessment_id, priority_code, threat),
            FOREIGN KEY (assessment_id, priority_code) REFERENCES priority(assessment_id, code),
            FOREIGN KEY (assessment_id, threat) REFERENCES priority_threat(assessment_id, name)
        );
        CREATE TABLE priority_money_link (
            assessment_id text COLLATE "C" NOT NULL,
            priority_code text COLLATE "C" NOT NULL,
            position bigint NOT NULL CHECK (position >= 1),
            strand text COLLATE "C" NOT NULL CHECK (strand <> ''),
            recipient_org_id text COLLATE "C" NOT NULL DEFAULT '',
            service text COLLATE "C",
            share_bp bigint NOT NULL CHECK (share_bp BETWEEN 1 AND 10000),
            PRIMARY KEY (assessment_id, priority_code, strand, recipient_org_id),
            FOREIGN KEY (assessment_id, priority_code) REFERENCES priority(assessment_id, code)
        );
        CREATE TABLE priority_board_record (
            assessment_id text COLLATE "C" NOT NULL REFERENCES priority_assessment(id),
            seq bigint NOT NULL CHECK (seq >= 1),
            kind text COLLATE "C" NOT NULL CHECK (kind IN ('medium-decision', 'compulsion', 'priority-count')),
            threat text COLLATE "C",
            selected bigint CHECK (selected IN (0, 1)),
            compulsion text COLLATE "C" CHECK (compulsion IN ('national-steer', 'statutory-duty', 'police-and-crime-plan', 'other')),
            priority_count bigint CHECK (priority_count >= 1),
            reason text COLLATE "C" NOT NULL CHECK (trim(reason) <> ''),
            day text COLLATE "C" NOT NULL CHECK (day ~ '^[0-9]{4}-[0-1][0-9]-[0-3][0-9]$'),
            recorded_by text COLLATE "C" NOT NULL CHECK (recorded_by <> ''),
            audit_seq bigint NOT NULL REFERENCES audit_event(seq),
            PRIMARY KEY (assessment_id, seq),
            FOREIGN KEY (assessment_id, threat) REFERENCES priority_threat(assessment_id, name),
            CHECK ((kind = 'medium-decision') = (selected IS NOT NULL)),
            CHECK ((kind = 'compulsion') = (compulsion IS NOT NULL)),
            CHECK ((kind = 'priority-count') = (priority_count IS NOT NULL)),
            CHECK ((kind = 'priority-count') = (threat IS NULL))
        );
        CREATE TRIGGER priority_board_record_is_never_changed BEFORE UPDATE ON priority_board_record FOR EACH ROW
        EXECUTE FUNCTION opcc_refuse('a board decision is never changed: record a new decision');
        CREATE TRIGGER priority_board_record_is_never_deleted BEFORE DELETE ON priority_board_record FOR EACH ROW
        EXECUTE FUNCTION opcc_refuse('board decisions are never deleted');
        CREATE TRIGGER priority_board_record_is_never_truncated BEFORE TRUNCATE ON priority_board_record FOR EACH STATEMENT
        EXECUTE FUNCTION opcc_refuse('board decisions are never deleted');
        CREATE TRIGGER priority_board_record_only_while_selecting BEFORE INSERT ON priority_board_record FOR EACH ROW
        EXECUTE FUNCTION opcc_refuse_unless_assessment_in('selecting',
            'board decisions are recorded only while the board is selecting');
        CREATE TRIGGER priority_harm_score_added_only_while_scoring BEFORE INSERT ON priority_harm_score FOR EACH ROW
        EXECUTE FUNCTION opcc_refuse_unless_assessment_in('scoring', 'harm scores change only while the assessment is being scored');
        CREATE TRIGGER priority_harm_score_changed_only_while_scoring BEFORE UPDATE ON priority_harm_score FOR EACH ROW
        EXECUTE FUNCTION opcc_refuse_unless_assessment_in('scoring', 'harm scores change only while the assessment is being scored');
        CREATE TRIGGER priority_harm_score_is_never_deleted BEFORE DELETE ON priority_harm_score FOR EACH ROW
        EXECUTE FUNCTION opcc_refuse('harm scores are never deleted: record the corrected score');
        CREATE TRIGGER priority_harm_score_is_never_truncated BEFORE TRUNCATE ON priority_harm_score FOR EACH STATEMENT
        EXECUTE FUNCTION opcc_refuse('harm scores are never deleted: record the corrected score');
        CREATE TRIGGER priority_threat_changed_only_while_scoring BEFORE UPDATE ON priority_threat FOR EACH ROW
        EXECUTE FUNCTION opcc_refuse_unless_assessment_in('scoring', 'threats change only while the assessment is being scored');
        CREATE TRIGGER priority_threat_is_never_deleted BEFORE DELETE ON priority_threat FOR EACH ROW
        EXECUTE FUNCTION opcc_refuse('threats are never deleted');
        CREATE TRIGGER priority_threat_is_never_truncated BEFORE TRUNCATE ON priority_threat FOR EACH STATEMENT
        EXECUTE FUNCTION opcc_refuse('threats are never deleted');
        CREATE TRIGGER priority_added_only_while_selecting BEFORE INSERT ON priority FOR EACH ROW
        EXECUTE FUNCTION opcc_refuse_unless_assessment_in('selecting', 'priorities change only while the board is selecting');
        CREATE TRIGGER priority_changed_only_while_selecting BEFORE UPDATE ON priority FOR EACH ROW
        EXECUTE FUNCTION opcc_refuse_unless_assessment_in('selecting', 'priorities change only while the board is selecting');
        CREATE TRIGGER priority_removed_only_while_selecting BEFORE DELETE ON priority FOR EACH ROW
        EXECUTE FUNCTION opcc_refuse_unless_assessment_in('selecting', 'priorities change only while the board is selecting');
        CREATE TRIGGER priority_coverage_added_only_while_selecting BEFORE INSERT ON priority_coverage FOR EACH ROW
        EXECUTE FUNCTION opcc_refuse_unless_assessment_in('selecting', 'priorities change only while the board is selecting');
        CREATE TRIGGER priority_coverage_removed_only_while_selecting BEFORE DELETE ON priority_coverage FOR EACH ROW
        EXECUTE FUNCTION opcc_refuse_unless_assessment_in('selecting', 'priorities change only while the board is selecting');
        CREATE TRIGGER priority_money_link_added_while_live BEFORE INSERT ON priority_money_link FOR EACH ROW
        EXECUTE FUNCTION opcc_refuse_unless_assessment_in('selecting,adopted', 'money links change only while selecting or adopted');
        CREATE TRIGGER priority_money_link_removed_while_live BEFORE DELETE ON priority_money_link FOR EACH ROW
        EXECUTE FUNCTION opcc_refuse_unless_assessment_in('selecting,adopted', 'money links change only while selecting or adopted');

        -- 2026-11-24-web-sign-in
        CREATE TABLE person_password (
            person_name text COLLATE "C" PRIMARY KEY REFERENCES person(name),
            password_hash text COLLATE "C" NOT NULL CHECK (password_hash LIKE '$2%'),
            set_at text COLLATE "C" NOT NULL
        );

        -- 2026-12-02-calendar-feeds
        CREATE TABLE calendar_feed (
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            person_name text COLLATE "C" NOT NULL REFERENCES person(name),
            token_sha256 text COLLATE "C" NOT NULL UNIQUE CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
            created_at text COLLATE "C" NOT NULL,
            created_audit_seq bigint NOT NULL REFERENCES audit_event(seq),
            revoked_at text COLLATE "C",
            revoked_audit_seq bigint REFERENCES audit_event(seq),
            CHECK ((revoked_at IS NULL) = (revoked_audit_seq IS NULL))
        );
        CREATE UNIQUE INDEX calendar_feed_one_live ON calendar_feed(person_name) WHERE revoked_at IS NULL;
        CREATE TRIGGER calendar_feed_is_never_deleted BEFORE DELETE ON calendar_feed FOR EACH ROW
        EXECUTE FUNCTION opcc_refuse('calendar feeds are never deleted: revoke them');
        CREATE TRIGGER calendar_feed_is_never_truncated BEFORE TRUNCATE ON calendar_feed FOR EACH STATEMENT
        EXECUTE FUNCTION opcc_refuse('calendar feeds are never deleted: revoke them');
        CREATE TRIGGER calendar_feed_changes_only_by_revocation BEFORE UPDATE ON calendar_feed FOR EACH ROW
        WHEN (OLD.revoked_at IS NOT NULL OR NEW.id IS DISTINCT FROM OLD.id OR NEW.person_name IS DISTINCT FROM OLD.person_name
            OR NEW.token_sha256 IS DISTINCT FROM OLD.token_sha256 OR NEW.created_at IS DISTINCT FROM OLD.created_at
            OR NEW.created_audit_seq IS DISTINCT FROM OLD.created_audit_seq)
        EXECUTE FUNCTION opcc_refuse('a calendar feed changes only once, when it is revoked');

        -- 2026-12-02-api-tokens
        CREATE TABLE api_token (
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            person_name text COLLATE "C" NOT NULL REFERENCES person(name),
            label text COLLATE "C" NOT NULL CHECK (label <> '' AND length(label) <= 80),
            token_sha256 text COLLATE "C" NOT NULL UNIQUE CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
            created_at text COLLATE "C" NOT NULL,
            created_audit_seq bigint NOT NULL REFERENCES audit_event(seq),
            revoked_at text COLLATE "C",
            revoked_audit_seq bigint REFERENCES audit_event(seq),
            CHECK ((revoked_at IS NULL) = (revoked_audit_seq IS NULL))
        );
        CREATE UNIQUE INDEX api_token_live_label ON api_token(person_name, label) WHERE revoked_at IS NULL;
        CREATE TRIGGER api_token_is_never_deleted BEFORE DELETE ON api_token FOR EACH ROW
        EXECUTE FUNCTION opcc_refuse('API tokens are never deleted: revoke them');
        CREATE TRIGGER api_token_is_never_truncated BEFORE TRUNCATE ON api_token FOR EACH STATEMENT
        EXECUTE FUNCTION opcc_refuse('API tokens are never deleted: revoke them');
        CREATE TRIGGER api_token_changes_only_by_revocation BEFORE UPDATE ON api_token FOR EACH ROW
        WHEN (OLD.revoked_at IS NOT NULL OR NEW.id IS DISTINCT FROM OLD.id OR NEW.person_name IS DISTINCT FROM OLD.person_name
            OR NEW.label IS DISTINCT FROM OLD.label OR NEW.token_sha256 IS DISTINCT FROM OLD.token_sha256
            OR NEW.created_at IS DISTINCT FROM OLD.created_at OR NEW.created_audit_seq IS DISTINCT FROM OLD.created_audit_seq)
        EXECUTE FUNCTION opcc_refuse('an API token changes only once, when it is revoked');

        -- 2026-12-06-web-sessions
        CREATE TABLE web_session (
            id_sha256 text COLLATE "C" PRIMARY KEY CHECK (id_sha256 ~ '^[0-9a-f]{64}$'),
            person_name text COLLATE "C" NOT NULL REFERENCES person(name),
            csrf text COLLATE "C" NOT NULL CHECK (csrf ~ '^[0-9a-f]{64}$'),
            created_at_ms bigint NOT NULL,
            last_seen_at_ms bigint NOT NULL CHECK (last_seen_at_ms >= created_at_ms)
        );
        CREATE INDEX web_session_person ON web_session(person_name);
        CREATE INDEX web_session_last_seen ON web_session(last_seen_at_ms);
        CREATE TABLE sign_in_throttle (
            key_sha256 text COLLATE "C" PRIMARY KEY CHECK (key_sha256 ~ '^[0-9a-f]{64}$'),
            kind text COLLATE "C" NOT NULL CHECK (kind IN ('account', 'address', 'address-account')),
            failures bigint NOT NULL CHECK (failures >= 0),
            blocked_until_ms bigint NOT NULL,
            updated_at_ms bigint NOT NULL
        );
        CREATE INDEX sign_in_throttle_updated ON sign_in_throttle(updated_at_ms);
        CREATE TABLE web_secret (
            name text COLLATE "C" PRIMARY KEY CHECK (name <> ''),
            value_hex text COLLATE "C" NOT NULL CHECK (value_hex ~ '^[0-9a-f]{64}$')
        );
        """#
}
