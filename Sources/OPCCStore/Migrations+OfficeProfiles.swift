import GRDB

extension Migrations {
    /// The roles a grant may hold from `2026-12-09-office-profiles-and-people` on: the first list and `administrator`.
    static let roleCheckWithAdministrator =
        "role IN ('officer', 'finance', 'chief-executive', 'commissioner', "
        + "'project-board-member', 'auditor', 'public', 'administrator')"

    /// Every version of every office profile, kept as instances keep their workflow version: `office.profile_version`
    /// says which is in force, and each workflow instance records the one it was created under (existing offices get
    /// their stored text as version 1, existing instances version 1). People gain `disabled_at` (a disabled person is
    /// never deleted) and `last_sign_in_at`; role grants may hold `administrator` (the table is rebuilt, as SQLite
    /// cannot change a CHECK in place); the first-run set-up link is kept as the SHA-256 of its token only.
    static func officeProfilesAndPeople(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE office_profile_version (
                    office_id TEXT NOT NULL REFERENCES office(id),
                    version INTEGER NOT NULL CHECK (version >= 1),
                    text TEXT NOT NULL,
                    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
                    recorded_at TEXT NOT NULL,
                    recorded_by TEXT NOT NULL CHECK (recorded_by <> ''),
                    PRIMARY KEY (office_id, version)
                ) STRICT;
                INSERT INTO office_profile_version (office_id, version, text, sha256, recorded_at, recorded_by)
                    SELECT id, 1, profile_text, profile_sha256, registered_at, 'opcc-system' FROM office;
                CREATE TRIGGER office_profile_version_is_never_changed BEFORE UPDATE ON office_profile_version
                BEGIN SELECT RAISE(ABORT, 'a profile version is never changed: record a new version'); END;
                CREATE TRIGGER office_profile_version_is_never_deleted BEFORE DELETE ON office_profile_version
                BEGIN SELECT RAISE(ABORT, 'profile versions are never deleted'); END;
                ALTER TABLE office ADD COLUMN profile_version INTEGER NOT NULL DEFAULT 1 CHECK (profile_version >= 1);
                ALTER TABLE workflow_instance ADD COLUMN profile_version INTEGER NOT NULL DEFAULT 1
                    CHECK (profile_version >= 1);
                ALTER TABLE person ADD COLUMN disabled_at TEXT;
                ALTER TABLE person ADD COLUMN last_sign_in_at TEXT;

                CREATE TABLE role_grant_new (
                    id INTEGER PRIMARY KEY,
                    person_id INTEGER NOT NULL REFERENCES person(id),
                    role TEXT NOT NULL CHECK (\(roleCheckWithAdministrator)),
                    scope TEXT NOT NULL DEFAULT '',
                    UNIQUE (person_id, role, scope)
                ) STRICT;
                INSERT INTO role_grant_new (id, person_id, role, scope) SELECT id, person_id, role, scope FROM role_grant;
                DROP TABLE role_grant;
                ALTER TABLE role_grant_new RENAME TO role_grant;

                CREATE TABLE setup_link (
                    token_sha256 TEXT PRIMARY KEY NOT NULL
                        CHECK (length(token_sha256) = 64 AND token_sha256 NOT GLOB '*[^0-9a-f]*'),
                    created_at TEXT NOT NULL,
                    used_at TEXT,
                    used_by TEXT
                ) STRICT;
                """)
    }
}
