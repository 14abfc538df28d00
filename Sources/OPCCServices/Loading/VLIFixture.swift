import Foundation
import OPCCCore
import OPCCStore

/// A VLI scenario for `opcc demo` (`fixtures/vli/*.yaml`): imports, a scoring run, the shortlist with moderation
/// notes, and the selected wards linked to the decision that funds them.
public struct VLIFixture: Decodable, Sendable {
    public struct Import: Decodable, Sendable {
        public var kind: String
        public var file: String
        public var force: String?
        public var on: Day
    }
    public struct Note: Decodable, Sendable {
        public var kind: VLINote.Kind
        public var text: String
    }
    public struct Shortlisted: Decodable, Sendable {
        public var ward: String
        public var on: Day
        public var notes: [Note]?
    }
    public struct Selected: Decodable, Sendable {
        public var ward: String
        public var decision: String
        public var on: Day
    }
    public var office: String
    public var by: String
    public var imports: [Import]
    public var scheme: String
    public var scoredOn: Day
    public var shortlist: [Shortlisted]?
    public var select: [Selected]?

    public static func parse(yaml: String, source: String) throws -> VLIFixture {
        try StrictYAML.decode(VLIFixture.self, from: yaml, source: source, rule: .validFixture)
    }
}

extension Commissioning {
    /// Plays a VLI scenario unless the office already has a run.
    func loadVLIFixture(_ fixture: VLIFixture, folder: URL, home: ProductHome, source: String) async throws -> String {
        if try await store.read({ try $0.vliRunCount(office: fixture.office) }) > 0 {
            return "VLI in \(fixture.office) (already loaded)"
        }
        for item in fixture.imports {
            guard let kind = VLIImportKind(rawValue: item.kind) else {
                throw ServiceRefusal(rule: .validFixture, message: "\(source): '\(item.kind)' is not an import kind")
            }
            let url = folder.appendingPathComponent(item.file)
            var options = VLIImportOptions()
            options.force = item.force
            try await importVLI(
                kind, files: [(item.file, try readText(url, shownAs: home.relative(url)))], options: options,
                office: fixture.office, by: fixture.by, on: item.on)
        }
        let (scheme, text) = try vliScheme(named: fixture.scheme, home: home)
        let run = try await scoreVLI(
            office: fixture.office, scheme: scheme, schemeText: text, by: fixture.by, on: fixture.scoredOn)
        for entry in fixture.shortlist ?? [] {
            try await moderateVLI(office: fixture.office, ward: entry.ward, by: fixture.by, on: entry.on)
            for note in entry.notes ?? [] {
                try await moderateVLI(
                    office: fixture.office, ward: entry.ward, note: note.kind, text: note.text, by: fixture.by,
                    on: entry.on)
            }
        }
        for entry in fixture.select ?? [] {
            try await selectVLIWard(
                office: fixture.office, ward: entry.ward, decision: entry.decision, by: fixture.by, on: entry.on)
        }
        let over = run.result.scores.filter(\.overThreshold).count
        return "VLI in \(fixture.office): \(run.result.scores.count) LSOAs scored (\(run.id), \(over) over "
            + "\(Int(scheme.threshold))), \(fixture.select?.count ?? 0) ward(s) selected"
    }
}
