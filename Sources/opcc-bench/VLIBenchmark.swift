import CSV
import Foundation
import OPCCCore
import OPCCServices
import OPCCStore

/// Writes seeded synthetic VLI inputs for every LSOA of the geography file (households and population from the
/// census file when present), then times scoring and aggregation (wards = MSOAs here, and local authorities).
func vliBenchmark(
    data: String, home: ProductHome, numpy: String?, python: String
) async throws -> (section: String, summary: [String]) {
    let folder = URL(fileURLWithPath: data)
    let (rows, sizes) = try readVLIGeography(folder)
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("vli-national-synthetic.csv")
    try syntheticVLIInputs(rows, sizes: sizes).write(to: file, atomically: true, encoding: .utf8)
    // Read the generated file back (not timed), as `opcc vli import generic` would.
    let areas = try readVLIAreas(file)
    let schemeURL = home.workflows.appendingPathComponent("vli/vli-default.yaml")
    let scheme = try VLIScheme.parse(
        yaml: try String(contentsOf: schemeURL, encoding: .utf8), source: "vli-default.yaml")
    var msoas: [String: (code: String, name: String)] = [:]
    var las: [String: (code: String, name: String)] = [:]
    for row in rows {
        msoas[row.lsoa] = (row.msoa, row.msoaName)
        las[row.lsoa] = (row.la, row.laName)
    }
    // Which MSOA and local authority each LSOA lies in, worked out once before timing, as the NumPy script does.
    let codes = areas.map(\.code)
    let msoaGrouping = VLIScoring.Grouping(areaCodes: codes, groupOf: msoas)
    let laGrouping = VLIScoring.Grouping(areaCodes: codes, groupOf: las)
    var times: [Double] = []
    var over = 0
    var table: VLIScoreTable?
    var groups: [(level: String, rows: [VLIScoring.GroupSummary])] = []
    for _ in 0..<5 {
        times.append(
            try await seconds {
                let scored = try VLIScoring.scoreTable(areas, scheme: scheme)
                over = scored.overThreshold.reduce(0) { $0 + ($1 ? 1 : 0) }
                groups = [
                    ("msoa", VLIScoring.aggregate(scored, grouping: msoaGrouping)),
                    ("la", VLIScoring.aggregate(scored, grouping: laGrouping)),
                ]
                table = scored
            })
    }
    // The per-area form (a dictionary each of normalised values, indices and domains), timed apart: what
    // `VLIScoring.score` adds to the table.
    var perArea: [VLIAreaScore] = []
    let perAreaSeconds = try await seconds { perArea = try VLIScoring.score(areas, scheme: scheme) }
    let scores = table!
    precondition(perArea.map(\.composite.bitPattern) == scores.composite.map(\.bitPattern))
    let laCount = groups[1].rows.count
    let swiftMedian = median(times)
    let (scoresFile, groupsFile) = try writeSwiftResults(scores, groups)
    var tableRows = [
        "| Swift (OPCCCore `VLIScoring.scoreTable`, `aggregate(_:grouping:)`) | \(areas.count) | \(over) | \(laCount) | \(format(swiftMedian, 4)) | "
            + "\(Int(Double(areas.count) / swiftMedian)) | 1.00 |"
    ]
    var summary: [String] = []
    var comparison = "NumPy baseline not run (no `--numpy SCRIPT`)."
    if let numpy {
        let baseline = try numpyBaseline(
            numpy, python: python, inputs: file, geography: folder.appendingPathComponent("lsoa-police-force-2011.csv"),
            scheme: schemeURL, swiftScores: scoresFile, swiftGroups: groupsFile, areas: areas.count,
            swiftMedian: swiftMedian)
        tableRows.append(baseline.tableRow)
        comparison = baseline.comparison
        summary.append(baseline.summary)
    }
    let section = """

        ## VLI scoring and aggregation for every English LSOA: Swift against NumPy

        Inputs: the geography from `\(data)/lsoa-police-force-2011.csv`, households and population from the 2011 \
        Census file; the six variables synthetic and seeded, written to `\(file.lastPathComponent)` and read back \
        before timing, by Swift and by the NumPy script alike. Scheme: vli-default v1 (`workflows/vli`). Timed, \
        computation only, median of 5 runs each: normalise, index (÷ the national mean × 100), domains, composite, \
        threshold; then aggregate to MSOAs and to local authorities (areas, over 200, mean, max, population, \
        ranked). Swift times `VLIScoring.scoreTable` and `VLIScoring.aggregate(_:grouping:)` (each LSOA's MSOA and \
        local authority worked out before the timer starts, as the NumPy script does). The ratio is time ÷ Swift's \
        time (below 1: faster than Swift). `VLIScoring.score`, which also builds a dictionary each of normalised \
        values, indices and domains per area, took \(format(perAreaSeconds, 4)) s once in this run.

        | implementation | LSOAs | over 200 | local authorities | median seconds | LSOAs/s | time ratio |
        |---|---:|---:|---:|---:|---:|---:|
        \(tableRows.joined(separator: "\n"))

        \(comparison)

        """
    return (section, summary)
}

/// One LSOA of the geography file: its code and name, its MSOA's and its local authority's.
typealias VLIGeographyRow = (lsoa: String, name: String, msoa: String, msoaName: String, la: String, laName: String)

/// The geography file's LSOAs, and households and population by LSOA from the census file when it is there.
func readVLIGeography(
    _ folder: URL
) throws -> (rows: [VLIGeographyRow], sizes: [String: (households: Int, population: Int)]) {
    let geography = try CSVReader(
        string: try String(contentsOf: folder.appendingPathComponent("lsoa-police-force-2011.csv"), encoding: .utf8),
        hasHeaderRow: true)
    var rows: [VLIGeographyRow] = []
    while let r = geography.next() { rows.append((r[7], r[8], r[5], r[6], r[3], r[4])) }
    var sizes: [String: (households: Int, population: Int)] = [:]
    let censusURL = folder.appendingPathComponent("lsoa-population-census-2011.csv")
    if let census = try? String(contentsOf: censusURL, encoding: .utf8) {
        let reader = try CSVReader(string: census, hasHeaderRow: true)
        while let r = reader.next() {
            guard r.count >= 15 else { continue }
            sizes[r[6]] = (
                Int(r[14].replacingOccurrences(of: ",", with: "")) ?? 0,
                Int(r[9].replacingOccurrences(of: ",", with: "")) ?? 0
            )
        }
    }
    return (rows, sizes)
}

/// The generic import file of seeded synthetic values for the six variables, one row per LSOA.
func syntheticVLIInputs(
    _ rows: [VLIGeographyRow], sizes: [String: (households: Int, population: Int)]
) -> String {
    // A SplitMix64 generator: the same inputs on every machine.
    var state: UInt64 = 0x0142_016
    func next() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
    }
    var csv = "lsoa,households,population," + VLIScheme.Variable.allCases.map(\.rawValue).joined(separator: ",") + "\n"
    for row in rows {
        let (households, population) = sizes[row.lsoa] ?? (600, 1500)
        let m = next() < 0.05 ? 3.0 : 0.6 + next() * 0.6
        let values = [
            (8 * Double(households) / 1000 * m).rounded(), (15 * Double(households) / 1000 * m).rounded(),
            0.12 * m, 0.10 * m, (Double(population) * 0.11 * m).rounded(), 20 * m,
        ]
        csv += "\(row.lsoa),\(households),\(population)," + values.map { String($0) }.joined(separator: ",") + "\n"
    }
    return csv
}

/// The areas of a generic import file, read as `opcc vli import generic` reads them.
func readVLIAreas(_ file: URL) throws -> [VLIArea] {
    let reader = try CSVReader(string: try String(contentsOf: file, encoding: .utf8), hasHeaderRow: true)
    var areas: [VLIArea] = []
    while let r = reader.next() {
        var values: [VLIScheme.Variable: Double] = [:]
        for (i, variable) in VLIScheme.Variable.allCases.enumerated() { values[variable] = Double(r[3 + i]) ?? 0 }
        areas.append(
            VLIArea(code: r[0], name: r[0], households: Int(r[1]) ?? 0, population: Int(r[2]) ?? 0, values: values))
    }
    return areas
}

/// Runs the NumPy script on the same inputs; its row of the table, the comparison of its results with Swift's, and
/// its summary line.
func numpyBaseline(
    _ numpy: String, python: String, inputs file: URL, geography: URL, scheme schemeURL: URL,
    swiftScores scoresFile: URL,
    swiftGroups groupsFile: URL, areas areaCount: Int, swiftMedian: Double
) throws -> (tableRow: String, comparison: String, summary: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
        python, numpy, "--inputs", file.path, "--geography",
        geography.path, "--scheme", schemeURL.path,
        "--swift-scores", scoresFile.path, "--swift-groups", groupsFile.path, "--runs", "5",
    ]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard let line = String(decoding: output, as: UTF8.self).split(separator: "\n").last,
        let result = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
        let numpySeconds = result["median_seconds"] as? Double
    else {
        throw CocoaError(
            .fileReadCorruptFile,
            userInfo: [NSLocalizedDescriptionKey: "\(numpy) printed no result (exit \(process.terminationStatus))"])
    }
    let identical = result["identical_to_1e-9"] as? Bool ?? false
    let worst = max(
        result["max_abs_difference_composite"] as? Double ?? .infinity,
        result["max_abs_difference_groups"] as? Double ?? .infinity)
    let tableRow =
        "| NumPy \(result["numpy"] ?? "?") (Python \(result["python"] ?? "?"), `\(numpy)`) | "
        + "\(result["areas"] ?? "?") | \(result["over"] ?? "?") | \(result["local_authorities"] ?? "?") | "
        + "\(format(numpySeconds, 4)) | \(Int(Double(areaCount) / numpySeconds)) | "
        + "\(format(numpySeconds / swiftMedian, 2)) |"
    let comparison =
        "Results compared area by area and group by group: the largest absolute difference in a composite, "
        + "a group mean or a group maximum is \(String(format: "%.3g", worst)); threshold flags differing: "
        + "\(result["threshold_flags_differing"] ?? "?"); group rows (code, areas, over, population, rank) "
        + "differing: \(result["group_rows_differing"] ?? "?"). "
        + (identical ? "**Identical to 1e-9.**" : "**NOT identical to 1e-9.**")
    let summary =
        "| VLI, all \(areaCount) LSOAs, Swift median seconds | \(format(swiftMedian, 4)) | "
        + "\(format(numpySeconds, 4)) (NumPy) | \(format(swiftMedian / numpySeconds, 2)) (time, Swift ÷ NumPy) | "
        + "identical to 1e-9 | \(identical ? "yes" : "no") |"
    return (tableRow, comparison, summary)
}

/// What Swift computed, for the NumPy baseline to compare (shortest round-trip decimal for every double): the
/// scores file and the groups file.
func writeSwiftResults(
    _ scores: VLIScoreTable, _ groups: [(level: String, rows: [VLIScoring.GroupSummary])]
) throws -> (scores: URL, groups: URL) {
    let scoresFile = FileManager.default.temporaryDirectory.appendingPathComponent("vli-swift-scores.csv")
    let groupsFile = FileManager.default.temporaryDirectory.appendingPathComponent("vli-swift-groups.csv")
    try (0..<scores.count).map { "\(scores.codes[$0]),\(scores.composite[$0]),\(scores.overThreshold[$0] ? 1 : 0)" }
        .joined(separator: "\n")
        .appending("\n").write(to: scoresFile, atomically: true, encoding: .utf8)
    try groups.flatMap { level, rows in
        rows.enumerated().map { rank, g in
            "\(level),\(rank),\(g.code),\(g.areas),\(g.overThreshold),\(g.meanVLI),\(g.maxVLI),\(g.population)"
        }
    }.joined(separator: "\n").appending("\n").write(to: groupsFile, atomically: true, encoding: .utf8)
    return (scoresFile, groupsFile)
}
