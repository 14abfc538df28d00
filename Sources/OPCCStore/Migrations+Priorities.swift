import GRDB

extension Migrations {
    /// Priority setting with the risk/harm matrix (seed 001): a partnership's assessment per year with its declared
    /// method, the partner agencies, the threats with their recorded totals and probability inputs, each agency's
    /// harm score (a sum of six factors of 1–4, so 6–24), the selected priorities with the threats they cover and the
    /// budget lines that fund them, and the board's decisions with their reasons. Scores change only while the
    /// assessment is being scored and priorities only while the board is selecting (money links also once adopted);
    /// board decisions are never changed or deleted: a later decision is a new record.
    static func priorities(_ db: Database) throws {
        let state = "(SELECT state FROM workflow_instance WHERE id = NEW.assessment_id)"
        let oldState = "(SELECT state FROM workflow_instance WHERE id = OLD.assessment_id)"
        try db.execute(
            sql: """
                CREATE TABLE priority_assessment (
                    id TEXT PRIMARY KEY NOT NULL REFERENCES workflow_instance(id),
                    office_id TEXT NOT NULL REFERENCES office(id),
                    partnership_code TEXT NOT NULL
                        CHECK (partnership_code <> '' AND partnership_code NOT GLOB '*[^A-Za-z0-9-]*'),
                    partnership_name TEXT NOT NULL CHECK (partnership_name <> ''),
                    year_start INTEGER NOT NULL CHECK (year_start BETWEEN 1998 AND 2200),
                    source TEXT,
                    method_json TEXT NOT NULL CHECK (json_valid(method_json)),
                    UNIQUE (office_id, partnership_code, year_start)
                ) STRICT;

                CREATE TABLE priority_agency (
                    assessment_id TEXT NOT NULL REFERENCES priority_assessment(id),
                    position INTEGER NOT NULL CHECK (position >= 1),
                    name TEXT NOT NULL CHECK (name <> ''),
                    PRIMARY KEY (assessment_id, name),
                    UNIQUE (assessment_id, position)
                ) STRICT;

                CREATE TABLE priority_threat (
                    assessment_id TEXT NOT NULL REFERENCES priority_assessment(id),
                    position INTEGER NOT NULL CHECK (position >= 1),
                    name TEXT NOT NULL CHECK (name <> ''),
                    recorded_total INTEGER CHECK (recorded_total IS NULL OR recorded_total >= 0),
                    control TEXT CHECK (control IS NULL OR control IN ('under-control', 'uncontrolled', 'reducing')),
                    volume_share_bp INTEGER CHECK (volume_share_bp IS NULL OR volume_share_bp BETWEEN 0 AND 10000),
                    note TEXT,
                    PRIMARY KEY (assessment_id, name),
                    UNIQUE (assessment_id, position)
                ) STRICT;

                CREATE TABLE priority_harm_score (
                    assessment_id TEXT NOT NULL,
                    threat TEXT NOT NULL,
                    agency TEXT NOT NULL,
                    sum_score INTEGER NOT NULL CHECK (sum_score BETWEEN 6 AND 24),
                    factors_json TEXT CHECK (factors_json IS NULL
                        OR (json_valid(factors_json) AND json_array_length(factors_json) = 6)),
                    PRIMARY KEY (assessment_id, threat, agency),
                    FOREIGN KEY (assessment_id, threat) REFERENCES priority_threat(assessment_id, name),
                    FOREIGN KEY (assessment_id, agency) REFERENCES priority_agency(assessment_id, name)
                ) STRICT;

                CREATE TABLE priority (
                    assessment_id TEXT NOT NULL REFERENCES priority_assessment(id),
                    code TEXT NOT NULL CHECK (code <> '' AND code NOT GLOB '*[^A-Za-z0-9-]*'),
                    position INTEGER NOT NULL CHECK (position >= 1),
                    title TEXT NOT NULL CHECK (title <> ''),
                    kind TEXT NOT NULL CHECK (kind IN ('local', 'statutory')),
                    PRIMARY KEY (assessment_id, code)
                ) STRICT;

                CREATE TABLE priority_coverage (
                    assessment_id TEXT NOT NULL,
                    priority_code TEXT NOT NULL,
                    position INTEGER NOT NULL CHECK (position >= 1),
                    threat TEXT NOT NULL,
                    PRIMARY KEY (assessment_id, priority_code, threat),
                    FOREIGN KEY (assessment_id, priority_code) REFERENCES priority(assessment_id, code),
                    FOREIGN KEY (assessment_id, threat) REFERENCES priority_threat(assessment_id, name)
                ) STRICT;

                CREATE TABLE priority_money_link (
                    assessment_id TEXT NOT NULL,
                    priority_code TEXT NOT NULL,
                    position INTEGER NOT NULL CHECK (position >= 1),
                    strand TEXT NOT NULL CHECK (strand <> ''),
                    recipient_org_id TEXT NOT NULL DEFAULT '',
                    service TEXT,
                    share_bp INTEGER NOT NULL CHECK (share_bp BETWEEN 1 AND 10000),
                    PRIMARY KEY (assessment_id, priority_code, strand, recipient_org_id),
                    FOREIGN KEY (assessment_id, priority_code) REFERENCES priority(assessment_id, code)
                ) STRICT;

                CREATE TABLE priority_board_record (
                    assessment_id TEXT NOT NULL REFERENCES priority_assessment(id),
                    seq INTEGER NOT NULL CHECK (seq >= 1),
                    kind TEXT NOT NULL CHECK (kind IN ('medium-decision', 'compulsion', 'priority-count')),
                    threat TEXT,
                    selected INTEGER CHECK (selected IS NULL OR selected IN (0, 1)),
                    compulsion TEXT CHECK (compulsion IS NULL
                        OR compulsion IN ('national-steer', 'statutory-duty', 'police-and-crime-plan', 'other')),
                    priority_count INTEGER CHECK (priority_count IS NULL OR priority_count >= 1),
                    reason TEXT NOT NULL CHECK (trim(reason) <> ''),
                    day TEXT NOT NULL CHECK (day \(isoDay)),
                    recorded_by TEXT NOT NULL CHECK (recorded_by <> ''),
                    audit_seq INTEGER NOT NULL REFERENCES audit_event(seq),
                    PRIMARY KEY (assessment_id, seq),
                    FOREIGN KEY (assessment_id, threat) REFERENCES priority_threat(assessment_id, name),
                    CHECK ((kind = 'medium-decision') = (selected IS NOT NULL)),
                    CHECK ((kind = 'compulsion') = (compulsion IS NOT NULL)),
                    CHECK ((kind = 'priority-count') = (priority_count IS NOT NULL)),
                    CHECK ((kind = 'priority-count') = (threat IS NULL))
                ) STRICT;

                CREATE TRIGGER priority_board_record_is_never_changed BEFORE UPDATE ON priority_board_record
                BEGIN SELECT RAISE(ABORT, 'a board decision is never changed: record a new decision'); END;
                CREATE TRIGGER priority_board_record_is_never_deleted BEFORE DELETE ON priority_board_record
                BEGIN SELECT RAISE(ABORT, 'board decisions are never deleted'); END;
                CREATE TRIGGER priority_board_record_only_while_selecting BEFORE INSERT ON priority_board_record
                WHEN \(state) IS NOT 'selecting'
                BEGIN SELECT RAISE(ABORT, 'board decisions are recorded only while the board is selecting'); END;

                CREATE TRIGGER priority_harm_score_added_only_while_scoring BEFORE INSERT ON priority_harm_score
                WHEN \(state) IS NOT 'scoring'
                BEGIN SELECT RAISE(ABORT, 'harm scores change only while the assessment is being scored'); END;
                CREATE TRIGGER priority_harm_score_changed_only_while_scoring BEFORE UPDATE ON priority_harm_score
                WHEN \(oldState) IS NOT 'scoring'
                BEGIN SELECT RAISE(ABORT, 'harm scores change only while the assessment is being scored'); END;
                CREATE TRIGGER priority_harm_score_is_never_deleted BEFORE DELETE ON priority_harm_score
                BEGIN SELECT RAISE(ABORT, 'harm scores are never deleted: record the corrected score'); END;
                CREATE TRIGGER priority_threat_changed_only_while_scoring BEFORE UPDATE ON priority_threat
                WHEN \(oldState) IS NOT 'scoring'
                BEGIN SELECT RAISE(ABORT, 'threats change only while the assessment is being scored'); END;
                CREATE TRIGGER priority_threat_is_never_deleted BEFORE DELETE ON priority_threat
                BEGIN SELECT RAISE(ABORT, 'threats are never deleted'); END;

                CREATE TRIGGER priority_added_only_while_selecting BEFORE INSERT ON priority
                WHEN \(state) IS NOT 'selecting'
                BEGIN SELECT RAISE(ABORT, 'priorities change only while the board is selecting'); END;
                CREATE TRIGGER priority_changed_only_while_selecting BEFORE UPDATE ON priority
                WHEN \(oldState) IS NOT 'selecting'
                BEGIN SELECT RAISE(ABORT, 'priorities change only while the board is selecting'); END;
                CREATE TRIGGER priority_removed_only_while_selecting BEFORE DELETE ON priority
                WHEN \(oldState) IS NOT 'selecting'
                BEGIN SELECT RAISE(ABORT, 'priorities change only while the board is selecting'); END;
                CREATE TRIGGER priority_coverage_added_only_while_selecting BEFORE INSERT ON priority_coverage
                WHEN \(state) IS NOT 'selecting'
                BEGIN SELECT RAISE(ABORT, 'priorities change only while the board is selecting'); END;
                CREATE TRIGGER priority_coverage_removed_only_while_selecting BEFORE DELETE ON priority_coverage
                WHEN \(oldState) IS NOT 'selecting'
                BEGIN SELECT RAISE(ABORT, 'priorities change only while the board is selecting'); END;
                CREATE TRIGGER priority_money_link_added_while_live BEFORE INSERT ON priority_money_link
                WHEN \(state) NOT IN ('selecting', 'adopted')
                BEGIN SELECT RAISE(ABORT, 'money links change only while selecting or adopted'); END;
                CREATE TRIGGER priority_money_link_removed_while_live BEFORE DELETE ON priority_money_link
                WHEN \(oldState) NOT IN ('selecting', 'adopted')
                BEGIN SELECT RAISE(ABORT, 'money links change only while selecting or adopted'); END;
                """)
    }
}
