extension PGMigrations {
    /// `2026-12-09-office-profiles-and-people`, translated from `Migrations.officeProfilesAndPeople` (SQLite); the role
    /// CHECK of `role_grant` is replaced in place (SQLite rebuilds the table).
    static let officeProfilesAndPeople = #"""
        CREATE TABLE office_profile_version (
            office_id text COLLATE "C" NOT NULL REFERENCES office(id),
            version bigint NOT NULL CHECK (version >= 1),
            text text COLLATE "C" NOT NULL,
            sha256 text COLLATE "C" NOT NULL CHECK (length(sha256) = 64),
            recorded_at text COLLATE "C" NOT NULL,
            recorded_by text COLLATE "C" NOT NULL CHECK (recorded_by <> ''),
            PRIMARY KEY (office_id, version)
        );
        INSERT INTO office_profile_version (office_id, version, text, sha256, recorded_at, recorded_by)
            SELECT id, 1, profile_text, profile_sha256, registered_at, 'opcc-system' FROM office;
        CREATE TRIGGER office_profile_version_is_never_changed BEFORE UPDATE ON office_profile_version FOR EACH ROW
        EXECUTE FUNCTION opcc_refuse('a profile version is never changed: record a new version');
        CREATE TRIGGER office_profile_version_is_never_deleted BEFORE DELETE ON office_profile_version FOR EACH ROW
        EXECUTE FUNCTION opcc_refuse('profile versions are never deleted');
        CREATE TRIGGER office_profile_version_is_never_truncated BEFORE TRUNCATE ON office_profile_version
        FOR EACH STATEMENT EXECUTE FUNCTION opcc_refuse('profile versions are never deleted');
        ALTER TABLE office ADD COLUMN profile_version bigint NOT NULL DEFAULT 1 CHECK (profile_version >= 1);
        ALTER TABLE workflow_instance ADD COLUMN profile_version bigint NOT NULL DEFAULT 1 CHECK (profile_version >= 1);
        ALTER TABLE person ADD COLUMN disabled_at text COLLATE "C";
        ALTER TABLE person ADD COLUMN last_sign_in_at text COLLATE "C";

        ALTER TABLE role_grant DROP CONSTRAINT role_grant_role_check;
        ALTER TABLE role_grant ADD CONSTRAINT role_grant_role_check CHECK (role IN ('officer', 'finance',
            'chief-executive', 'commissioner', 'project-board-member', 'auditor', 'public', 'administrator'));

        CREATE TABLE setup_link (
            token_sha256 text COLLATE "C" PRIMARY KEY CHECK (length(token_sha256) = 64 AND token_sha256 ~ '^[0-9a-f]+$'),
            created_at text COLLATE "C" NOT NULL,
            used_at text COLLATE "C",
            used_by text COLLATE "C"
        );
        """#
}
