import Foundation
import OPCCCore
import Synchronization

extension SQLTransaction {
    private static let vliEncoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }()

    func upsertVLIArea(_ a: VLIGeography) throws {
        try execute(
            sql: """
                INSERT INTO vli_area (office_id, lsoa, name, households, population, msoa_code, msoa_name, la_code,
                    la_name)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(office_id, lsoa) DO UPDATE SET name = excluded.name, msoa_code = excluded.msoa_code,
                    msoa_name = excluded.msoa_name, la_code = excluded.la_code, la_name = excluded.la_name
                """,
            arguments: [
                a.office, a.lsoa, a.name, a.households, a.population, a.msoaCode, a.msoaName, a.laCode, a.laName,
            ])
    }

    func setVLISize(office: String, lsoa: String, households: Int, population: Int) throws -> Bool {
        let changed = try execute(
            sql: "UPDATE vli_area SET households = ?, population = ? WHERE office_id = ? AND lsoa = ?",
            arguments: [households, population, office, lsoa])
        return changed > 0
    }

    func vliGeography(office: String) throws -> [VLIGeography] {
        try fetchAllRows(sql: "SELECT * FROM vli_area WHERE office_id = ? ORDER BY lsoa", arguments: [office]).map {
            r in
            VLIGeography(
                office: r["office_id"], lsoa: r["lsoa"], name: r["name"], households: r["households"],
                population: r["population"], msoaCode: r["msoa_code"], msoaName: r["msoa_name"], laCode: r["la_code"],
                laName: r["la_name"])
        }
    }

    func setVLIValue(office: String, lsoa: String, variable: String, value: Double, source: String) throws {
        try execute(
            sql: """
                INSERT INTO vli_value (office_id, lsoa, variable, value, source) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(office_id, lsoa, variable) DO UPDATE SET value = excluded.value, source = excluded.source
                """, arguments: [office, lsoa, variable, value, source])
    }

    func vliValues(office: String) throws -> [String: [String: Double]] {
        var values: [String: [String: Double]] = [:]
        for r in try fetchAllRows(
            sql: "SELECT lsoa, variable, value FROM vli_value WHERE office_id = ?", arguments: [office])
        {
            values[r["lsoa"], default: [:]][r["variable"]] = r["value"]
        }
        return values
    }

    func setVLIGroup(office: String, grouping: String, lsoa: String, code: String, name: String) throws {
        try execute(
            sql: """
                INSERT INTO vli_group (office_id, grouping, lsoa, code, name) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(office_id, grouping, lsoa) DO UPDATE SET code = excluded.code, name = excluded.name
                """, arguments: [office, grouping, lsoa, code, name])
    }

    func vliGroups(office: String, grouping: String) throws -> [String: VLIGroupRef] {
        var found: [String: VLIGroupRef] = [:]
        for r in try fetchAllRows(
            sql: "SELECT lsoa, code, name FROM vli_group WHERE office_id = ? AND grouping = ?",
            arguments: [office, grouping])
        {
            found[r["lsoa"]] = VLIGroupRef(code: r["code"], name: r["name"])
        }
        return found
    }

    func vliGroupMembers(office: String, grouping: String, code: String) throws -> Set<String> {
        Set(
            try fetchValues(String.self, sql: Self.vliGroupMembersSQL, arguments: [office, grouping, code]))
    }

    /// Read through `vli_group_code` (`2026-12-15-vli-reads`).
    static let vliGroupMembersSQL = "SELECT lsoa FROM vli_group WHERE office_id = ? AND grouping = ? AND code = ?"

    func setVLISupport(
        office: String, grouping: String, code: String, dataset: String, value: Double, source: String
    ) throws {
        try execute(
            sql: """
                INSERT INTO vli_support (office_id, grouping, code, dataset, value, source) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(office_id, grouping, code, dataset) DO UPDATE SET value = excluded.value,
                    source = excluded.source
                """, arguments: [office, grouping, code, dataset, value, source])
    }

    func vliSupport(office: String, grouping: String) throws -> [String: [String: Double]] {
        var found: [String: [String: Double]] = [:]
        for r in try fetchAllRows(
            sql: "SELECT code, dataset, value FROM vli_support WHERE office_id = ? AND grouping = ?",
            arguments: [office, grouping])
        {
            found[r["code"], default: [:]][r["dataset"]] = r["value"]
        }
        return found
    }

    func insertVLIRun(_ run: VLIRunRecord) throws {
        noteWritten(.vliRun(run.id))
        try execute(
            sql: """
                INSERT INTO vli_run (id, office_id, scheme_name, scheme_version, scheme_sha256, scheme_text,
                    inputs_sha256, run_on, run_by, result_json)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                run.id, run.office, run.schemeName, run.schemeVersion, run.schemeSHA256, run.schemeText,
                run.inputsSHA256, run.runOn.iso, run.runBy,
                String(decoding: try Self.vliEncoder.encode(run.result), as: UTF8.self),
            ])
    }

    func vliRunCount(office: String) throws -> Int {
        writtenRecords.counting(in: office)
        return try fetchValue(Int.self, sql: "SELECT count(*) FROM vli_run WHERE office_id = ?", arguments: [office])!
    }

    func latestVLIRun(office: String) throws -> VLIRunRecord? {
        // In a read transaction: the latest run's identity first (one seek of `vli_run_office`, no JSON), then its
        // decoded result from the store's `VLIRunCache` when it was read before. Not the result's length: SQLite's
        // length() of a text reads all of its 259 KB to count the characters.
        guard let cache = vliRunCache else { return try vliRuns(office: office, latestOnly: true).first }
        guard let row = try fetchOneRow(sql: Self.latestVLIRunSQL, arguments: [office]) else { return nil }
        let key = [
            office, row["id"] as String, row["scheme_sha256"] as String, row["inputs_sha256"] as String,
            row["run_on"] as String,
        ].joined(separator: "\u{1F}")
        if let kept = cache.run(key) { return kept }
        guard let run = try vliRuns(office: office, latestOnly: true).first else { return nil }
        cache.keep(run, key: key)
        return run
    }

    /// The identity of an office's latest run, read through `vli_run_office` (`2026-12-15-vli-reads`): one seek,
    /// where walking the primary key from the newest id read each run's first page until one was the office's.
    static let latestVLIRunSQL = """
        SELECT id, scheme_sha256, inputs_sha256, run_on FROM vli_run WHERE office_id = ? ORDER BY id DESC LIMIT 1
        """

    func vliRuns(office: String) throws -> [VLIRunRecord] { try vliRuns(office: office, latestOnly: false) }

    private func vliRuns(office: String, latestOnly: Bool) throws -> [VLIRunRecord] {
        try fetchAllRows(
            sql: "SELECT * FROM vli_run WHERE office_id = ? ORDER BY id" + (latestOnly ? " DESC LIMIT 1" : ""),
            arguments: [office]
        ).map { r in
            let day: String = r["run_on"]
            let json: String = r["result_json"]
            return VLIRunRecord(
                id: r["id"], office: r["office_id"], schemeName: r["scheme_name"], schemeVersion: r["scheme_version"],
                schemeSHA256: r["scheme_sha256"], schemeText: r["scheme_text"], inputsSHA256: r["inputs_sha256"],
                runOn: try Day(iso: day), runBy: r["run_by"],
                result: try JSONDecoder().decode(VLIRunResult.self, from: Data(json.utf8)))
        }
    }

    func saveVLISelection(_ s: VLISelection) throws {
        noteWritten(.vliRun(s.runID))
        try execute(
            sql: """
                INSERT INTO vli_selection (run_id, ward_code, ward_name, status, decision_id, notes_json)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(run_id, ward_code) DO UPDATE SET status = excluded.status,
                    decision_id = excluded.decision_id, notes_json = excluded.notes_json
                """,
            arguments: [
                s.runID, s.wardCode, s.wardName, s.status.rawValue, s.decisionID,
                String(decoding: try Self.vliEncoder.encode(s.notes), as: UTF8.self),
            ])
    }

    func vliSelections(runID: String) throws -> [VLISelection] {
        try fetchAllRows(sql: "SELECT * FROM vli_selection WHERE run_id = ? ORDER BY ward_code", arguments: [runID]).map
        { r in
            let status: String = r["status"]
            let notes: String = r["notes_json"]
            return VLISelection(
                runID: r["run_id"], wardCode: r["ward_code"], wardName: r["ward_name"],
                status: VLISelection.Status(rawValue: status) ?? .shortlisted, decisionID: r["decision_id"],
                notes: try JSONDecoder().decode([VLINote].self, from: Data(notes.utf8)))
        }
    }
}

/// VLI runs decoded, kept between the read transactions of one store (a ward's page reads its office's latest run,
/// 259 KB of JSON for a national office, on every request). A run is never changed (a trigger refuses it) and never
/// deleted, and only committed runs are kept (read transactions see nothing else), so within one database a run's
/// office and id name one result: the key also holds its scheme's and inputs' hashes and its day. The cache is the
/// store's, not the process's: another database may hold a run of the same id, hashes and day whose ward lookup
/// differed. A few runs are kept, the most recently used.
final class VLIRunCache: Sendable {
    static let capacity = 8

    private let runs = Mutex<[(key: String, run: VLIRunRecord)]>([])

    func run(_ key: String) -> VLIRunRecord? {
        runs.withLock { runs in
            guard let at = runs.firstIndex(where: { $0.key == key }) else { return nil }
            let hit = runs.remove(at: at)
            runs.append(hit)
            return hit.run
        }
    }

    func keep(_ run: VLIRunRecord, key: String) {
        runs.withLock { runs in
            runs.removeAll { $0.key == key }
            runs.append((key, run))
            if runs.count > Self.capacity { runs.removeFirst(runs.count - Self.capacity) }
        }
    }
}
