import Testing

@testable import OPCCStore

/// Which statements stop a transaction from using the act cache: every write naming a cached table, whatever its
/// form, and no read.
@Suite("Act cache: a write to a cached table is recognised")
struct ActReadCacheTests {
    @Test func writesNamingPersonRoleGrantOrOfficeAreRecognised() {
        for sql in [
            "INSERT INTO person (name, display_name, office_id, added_at) VALUES (?, ?, ?, ?)",
            "UPDATE person SET disabled_at = ? WHERE name = ?",
            "  update PERSON set email = ? where name = ?",
            "DELETE FROM role_grant WHERE role = ? AND scope = ? AND person_id = (SELECT id FROM person WHERE name = ?)",
            "INSERT INTO role_grant (person_id, role, scope) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            "INSERT INTO office (id, name) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name",
            "ALTER TABLE person DISABLE TRIGGER USER",
            "WITH x AS (SELECT 1) UPDATE \"office\" SET name = ? WHERE id = ?",
        ] {
            #expect(ActReadCache.classify(sql), "\(sql)")
        }
    }

    @Test func readsAndWritesOfOtherTablesAreNot() {
        for sql in [
            "SELECT p.name FROM person p LEFT JOIN role_grant g ON g.person_id = p.id WHERE p.name = ?",
            "SELECT profile_sha256 FROM office WHERE id = ?",
            "UPDATE workflow_instance SET state = ?, version = version + 1 WHERE id = ? AND version = ?",
            "INSERT INTO audit_event (seq, office_id, instance_id) VALUES (?, ?, ?)",
            "PRAGMA data_version",
            "SAVEPOINT opcc_savepoint",
            "UPDATE person_password SET password_hash = ? WHERE person_name = ?",
        ] {
            #expect(!ActReadCache.classify(sql), "\(sql)")
        }
    }
}
