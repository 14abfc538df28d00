import Foundation
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

/// The rule a body is refused by, or nil.
func refusedRule(_ body: () async throws -> Void) async -> String? {
    do {
        try await body()
        return nil
    } catch let refusal as ServiceRefusal {
        return refusal.rule
    } catch {
        return "unexpected: \(error)"
    }
}

/// How many audit events and profile versions the database holds: what a refusal must leave as it was.
func officeFootprint(_ app: Commissioning) async throws -> [Int] {
    try await app.store.read { tx in
        let offices = try tx.offices()
        return [
            try tx.auditEvents(instance: nil, office: nil).count, offices.count,
            try offices.map { try tx.officeProfileVersions(id: $0.id).count }.reduce(0, +),
            try tx.people(office: nil).count,
        ]
    }
}

/// A profile numbered as Surrey numbers (`044/2020`).
let surreyProfile = """
    id: surrey
    name: Office of the Police and Crime Commissioner for Surrey
    decisionNumbering:
      template: "{seq:3}/{year}"
      reset: calendar-year
    publication:
      part1DeadlineWorkingDays: 5
    signatories:
      - position: originating-officer
        title: Originating officer declaration
        kind: declaration
        role: officer
      - position: chief-executive
        title: Officer approval (Chief Executive)
        kind: approval
        role: chief-executive
    roles: [officer, finance, chief-executive, commissioner, auditor, public]

    """

@Suite("Offices on any database: add, edit, and the profile version each record keeps")
struct OfficeProfileVersionTests {
    @Test(arguments: TestEngine.all) func anOfficeIsAddedFromItsProfileAsVersionOneAndAudited(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let loaded = try Commissioning.loadProfile(text: surreyProfile, source: "surrey.yaml")
        let office = try await app.addOffice(loaded, by: "j.smith")
        #expect(office.id == "surrey" && office.profileVersion == 1)
        let versions = try await app.profileVersions(of: "surrey")
        #expect(versions.map(\.version) == [1] && versions[0].recordedBy == "j.smith")
        #expect(versions[0].text == surreyProfile)
        let events = try await app.store.read { try $0.auditEvents(instance: nil, office: "surrey") }
        #expect(events.map(\.event) == ["office-registered"] && events[0].actor == "j.smith")
        // Its first person may be added by anyone; then it is managed like any office.
        try await app.addPerson(
            name: "surrey.admin", office: "surrey", grants: [RoleGrant(role: .administrator)], by: "j.smith")
        #expect(try await app.person(named: "surrey.admin")?.grants == [RoleGrant(role: .administrator)])
    }

    @Test(arguments: TestEngine.all) func aSecondOfficeWithTheSameIdIsRefusedNamingItAndChangesNothing(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let before = try await officeFootprint(app)
        let cumbria = try String(
            contentsOf: home.fixtures.appendingPathComponent("offices/cumbria.yaml"), encoding: .utf8)
        let loaded = try Commissioning.loadProfile(text: cumbria + "\n# again\n", source: "cumbria.yaml")
        do {
            _ = try await app.addOffice(loaded, by: "j.smith")
            Issue.record("a duplicate office was added")
        } catch let refusal as ServiceRefusal {
            #expect(refusal.rule == "office-id-unique" && refusal.message.contains("'cumbria'"))
        }
        #expect(try await officeFootprint(app) == before)
    }

    @Test func aProfileTheLoaderRefusesIsRefusedWithItsKeyAndLine() throws {
        do {
            _ = try Commissioning.loadProfile(text: surreyProfile + "colour: blue\n", source: "surrey.yaml")
            Issue.record("an unknown key was accepted")
        } catch let refusal as ServiceRefusal {
            #expect(refusal.rule == "valid-office-profile")
            #expect(refusal.message.contains("surrey.yaml") && refusal.message.contains("colour"))
            #expect(refusal.message.contains("line 18"), "\(refusal.message)")
        }
    }

    @Test(arguments: TestEngine.all) func anEditWhoseIdIsAnotherOfficeOrByAnOfficerIsRefusedAndChangesNothing(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let before = try await officeFootprint(app)
        let surrey = try Commissioning.loadProfile(text: surreyProfile, source: "surrey.yaml")
        #expect(
            await refusedRule { _ = try await app.editOffice("cumbria", with: surrey, by: "cumbria.chief-executive") }
                == "office-id-matches")
        let cumbria = try Commissioning.loadProfile(text: try cumbriaText(deadline: 4), source: "cumbria.yaml")
        #expect(
            await refusedRule { _ = try await app.editOffice("cumbria", with: cumbria, by: "cumbria.officer") }
                == "office-edited-by-chief-executive-or-administrator")
        #expect(
            await refusedRule { _ = try await app.editOffice("cumbria", with: cumbria, by: "lincs.chief-executive") }
                != nil)
        #expect(
            await refusedRule { _ = try await app.editOffice("nowhere", with: cumbria, by: "cumbria.chief-executive") }
                == "known-office")
        #expect(try await officeFootprint(app) == before)
    }

    @Test(arguments: TestEngine.all) func anOldRecordKeepsItsProfileVersionWhileANewOneGetsTheNew(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let old = try await app.raiseDecision(office: "cumbria", draft: shortDraft("Before"), by: "cumbria.officer")
        let edited = try Commissioning.loadProfile(text: try cumbriaText(deadline: 4), source: "cumbria.yaml")
        let office = try await app.editOffice("cumbria", with: edited, by: "cumbria.chief-executive")
        #expect(office.profileVersion == 2)
        #expect(try await app.profile(of: "cumbria").part1DeadlineWorkingDays == 4)
        // The same text again is no new version.
        #expect(try await app.editOffice("cumbria", with: edited, by: "cumbria.chief-executive").profileVersion == 2)
        let new = try await app.raiseDecision(office: "cumbria", draft: shortDraft("After"), by: "cumbria.officer")
        #expect(try await app.showDecision(old.id, office: nil, by: "cumbria.officer").profileVersion == 1)
        #expect(try await app.showDecision(new.id, office: nil, by: "cumbria.officer").profileVersion == 2)
        let versions = try await app.profileVersions(of: "cumbria")
        #expect(versions.map(\.version) == [1, 2] && versions[1].recordedBy == "cumbria.chief-executive")
        let events = try await app.store.read { try $0.auditEvents(instance: nil, office: "cumbria") }
        let changed = try #require(events.last { $0.event == "office-profile-changed" })
        #expect(changed.actor == "cumbria.chief-executive")
        // The demo loader goes through the same versioned path: loading again adds no version.
        _ = try await app.loadDemo(from: home, returns: false)
        #expect(try await app.profileVersions(of: "lincolnshire").map(\.version) == [1])
    }

    /// Cumbria's shipped profile with another Part 1 deadline.
    func cumbriaText(deadline: Int) throws -> String {
        let text = try String(
            contentsOf: home.fixtures.appendingPathComponent("offices/cumbria.yaml"), encoding: .utf8)
        return text.replacingOccurrences(
            of: "part1DeadlineWorkingDays: 3", with: "part1DeadlineWorkingDays: \(deadline)")
    }
}
