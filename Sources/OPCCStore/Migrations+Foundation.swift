import GRDB

extension Migrations {
    /// The first schema: offices, people and their role grants, pinned workflow definitions, workflow instances, the
    /// audit log and refusals.
    static func foundation(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE office (
                    id TEXT PRIMARY KEY NOT NULL CHECK (id <> '' AND id NOT GLOB '*[^a-z0-9-]*'),
                    name TEXT NOT NULL CHECK (name <> ''),
                    org_id TEXT,
                    profile_text TEXT NOT NULL,
                    profile_sha256 TEXT NOT NULL CHECK (length(profile_sha256) = 64),
                    registered_at TEXT NOT NULL
                ) STRICT;

                CREATE TABLE person (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE CHECK (name <> '' AND name NOT GLOB '*[ \t\n]*'),
                    display_name TEXT NOT NULL CHECK (display_name <> ''),
                    office_id TEXT NOT NULL REFERENCES office(id),
                    added_at TEXT NOT NULL
                ) STRICT;

                CREATE TABLE role_grant (
                    id INTEGER PRIMARY KEY,
                    person_id INTEGER NOT NULL REFERENCES person(id),
                    role TEXT NOT NULL CHECK (\(roleCheck)),
                    scope TEXT NOT NULL DEFAULT '',
                    UNIQUE (person_id, role, scope)
                ) STRICT;

                CREATE TABLE workflow_definition (
                    name TEXT NOT NULL CHECK (name <> ''),
                    version INTEGER NOT NULL CHECK (version >= 1),
                    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
                    text TEXT NOT NULL,
                    pinned_at TEXT NOT NULL,
                    PRIMARY KEY (name, version)
                ) STRICT;

                CREATE TABLE workflow_instance (
                    id TEXT PRIMARY KEY NOT NULL CHECK (id <> ''),
                    office_id TEXT NOT NULL REFERENCES office(id),
                    workflow TEXT NOT NULL,
                    workflow_version INTEGER NOT NULL,
                    state TEXT NOT NULL CHECK (state <> ''),
                    version INTEGER NOT NULL CHECK (version >= 0),
                    record_ref TEXT,
                    last_effective_day TEXT CHECK (last_effective_day IS NULL OR last_effective_day \(isoDay)),
                    created_at TEXT NOT NULL,
                    FOREIGN KEY (workflow, workflow_version) REFERENCES workflow_definition(name, version)
                ) STRICT;
                CREATE INDEX workflow_instance_office ON workflow_instance(office_id, workflow);

                CREATE TABLE audit_event (
                    seq INTEGER PRIMARY KEY CHECK (seq >= 1),
                    office_id TEXT NOT NULL REFERENCES office(id),
                    instance_id TEXT REFERENCES workflow_instance(id),
                    workflow TEXT,
                    workflow_version INTEGER,
                    event TEXT NOT NULL CHECK (event <> ''),
                    from_state TEXT,
                    to_state TEXT,
                    actor TEXT NOT NULL CHECK (actor <> ''),
                    role TEXT CHECK (role IS NULL OR \(roleCheck)),
                    effective_day TEXT NOT NULL CHECK (effective_day \(isoDay)),
                    recorded_at TEXT NOT NULL,
                    payload TEXT NOT NULL CHECK (json_valid(payload)),
                    prev_hash TEXT NOT NULL CHECK (length(prev_hash) = 64),
                    hash TEXT NOT NULL UNIQUE CHECK (length(hash) = 64),
                    CHECK ((instance_id IS NULL) = (workflow IS NULL))
                ) STRICT;
                CREATE INDEX audit_event_instance ON audit_event(instance_id, seq);
                CREATE TRIGGER audit_event_is_never_updated BEFORE UPDATE ON audit_event
                BEGIN SELECT RAISE(ABORT, 'audit events are never changed: record a correction as a new event'); END;
                CREATE TRIGGER audit_event_is_never_deleted BEFORE DELETE ON audit_event
                BEGIN SELECT RAISE(ABORT, 'audit events are never deleted'); END;

                CREATE TABLE refusal (
                    id INTEGER PRIMARY KEY,
                    office_id TEXT NOT NULL,
                    instance_id TEXT,
                    workflow TEXT,
                    event TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    role TEXT,
                    effective_day TEXT,
                    attempted_at TEXT NOT NULL,
                    reasons TEXT NOT NULL CHECK (json_valid(reasons))
                ) STRICT;
                CREATE INDEX refusal_instance ON refusal(instance_id);
                """)
    }
}
