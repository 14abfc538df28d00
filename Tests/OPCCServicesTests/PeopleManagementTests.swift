import Foundation
import GRDB
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

private let fakeHash: @Sendable (String) -> String = { "$2b$04$" + SHA256Hex.of($0) }

@Suite("People: roles granted and ended, people disabled and enabled, by the chief executive or an administrator")
struct PeopleManagementTests {
    /// The audit events of `office` after the first `skip`.
    func events(_ app: Commissioning, _ office: String, after skip: Int) async throws -> [AuditEvent] {
        Array(try await app.store.read { try $0.auditEvents(instance: nil, office: office) }.dropFirst(skip))
    }

    func eventCount(_ app: Commissioning, _ office: String) async throws -> Int {
        try await app.store.read { try $0.auditEvents(instance: nil, office: office).count }
    }

    @Test(arguments: TestEngine.all) func aRoleIsGrantedWithAScopeAndEndedEachByOneAuditedEvent(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let start = try await eventCount(app, "cumbria")
        try await app.grantRole(
            RoleGrant(role: .projectBoardMember, scope: ["GA-X"]), to: "cumbria.officer", by: "cumbria.chief-executive")
        var person = try #require(try await app.person(named: "cumbria.officer"))
        #expect(person.grants.contains(RoleGrant(role: .projectBoardMember, scope: ["GA-X"])))
        try await app.endRole(.projectBoardMember, scope: "GA-X", of: "cumbria.officer", by: "cumbria.chief-executive")
        person = try #require(try await app.person(named: "cumbria.officer"))
        #expect(!person.grants.contains { $0.role == .projectBoardMember })
        let added = try await events(app, "cumbria", after: start)
        #expect(added.map(\.event) == ["role-granted", "role-ended"])
        #expect(added.allSatisfy { $0.actor == "cumbria.chief-executive" && $0.payload.contains("cumbria.officer") })
    }

    @Test(arguments: TestEngine.all) func anAdministratorManagesPeopleAsTheChiefExecutiveDoes(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        try await app.grantRole(RoleGrant(role: .administrator), to: "cumbria.finance", by: "cumbria.chief-executive")
        try await app.addPerson(
            name: "cumbria.new", displayName: "Zoë Ørsted", office: "cumbria", grants: [RoleGrant(role: .officer)],
            by: "cumbria.finance")
        try await app.disablePerson("cumbria.new", by: "cumbria.finance")
        try await app.enablePerson("cumbria.new", by: "cumbria.finance")
        #expect(try await app.person(named: "cumbria.new")?.isDisabled == false)
    }

    @Test(arguments: TestEngine.all) func peopleManagedByChiefExecutiveRefusesAnOfficerAndChangesNothing(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let before = try await officeFootprint(app)
        #expect(
            await refusedRule {
                try await app.grantRole(RoleGrant(role: .finance), to: "cumbria.officer", by: "cumbria.officer")
            } == "people-managed-by-chief-executive")
        #expect(
            await refusedRule { try await app.disablePerson("cumbria.finance", by: "cumbria.officer") }
                == "people-managed-by-chief-executive")
        #expect(
            await refusedRule {
                try await app.addPerson(
                    name: "x.y", office: "cumbria", grants: [RoleGrant(role: .officer)], by: "cumbria.officer")
            } == "people-managed-by-chief-executive")
        #expect(try await officeFootprint(app) == before)
    }

    @Test(arguments: TestEngine.all) func ownOfficeRefusesManagingAnotherOfficesPerson(engine: TestEngine) async throws
    {
        let (app, _) = try await demoApp(engine: engine)
        let before = try await officeFootprint(app)
        #expect(
            await refusedRule { try await app.disablePerson("lincs.officer", by: "cumbria.chief-executive") }
                == "own-office")
        #expect(
            await refusedRule {
                try await app.grantRole(RoleGrant(role: .finance), to: "lincs.officer", by: "cumbria.chief-executive")
            } == "own-office")
        #expect(try await officeFootprint(app) == before)
    }

    @Test(arguments: TestEngine.all) func grantHeldRefusesEndingARoleThePersonLacks(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let before = try await officeFootprint(app)
        #expect(
            await refusedRule { try await app.endRole(.finance, of: "cumbria.officer", by: "cumbria.chief-executive") }
                == "grant-held")
        #expect(try await officeFootprint(app) == before)
    }

    @Test(arguments: TestEngine.all) func peopleManagerKeptRefusesDisablingOrDemotingTheLastManager(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let before = try await officeFootprint(app)
        #expect(
            await refusedRule { try await app.disablePerson("cumbria.chief-executive", by: "cumbria.chief-executive") }
                == "people-manager-kept")
        #expect(
            await refusedRule {
                try await app.endRole(.chiefExecutive, of: "cumbria.chief-executive", by: "cumbria.chief-executive")
            } == "people-manager-kept")
        #expect(try await officeFootprint(app) == before)
    }

    @Test(arguments: TestEngine.all) func aDisabledPersonCannotSignInActOrUseATokenAndTheirSessionsEnd(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        try await app.setPasswordHash(fakeHash("a long passphrase"), of: "cumbria.officer")
        let token = try await app.createAPIToken(label: "script", by: "cumbria.officer").token
        let signedIn = try await app.signIn(name: "cumbria.officer", address: "192.0.2.1") {
            $0 == fakeHash("a long passphrase")
        }
        guard case .signedIn(let sessionID, _) = signedIn else { Issue.record("no sign-in"); return }
        #expect(try await app.person(named: "cumbria.officer")?.lastSignInAt != nil)
        let start = try await eventCount(app, "cumbria")
        #expect(try await app.disablePerson("cumbria.officer", by: "cumbria.chief-executive") == 1)
        #expect(try await app.session(id: sessionID) == nil)
        let again = try await app.signIn(name: "cumbria.officer", address: "192.0.2.1") {
            $0 == fakeHash("a long passphrase")
        }
        guard case .refused = again else { Issue.record("a disabled person signed in"); return }
        #expect(await refusedRule { _ = try await app.apiTokenPerson(token) } == "person-active")
        #expect(
            await refusedRule {
                _ = try await app.raiseDecision(office: "cumbria", draft: shortDraft(), by: "cumbria.officer")
            } == "person-active")
        #expect(
            await refusedRule { try await app.disablePerson("cumbria.officer", by: "cumbria.chief-executive") }
                == "person-active")
        // Never deleted: still listed, and named by the audit log.
        #expect(try await app.people(office: "cumbria").contains { $0.name == "cumbria.officer" && $0.isDisabled })
        try await app.enablePerson("cumbria.officer", by: "cumbria.chief-executive")
        #expect(try await app.apiTokenPerson(token) == "cumbria.officer")
        #expect(
            await refusedRule { try await app.enablePerson("cumbria.officer", by: "cumbria.chief-executive") }
                == "person-disabled")
        let added = try await events(app, "cumbria", after: start)
        #expect(added.map(\.event) == ["person-disabled", "person-enabled"])
    }
}

extension PeopleManagementTests {
    @Test(arguments: TestEngine.all) func aPersonEnabledBehindTheProductsBackFailsVerification(
        engine: TestEngine
    ) async throws {
        let (app, store) = try await demoApp(engine: engine)
        try await app.disablePerson("cumbria.officer", by: "cumbria.chief-executive")
        let edited = try Commissioning.loadProfile(
            text: try String(contentsOf: home.fixtures.appendingPathComponent("offices/cumbria.yaml"), encoding: .utf8)
                + "# edited\n",
            source: "cumbria.yaml")
        _ = try await app.editOffice("cumbria", with: edited, by: "cumbria.chief-executive")
        #expect(try await app.verifyAudit().isIntact)
        let tamper = "UPDATE person SET disabled_at = NULL WHERE name = 'cumbria.officer'"
        if let sqlite = store as? SQLiteStore {
            try await sqlite.writer.write { try $0.execute(sql: tamper) }
        } else {
            let url = try #require(store as? PostgresStore).displayURL
            _ = try await offThePool { try PGConnection(url: url).execute(tamper) }
        }
        let verified = try await app.verifyAudit()
        #expect(!verified.isIntact)
        #expect(verified.problems.contains { $0.contains("cumbria.officer") }, "\(verified.problems)")
    }
}

@Suite("First run: the one-time set-up link creates the first office and its administrator")
struct FirstRunSetUpTests {
    func emptyApp(_ engine: TestEngine) async throws -> Commissioning {
        try Commissioning(
            store: try await engine.makeStore(), catalog: try shippedCatalog(),
            clock: FixedClock(day: day("2026-11-20")))
    }

    @Test(arguments: TestEngine.all) func aLinkIsIssuedOnlyOnADatabaseWithNoOffice(engine: TestEngine) async throws {
        let empty = try await emptyApp(engine)
        let token = try #require(try await empty.issueSetUpLinkIfEmpty())
        #expect(token.count == 43)
        let stored = try await empty.store.read { try $0.setupLink(tokenSHA256: SHA256Hex.of(token)) }
        #expect(stored.exists && stored.usedAt == nil)
        let (demo, _) = try await demoApp(engine: engine)
        #expect(try await demo.issueSetUpLinkIfEmpty() == nil)
    }

    @Test(arguments: TestEngine.all) func theLinkCreatesTheOfficeAndItsAdministratorOnceInOneTransaction(
        engine: TestEngine
    ) async throws {
        let app = try await emptyApp(engine)
        let token = try #require(try await app.issueSetUpLinkIfEmpty())
        try await app.checkSetUpLink(token)
        let text = Commissioning.setUpProfileText(id: "surrey", name: "OPCC for Surrey", numbering: .sequenceSlashYear)
        let loaded = try Commissioning.loadProfile(text: text, source: "the office form")
        let done = try await app.completeSetUp(
            token: token, profile: loaded, name: "s.admin", displayName: "Sam Admin", email: "sam@surrey.example",
            password: "a long passphrase", hash: fakeHash)
        #expect(done.office.id == "surrey" && done.administrator == "s.admin")
        let person = try #require(try await app.person(named: "s.admin"))
        #expect(person.grants == [RoleGrant(role: .administrator)] && person.email == "sam@surrey.example")
        #expect(try await app.passwordHash(of: "s.admin") == fakeHash("a long passphrase"))
        let events = try await app.store.read { try $0.auditEvents(instance: nil, office: "surrey") }.map(\.event)
        #expect(events == ["office-registered", "person-added", "first-run-set-up"])
        #expect(try await app.profile(of: "surrey").numbering.text == "{seq:3}/{year}")
        #expect(await refusedRule { try await app.checkSetUpLink(token) } == "setup-link-unused")
        #expect(
            await refusedRule {
                _ = try await app.completeSetUp(
                    token: token, profile: loaded, name: "t.admin", displayName: "T", email: "t@surrey.example",
                    password: "a long passphrase", hash: fakeHash)
            } == "setup-link-unused")
        #expect(try await app.issueSetUpLinkIfEmpty() == nil)
        #expect(try await app.people(office: nil).count == 1)
    }

    @Test(arguments: TestEngine.all) func setupLinkKnownRefusesAnUnknownLink(engine: TestEngine) async throws {
        let app = try await emptyApp(engine)
        _ = try await app.issueSetUpLinkIfEmpty()
        #expect(await refusedRule { try await app.checkSetUpLink("not-a-token") } == "setup-link-known")
        #expect(
            await refusedRule { try await app.checkSetUpLink(String(repeating: "a", count: 43)) }
                == "setup-link-known")
    }

    @Test(arguments: TestEngine.all) func aBadProfileOrPersonIsRefusedAndNothingIsWritten(
        engine: TestEngine
    ) async throws {
        let app = try await emptyApp(engine)
        let token = try #require(try await app.issueSetUpLinkIfEmpty())
        #expect(
            await refusedRule { _ = try Commissioning.loadProfile(text: "id: x\nnmae: y\n", source: "the profile") }
                == "valid-office-profile")
        let bad = Commissioning.setUpProfileText(id: "Not An Id", name: "X", numbering: .sequenceOnly)
        #expect(
            await refusedRule { _ = try Commissioning.loadProfile(text: bad, source: "the office form") }
                == "valid-office-profile")
        let good = try Commissioning.loadProfile(
            text: Commissioning.setUpProfileText(id: "surrey", name: "Surrey", numbering: .yearDashSequence),
            source: "the office form")
        for (name, email, password) in [
            ("bad name", "a@b.example", "a long passphrase"), ("ok", "not an address", "a long passphrase"),
            ("ok", "a@b.example", "short"),
        ] {
            #expect(
                await refusedRule {
                    _ = try await app.completeSetUp(
                        token: token, profile: good, name: name, displayName: "D", email: email, password: password,
                        hash: fakeHash)
                } != nil)
        }
        #expect(try await app.offices().isEmpty)
        #expect(try await app.people(office: nil).isEmpty)
        try await app.checkSetUpLink(token)
    }
}
