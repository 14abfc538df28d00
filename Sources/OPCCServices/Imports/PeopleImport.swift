import Foundation
import OPCCCore
import OPCCStore

/// People and their roles, one person a row: sign-in name, display name, e-mail address, roles (separated by `;`)
/// and scope (record ids separated by `;`, limiting every role of the row to those records, e.g. a project board's
/// grants; blank for office-wide roles). Each person is added by one `person-added` event citing the file and row,
/// as `opcc user add` adds one.
public enum PeopleImport {
    public static let columns = ImportColumns([
        .init("name", required: true, also: ["sign-in name", "sign in name", "username", "user name", "login"]),
        .init("display name", also: ["full name", "displayname"]),
        .init("email", also: ["e-mail", "email address", "e-mail address", "mail"]),
        .init("roles", required: true, also: ["role"]),
        .init("scope", also: ["scopes", "records"]),
    ])

    struct Row: Sendable {
        let name: String
        let displayName: String?
        let email: String?
        let grants: [RoleGrant]
    }

    static func check(_ c: inout ImportRowCheck, profile: OfficeProfile, office: String) -> Row? {
        let name = c.trimmed("name")
        if name.isEmpty {
            c.fail("name", .personName, "is empty; give the person's sign-in name")
        } else {
            do { try Commissioning.checkPersonName(name) } catch let refusal as ServiceRefusal {
                c.fail("name", .personName, refusal.message)
            } catch { c.fail("name", .personName, "\(error)") }
        }
        let displayName = c.text("display name", .name)
        var email: String?
        let emailText = c.trimmed("email")
        if !emailText.isEmpty {
            do { email = try Commissioning.checkedEmail(emailText) } catch let refusal as ServiceRefusal {
                c.fail("email", .emailAddress, refusal.message)
            } catch { c.fail("email", .emailAddress, "\(error)") }
        }
        let scope = c.trimmed("scope").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        for record in scope where record.unicodeScalars.contains(where: { !$0.isASCII || $0 == " " }) {
            c.fail("scope", .importRowsValid, "'\(record)' is not a record id (e.g. cumbria-GA-0001)")
        }
        var grants: [RoleGrant] = []
        let roleNames = c.trimmed("roles").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        if roleNames.isEmpty {
            c.fail("roles", .roleRequired, "is empty; give at least one role (\(Role.namesForHelp)), separated by ';'")
        }
        for roleName in roleNames {
            let key = ImportColumns.key(roleName)
            guard let role = Role.allCases.first(where: { ImportColumns.key($0.rawValue) == key }) else {
                c.fail(
                    "roles", .officeRole,
                    "'\(roleName)' is not a role: use \(profile.roles.sorted().map(\.rawValue).joined(separator: ", "))"
                )
                continue
            }
            guard profile.roles.contains(role) else {
                c.fail("roles", .officeRole, "office \(office) does not use the role \(role)")
                continue
            }
            grants.append(RoleGrant(role: role, scope: scope))
        }
        guard c.errors.isEmpty else { return nil }
        return Row(name: name, displayName: displayName, email: email, grants: grants)
    }
}

extension Commissioning {
    /// Imports people into `office`: as `addPerson`, the office's chief executive or an administrator adds them (or anyone while the
    /// office has nobody yet); every row checked, then all in one transaction.
    public func importPeople(
        _ table: ImportTable, office: String, by actorName: String, options: ImportOptions = ImportOptions()
    ) async throws -> ImportReport {
        let profile = try await self.profile(of: office)
        return try await runImport(
            .people, table: table, options: options,
            check: { PeopleImport.check(&$0, profile: profile, office: office) },
            authorise: { tx -> String? in
                guard try tx.people(office: office).isEmpty else {
                    let person = try self.actor(named: actorName, in: tx)
                    guard person.managesPeople(of: office) else {
                        throw ServiceRefusal(
                            rule: .peopleManagedByChiefExecutive,
                            message: "only the office's chief executive or an administrator may add people to "
                                + "\(office)", kind: .forbidden)
                    }
                    // The audit log's role column holds workflow roles: an administrator's act records none, as the
                    // people page's acts do.
                    return person.actor.roles(covering: nil).contains(.chiefExecutive)
                        ? Role.chiefExecutive.rawValue : nil
                }
                return nil
            },
            write: { row, fileRow, role, tx in
                if let existing = try tx.person(named: row.name) {
                    throw ImportRowProblem(
                        column: "name", rule: .personName,
                        message: "'\(row.name)' is already a person (of \(existing.office))")
                }
                try tx.addPerson(
                    name: row.name, displayName: row.displayName ?? row.name, office: office,
                    addedAt: self.clock.timestamp())
                for grant in row.grants {
                    if grant.scope.isEmpty {
                        try tx.addGrant(person: row.name, role: grant.role, scope: nil)
                    } else {
                        for record in grant.scope { try tx.addGrant(person: row.name, role: grant.role, scope: record) }
                    }
                }
                var payload = Self.importPayload(table, fileRow)
                payload["person"] = row.name
                payload["roles"] = row.grants.map(\.description).joined(separator: "; ")
                if let email = row.email {
                    try tx.setPersonEmail(name: row.name, email: email)
                    payload["email"] = email
                }
                try tx.append(
                    AuditEventDraft(
                        office: office, event: "person-added", actor: actorName, role: role,
                        effectiveDay: self.clock.today(), recordedAt: self.clock.timestamp(), payload: payload,
                        sealSubject: .person(row.name)))
                return "\(row.name) (\(row.displayName ?? row.name)): "
                    + row.grants.map(\.description).joined(separator: "; ")
            }, duplicateKey: { $0.name.lowercased() }, duplicateColumn: "name")
    }
}
