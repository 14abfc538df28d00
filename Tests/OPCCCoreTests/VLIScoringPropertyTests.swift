import Foundation
import PropertyBased
import Testing

@testable import OPCCCore

/// The VLI arithmetic as its definition reads, one dictionary per area: the reference the flat-array scoring in
/// `VLIScoring` must match to the bit (it is what the NumPy baseline in BENCHMARKS.md was first compared with).
private enum Definition {
    static func score(_ areas: [VLIArea], scheme: VLIScheme) throws -> [VLIAreaScore] {
        var normalised: [[VLIScheme.Variable: Double]] = []
        for area in areas {
            var values: [VLIScheme.Variable: Double] = [:]
            for spec in scheme.variables { values[spec.variable] = try VLIScoring.normalise(area, spec) }
            normalised.append(values)
        }
        var means: [VLIScheme.Variable: Double] = [:]
        for spec in scheme.variables {
            means[spec.variable] = normalised.reduce(0) { $0 + $1[spec.variable]! } / Double(areas.count)
        }
        return areas.indices.map { i in
            var indices: [VLIScheme.Variable: Double] = [:]
            for spec in scheme.variables {
                let mean = means[spec.variable]!
                indices[spec.variable] = mean == 0 ? 0 : normalised[i][spec.variable]! / mean * 100
            }
            var domains: [String: Double] = [:]
            var composite = 0.0
            for domain in scheme.domains {
                let value = domain.variables.reduce(0) { $0 + indices[$1]! } / Double(domain.variables.count)
                domains[domain.name] = value
                composite += domain.weight * value
            }
            return VLIAreaScore(
                code: areas[i].code, name: areas[i].name, population: areas[i].population,
                normalised: Dictionary(uniqueKeysWithValues: normalised[i].map { ($0.key.rawValue, $0.value) }),
                indices: Dictionary(uniqueKeysWithValues: indices.map { ($0.key.rawValue, $0.value) }),
                domains: domains, composite: composite, overThreshold: composite > scheme.threshold)
        }
    }

    static func aggregate(
        _ scores: [VLIAreaScore], groupOf: [String: (code: String, name: String)]
    ) -> [VLIScoring.GroupSummary] {
        var groups: [String: (name: String, members: [VLIAreaScore])] = [:]
        for score in scores {
            guard let group = groupOf[score.code] else { continue }
            groups[group.code, default: (group.name, [])].members.append(score)
        }
        return groups.map { code, group in
            VLIScoring.GroupSummary(
                code: code, name: group.name, areas: group.members.count,
                overThreshold: group.members.filter(\.overThreshold).count,
                meanVLI: group.members.reduce(0) { $0 + $1.composite } / Double(group.members.count),
                maxVLI: group.members.map(\.composite).max() ?? 0,
                population: group.members.reduce(0) { $0 + $1.population }, supporting: [:])
        }.sorted {
            ($0.overThreshold, $0.meanVLI, $1.code) > ($1.overThreshold, $1.meanVLI, $0.code)
        }
    }
}

@Suite("VLI scoring properties")
struct VLIScoringPropertyTests {
    @Test func theScoresAndGroupsAreTheDefinitionsToTheBit() async throws {
        let scheme = try VLIScheme.parse(yaml: VLITests.defaultText, source: "vli-default.yaml")
        let cases = zip(
            // 1 to 80 areas: households, population, the six raw values (in hundredths), and a group 0...6
            // (6: in no group). Small values make ties, zero means and areas over the threshold common.
            Gen.int64(in: 1...3_000).array(of: 9).array(of: 1...80),
            Gen.bool
        )
        await propertyCheck(count: 300, input: cases) { rows, small in
            let areas = rows.enumerated().map { index, row in
                let raw = row[2..<8].map { Double(small ? $0 % 3 : $0) / 100 }
                return VLIArea(
                    code: "E0\(index)", name: "Area \(index)", households: Int(row[0]), population: Int(row[1]),
                    values: Dictionary(uniqueKeysWithValues: zip(VLIScheme.Variable.allCases, raw)))
            }
            var groupOf: [String: (code: String, name: String)] = [:]
            for (index, row) in rows.enumerated() where row[8] % 7 != 6 {
                groupOf["E0\(index)"] = ("W\(row[8] % 7)", "Ward \(row[8] % 7)")
            }
            let scores = try VLIScoring.score(areas, scheme: scheme)
            let expected = try Definition.score(areas, scheme: scheme)
            #expect(scores == expected)
            #expect(scores.map(\.composite.bitPattern) == expected.map(\.composite.bitPattern))
            let groups = VLIScoring.aggregate(scores, groupOf: groupOf)
            let expectedGroups = Definition.aggregate(expected, groupOf: groupOf)
            #expect(groups == expectedGroups)
            #expect(groups.map(\.meanVLI.bitPattern) == expectedGroups.map(\.meanVLI.bitPattern))
        }
    }

    @Test func vliVariableDeclaredOnce() {
        let twice = VLITests.defaultText.replacingOccurrences(
            of: "  - { name: income-deprivation, normalisation: score-as-given }\n",
            with: "  - { name: income-deprivation, normalisation: score-as-given }\n"
                + "  - { name: income-deprivation, normalisation: per-1000-population }\n")
        #expect(twice != VLITests.defaultText)
        #expect(
            throws: VLISchemeError.badValue(
                source: "bad.yaml", field: "variables.income-deprivation", reason: "declared more than once")
        ) {
            try VLIScheme.parse(yaml: twice, source: "bad.yaml")
        }
    }
}

@Suite("VLI scores bit-identical")
struct VLIScoresBitIdenticalTests {
    /// Rule vli-scores-bit-identical: the flat columns (`scoreTable`) and the grouped aggregation
    /// (`aggregate(_:grouping:)`) give the definition's figures bit for bit, every normalised value, index, domain,
    /// composite and group figure, in the same ranking.
    @Test func vliScoresBitIdentical() async throws {
        let scheme = try VLIScheme.parse(yaml: VLITests.defaultText, source: "vli-default.yaml")
        let cases = zip(Gen.int64(in: 0...3_000).array(of: 9).array(of: 1...80), Gen.bool)
        await propertyCheck(count: 300, input: cases) { rows, small in
            let areas = rows.enumerated().map { index, row in
                let raw = row[2..<8].map { Double(small ? $0 % 3 : $0) / 100 }
                return VLIArea(
                    code: "E0\(index)", name: "Area \(index)", households: Int(row[0]) + 1,
                    population: Int(row[1]) + 1,
                    values: Dictionary(uniqueKeysWithValues: zip(VLIScheme.Variable.allCases, raw)))
            }
            var groupOf: [String: (code: String, name: String)] = [:]
            for (index, row) in rows.enumerated() where row[8] % 7 != 6 {
                groupOf["E0\(index)"] = ("W\(row[8] % 7)", "Ward \(row[8] % 7)")
            }
            let expected = try Definition.score(areas, scheme: scheme)
            let table = try VLIScoring.scoreTable(areas, scheme: scheme)
            let n = areas.count
            for (i, score) in expected.enumerated() {
                #expect(table.codes[i] == score.code && table.population[i] == score.population)
                for (j, key) in table.variables.enumerated() {
                    #expect(table.normalised[j * n + i].bitPattern == score.normalised[key]!.bitPattern)
                    #expect(table.indices[j * n + i].bitPattern == score.indices[key]!.bitPattern)
                }
                for (d, key) in table.domainNames.enumerated() {
                    #expect(table.domains[d * n + i].bitPattern == score.domains[key]!.bitPattern)
                }
                #expect(table.composite[i].bitPattern == score.composite.bitPattern)
                #expect(table.overThreshold[i] == score.overThreshold)
            }
            #expect(table.scores == expected)
            let grouping = VLIScoring.Grouping(areaCodes: areas.map(\.code), groupOf: groupOf)
            let groups = VLIScoring.aggregate(table, grouping: grouping)
            let expectedGroups = Definition.aggregate(expected, groupOf: groupOf)
            #expect(groups == expectedGroups)
            #expect(groups.map(\.meanVLI.bitPattern) == expectedGroups.map(\.meanVLI.bitPattern))
            #expect(groups.map(\.maxVLI.bitPattern) == expectedGroups.map(\.maxVLI.bitPattern))
        }
    }

    /// The first area (then the first variable in the scheme's order) that cannot be normalised is named, as the
    /// definition's area-by-area normalisation would name it.
    @Test func vliScoresBitIdenticalRefusesTheFirstBadArea() throws {
        let scheme = try VLIScheme.parse(yaml: VLITests.defaultText, source: "vli-default.yaml")
        var areas = VLITests.table
        areas[1].households = 0
        areas[2].values[.incomeDeprivation] = nil
        #expect(throws: VLIScoringError.noDenominator(area: "B", variable: "burglary-dwelling", what: "households")) {
            try VLIScoring.scoreTable(areas, scheme: scheme)
        }
        areas[1].households = 100
        #expect(throws: VLIScoringError.missingValue(area: "C", variable: "income-deprivation")) {
            try VLIScoring.score(areas, scheme: scheme)
        }
        #expect(throws: VLIScoringError.noAreas) { try VLIScoring.scoreTable([], scheme: scheme) }
    }
}
