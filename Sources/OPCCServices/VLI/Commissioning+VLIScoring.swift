import Foundation
import OPCCCore
import OPCCStore

/// Scoring the imported VLI inputs under a declared scheme, and the latest run.
extension Commissioning {
    // MARK: Scoring

    /// The scheme file `workflows/vli/NAME.yaml`, parsed, with its text.
    public func vliScheme(named name: String, home: ProductHome) throws -> (scheme: VLIScheme, text: String) {
        let url = home.workflows.appendingPathComponent("vli").appendingPathComponent("\(name).yaml")
        let source = home.relative(url)
        let text = try readText(url, shownAs: source)
        do { return (try VLIScheme.parse(yaml: text, source: source), text) } catch {
            throw ServiceRefusal(coreRule: error.rule, message: error.description)
        }
    }

    /// Scores the study area's inputs under a scheme and stores the run (scheme text and hash, inputs hash, every
    /// score, wards, MSOAs and local authorities ranked). Refused while any area lacks a value the scheme needs.
    @discardableResult
    public func scoreVLI(
        office: String, scheme: VLIScheme, schemeText: String, by actorName: String, on day: Day? = nil
    ) async throws -> VLIRunRecord {
        let effective = day ?? clock.today()
        return try await store.write { tx in
            let role = try requireRole(
                actorName, office: office, anyOf: [.officer, .finance], in: tx, for: "a VLI run")
            let geography = try tx.vliGeography(office: office)
            let values = try tx.vliValues(office: office)
            let (areas, canonical) = try Self.vliAreas(geography, values: values, scheme: scheme)
            let scores: [VLIAreaScore]
            do { scores = try VLIScoring.score(areas, scheme: scheme) } catch let error as VLIScoringError {
                throw ServiceRefusal(coreRule: error.rule, message: error.description)
            }
            let wards = try tx.vliGroups(office: office, grouping: "ward").mapValues { ($0.code, $0.name) }
            var msoas: [String: (code: String, name: String)] = [:]
            var las: [String: (code: String, name: String)] = [:]
            for g in geography {
                if let code = g.msoaCode { msoas[g.lsoa] = (code, g.msoaName ?? code) }
                if let code = g.laCode { las[g.lsoa] = (code, g.laName ?? code) }
            }
            let result = VLIRunResult(
                scores: scores,
                groups: [
                    "ward": VLIScoring.aggregate(
                        scores, groupOf: wards, supporting: try tx.vliSupport(office: office, grouping: "ward")),
                    "msoa": VLIScoring.aggregate(scores, groupOf: msoas),
                    "la": VLIScoring.aggregate(scores, groupOf: las),
                ], proxies: scheme.proxyNotes, threshold: scheme.threshold)
            let run = VLIRunRecord(
                id: Self.recordID(office: office, kind: "VLI", existing: try tx.vliRunCount(office: office)),
                office: office, schemeName: scheme.name, schemeVersion: scheme.version,
                schemeSHA256: SHA256Hex.of(schemeText), schemeText: schemeText, inputsSHA256: SHA256Hex.of(canonical),
                runOn: effective, runBy: actorName, result: result)
            try tx.insertVLIRun(run)
            try tx.append(
                AuditEventDraft(
                    office: office, event: "vli-run", actor: actorName, role: role.rawValue, effectiveDay: effective,
                    recordedAt: clock.timestamp(),
                    payload: [
                        "run": run.id, "scheme": "\(scheme.name) v\(scheme.version)", "schemeSha256": run.schemeSHA256,
                        "inputsSha256": run.inputsSHA256, "areas": String(scores.count),
                        "overThreshold": String(scores.filter(\.overThreshold).count),
                    ]))
            return run
        }
    }

    /// The areas the scheme scores, with the canonical text of their inputs (hashed into the run); refused while any
    /// area lacks a value the scheme needs.
    static func vliAreas(
        _ geography: [VLIGeography], values: [String: [String: Double]], scheme: VLIScheme
    ) throws -> (areas: [VLIArea], canonical: String) {
        var areas: [VLIArea] = []
        var missing: [String] = []
        var canonical = ""
        for g in geography {
            var v: [VLIScheme.Variable: Double] = [:]
            for spec in scheme.variables {
                if let value = values[g.lsoa]?[spec.variable.rawValue] {
                    v[spec.variable] = value
                } else {
                    missing.append("\(g.lsoa) \(spec.variable.rawValue)")
                }
            }
            areas.append(
                VLIArea(code: g.lsoa, name: g.name, households: g.households, population: g.population, values: v))
            canonical += "\(g.lsoa)|\(g.households)|\(g.population)"
            for key in v.keys.map(\.rawValue).sorted() {
                canonical += "|\(key)=\(v[VLIScheme.Variable(rawValue: key)!]!)"
            }
            canonical += "\n"
        }
        guard missing.isEmpty else {
            throw ServiceRefusal(
                rule: .vliEveryValueGiven,
                message: "\(missing.count) value(s) missing, e.g. " + missing.prefix(5).joined(separator: "; ")
                    + ": import them first")
        }
        return (areas, canonical)
    }

    /// The office's latest run.
    public func latestVLIRun(office: String) async throws -> VLIRunRecord {
        guard let run = try await store.read({ try $0.latestVLIRun(office: office) }) else {
            throw ServiceRefusal(rule: .vliRunExists, message: "no VLI run in \(office) yet: opcc vli score")
        }
        return run
    }
}
