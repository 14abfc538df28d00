import Foundation
import OPCCCore
import OPCCStore

/// Loads every office profile and demo scenario under `fixtures/`, so a new user sees the seeds' real cases with one
/// command. Idempotent: what is already there is left as it is.
extension Commissioning {
    /// One line per thing loaded or already present.
    public struct DemoReport: Sendable {
        public var lines: [String] = []
    }

    private struct DemoPerson: Decodable {
        var name: String
        var displayName: String?
        var roles: [Role]
        var scope: [String]?
        /// Where notifications go (optional; checked as `opcc user email` checks it).
        var email: String?
    }

    /// Loads the demo; `returns: false` stops before the quarterly returns scenario (finance mid-year, unpaid).
    public func loadDemo(
        from home: ProductHome, returns: Bool = true, progress: (String) -> Void = { _ in }
    ) async throws -> DemoReport {
        var report = DemoReport()
        let profiles = try OfficeProfile.loadAll(from: home)
        for loaded in profiles {
            let existed = try await registerOffice(loaded)
            let line = "office \(loaded.profile.id): \(loaded.profile.name) (\(existed ? "already loaded" : "loaded"))"
            report.lines.append(line)
            progress(line)
        }
        let peopleFile = home.fixtures.appendingPathComponent("people.yaml")
        let source = home.relative(peopleFile)
        let text = try readText(peopleFile, shownAs: source)
        let byOffice = try StrictYAML.decode(
            [String: [DemoPerson]].self, from: text, source: source, rule: .validFixture)
        for office in byOffice.keys.sorted() {
            guard profiles.contains(where: { $0.profile.id == office }) else {
                throw ServiceRefusal(rule: .validFixture, message: "\(source): \(office): no such office profile")
            }
            var added = 0
            for p in byOffice[office]! where try await store.read({ try $0.person(named: p.name) }) == nil {
                let grants = p.roles.map { RoleGrant(role: $0, scope: p.scope ?? []) }
                try await addPerson(
                    name: p.name, displayName: p.displayName, office: office, grants: grants,
                    by: Self.systemActor, on: nil, authorised: true, email: p.email)
                added += 1
            }
            let line = "people in \(office): \(byOffice[office]!.count) (\(added) added)"
            report.lines.append(line)
            progress(line)
        }
        try await loadDemoDecisions(from: home, into: &report, progress: progress)
        for file in ProductHome.yamlFiles(in: home.fixtures.appendingPathComponent("finance")) {
            let source = home.relative(file)
            let fixture = try FinanceFixture.parse(yaml: try readText(file, shownAs: source), source: source)
            let line = try await loadFinanceFixture(fixture, source: source)
            report.lines.append(line)
            progress(line)
        }
        let vliFolder = home.fixtures.appendingPathComponent("vli")
        for file in ProductHome.yamlFiles(in: vliFolder) {
            let source = home.relative(file)
            let fixture = try VLIFixture.parse(yaml: try readText(file, shownAs: source), source: source)
            let line = try await loadVLIFixture(fixture, folder: vliFolder, home: home, source: source)
            report.lines.append(line)
            progress(line)
        }
        for file in ProductHome.yamlFiles(in: home.fixtures.appendingPathComponent("returns")) where returns {
            let source = home.relative(file)
            let fixture = try ReturnFixture.parse(yaml: try readText(file, shownAs: source), source: source)
            let line = try await loadReturnFixture(fixture, source: source)
            report.lines.append(line)
            progress(line)
        }
        try await loadPriorityFixtures(from: home, into: &report, progress: progress)
        return report
    }

    /// Imports each historic record in `fixtures/decisions/` that its office does not hold yet, as the office's first
    /// officer.
    private func loadDemoDecisions(
        from home: ProductHome, into report: inout DemoReport, progress: (String) -> Void
    ) async throws {
        for file in ProductHome.yamlFiles(in: home.fixtures.appendingPathComponent("decisions")) {
            let source = home.relative(file)
            let parsed = try DecisionImportFile.parse(yaml: try readText(file, shownAs: source), source: source)
            let line: String
            if (try? await decisionID(parsed.number, office: parsed.office)) != nil {
                line = "decision \(parsed.office) \(parsed.number) (already loaded)"
            } else {
                guard
                    let officer = try await people(office: parsed.office).first(where: {
                        $0.actor.roles(covering: nil).contains(.officer)
                    })
                else {
                    throw ServiceRefusal(rule: .validFixture, message: "\(source): \(parsed.office) has no officer")
                }
                let view = try await importDecision(parsed, source: source, by: officer.name)
                let flagged = view.record.exceptions.map(\.rule)
                line =
                    "decision \(parsed.office) \(parsed.number): \(view.record.title) (imported, \(view.status)"
                    + (flagged.isEmpty ? ")" : "; flagged exceptions: \(flagged.joined(separator: ", ")))")
            }
            report.lines.append(line)
            progress(line)
        }
    }

    /// Registers an office from its profile, or records a new version of its stored profile, as the system: the same
    /// versioned path as `opcc office add` and `edit`. Returns whether it already existed.
    @discardableResult
    public func registerOffice(_ loaded: LoadedProfile) async throws -> Bool {
        try await store.write { tx in
            guard let existing = try tx.office(id: loaded.profile.id) else {
                _ = try addOffice(loaded, by: Self.systemActor, in: tx)
                return false
            }
            if existing.profileText == loaded.text { return true }
            let version = try tx.saveOffice(
                id: loaded.profile.id, name: loaded.profile.name, orgID: loaded.profile.orgID,
                profileText: loaded.text, registeredAt: clock.timestamp(), recordedBy: Self.systemActor)
            try tx.append(
                AuditEventDraft(
                    office: loaded.profile.id, event: "office-profile-changed", actor: Self.systemActor,
                    effectiveDay: clock.today(), recordedAt: clock.timestamp(),
                    payload: [
                        "source": loaded.source, "sha256": WorkflowDefinition.sha256Hex(of: loaded.text),
                        "profileVersion": String(version), "previousVersion": String(existing.profileVersion),
                    ],
                    sealSubject: .office(loaded.profile.id)))
            return true
        }
    }
}
