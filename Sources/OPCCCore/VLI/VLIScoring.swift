/// One small area's inputs to the VLI: its size and the raw value of each variable (counts, or scores as given).
public struct VLIArea: Hashable, Sendable, Codable {
    /// The LSOA code (E01…).
    public var code: String
    public var name: String
    public var households: Int
    public var population: Int
    public var values: [VLIScheme.Variable: Double]

    public init(code: String, name: String, households: Int, population: Int, values: [VLIScheme.Variable: Double]) {
        self.code = code
        self.name = name
        self.households = households
        self.population = population
        self.values = values
    }
}

/// One area's result: each normalised value, each index (÷ study-area mean × 100), each domain and the composite.
public struct VLIAreaScore: Hashable, Sendable, Codable {
    public var code: String
    public var name: String
    public var population: Int
    public var normalised: [String: Double]
    public var indices: [String: Double]
    public var domains: [String: Double]
    public var composite: Double
    public var overThreshold: Bool
}

/// Why areas cannot be scored.
public enum VLIScoringError: Error, Hashable, Sendable, CustomStringConvertible {
    case noAreas
    case missingValue(area: String, variable: String)
    case noDenominator(area: String, variable: String, what: String)

    public var rule: String {
        switch self {
        case .noAreas: return "vli-areas-given"
        case .missingValue: return "vli-every-value-given"
        case .noDenominator: return "vli-denominator-positive"
        }
    }

    public var description: String {
        switch self {
        case .noAreas: return "there are no areas to score: import the inputs first"
        case .missingValue(let area, let variable): return "\(area) has no value for \(variable)"
        case .noDenominator(let area, let variable, let what):
            return "\(area) has no \(what), so \(variable) cannot be normalised"
        }
    }
}

/// The VLI arithmetic, as pure functions of a scheme and the study area's inputs.
public enum VLIScoring {
    /// The value of `variable` in `area` after the scheme's normalisation.
    public static func normalise(
        _ area: VLIArea, _ spec: VLIScheme.VariableSpec
    ) throws(VLIScoringError) -> Double {
        guard let raw = area.values[spec.variable] else {
            throw .missingValue(area: area.code, variable: spec.variable.rawValue)
        }
        switch spec.normalisation {
        case .scoreAsGiven: return raw
        case .perThousandHouseholds:
            guard area.households > 0 else {
                throw .noDenominator(area: area.code, variable: spec.variable.rawValue, what: "households")
            }
            return raw / Double(area.households) * 1000
        case .perThousandPopulation:
            guard area.population > 0 else {
                throw .noDenominator(area: area.code, variable: spec.variable.rawValue, what: "population")
            }
            return raw / Double(area.population) * 1000
        case .proportionOfPopulation:
            guard area.population > 0 else {
                throw .noDenominator(area: area.code, variable: spec.variable.rawValue, what: "population")
            }
            return raw / Double(area.population)
        }
    }

    /// Scores every area against the study area they make up: index = value ÷ the mean of the value over all the
    /// areas × 100 (a variable whose mean is 0 has index 0 everywhere); domain = the mean of its indices; composite
    /// = Σ weight × domain. In the order given.
    ///
    /// The figures are `scoreTable`'s (flat columns, the same operations in the same order as the definition above
    /// reads), given the per-area dictionaries callers read by name.
    public static func score(_ areas: [VLIArea], scheme: VLIScheme) throws(VLIScoringError) -> [VLIAreaScore] {
        try scoreTable(areas, scheme: scheme).scores
    }

    /// Every area's scores as flat columns (what `score` returns, without a dictionary per area): one pass per
    /// variable over contiguous `Double` columns. Each mean is a sum over the areas in order ÷ the count, each
    /// index `value / mean * 100`, each domain a sum of its indices in the scheme's order ÷ their count, each
    /// composite `0 + weight × domain` in the scheme's order: the same operations in the same order as
    /// `score`'s definition, so the figures are the same to the bit. Refuses as `score` does, for the first area
    /// (then the first variable in the scheme's order) that cannot be normalised.
    public static func scoreTable(_ areas: [VLIArea], scheme: VLIScheme) throws(VLIScoringError) -> VLIScoreTable {
        guard !areas.isEmpty else { throw .noAreas }
        let specs = scheme.variables
        let width = specs.count
        let count = areas.count
        // The column of each variable in the scheme (-1: not used), by the variable's position in `allCases`.
        var columnOf = [Int](repeating: -1, count: VLIScheme.Variable.allCases.count)
        for (j, spec) in specs.enumerated() { columnOf[Self.position(of: spec.variable)] = j }
        var normalised = [Double](repeating: 0, count: count * width)
        try normalised.withUnsafeMutableBufferPointer { (out) throws(VLIScoringError) in
            var raw = [Double](repeating: 0, count: width)
            var given = [Bool](repeating: false, count: width)
            for i in 0..<count {
                let area = areas[i]
                for j in 0..<width { given[j] = false }
                // Walk the area's values rather than look each one up: no hashing per value.
                for (variable, value) in area.values {
                    let j = columnOf[Self.position(of: variable)]
                    if j >= 0 {
                        raw[j] = value
                        given[j] = true
                    }
                }
                for j in 0..<width {
                    let spec = specs[j]
                    guard given[j] else { throw .missingValue(area: area.code, variable: spec.variable.rawValue) }
                    let value: Double
                    switch spec.normalisation {
                    case .scoreAsGiven: value = raw[j]
                    case .perThousandHouseholds:
                        guard area.households > 0 else {
                            throw .noDenominator(area: area.code, variable: spec.variable.rawValue, what: "households")
                        }
                        value = raw[j] / Double(area.households) * 1000
                    case .perThousandPopulation:
                        guard area.population > 0 else {
                            throw .noDenominator(area: area.code, variable: spec.variable.rawValue, what: "population")
                        }
                        value = raw[j] / Double(area.population) * 1000
                    case .proportionOfPopulation:
                        guard area.population > 0 else {
                            throw .noDenominator(area: area.code, variable: spec.variable.rawValue, what: "population")
                        }
                        value = raw[j] / Double(area.population)
                    }
                    out[j * count + i] = value
                }
            }
        }
        var indices = [Double](repeating: 0, count: count * width)
        normalised.withUnsafeBufferPointer { values in
            indices.withUnsafeMutableBufferPointer { out in
                for j in 0..<width {
                    let column = j * count
                    var sum = 0.0
                    for i in 0..<count { sum += values[column + i] }
                    let mean = sum / Double(count)
                    if mean == 0 {
                        for i in 0..<count { out[column + i] = 0 }
                    } else {
                        for i in 0..<count { out[column + i] = values[column + i] / mean * 100 }
                    }
                }
            }
        }
        let domainColumns = scheme.domains.map { domain in
            domain.variables.map { variable in specs.firstIndex { $0.variable == variable }! }
        }
        var domains = [Double](repeating: 0, count: count * scheme.domains.count)
        var composite = [Double](repeating: 0, count: count)
        indices.withUnsafeBufferPointer { indices in
            domains.withUnsafeMutableBufferPointer { domains in
                composite.withUnsafeMutableBufferPointer { composite in
                    for (d, domain) in scheme.domains.enumerated() {
                        let columns = domainColumns[d]
                        let size = Double(columns.count)
                        let weight = domain.weight
                        let row = d * count
                        for i in 0..<count {
                            var sum = 0.0
                            for column in columns { sum += indices[column * count + i] }
                            let value = sum / size
                            domains[row + i] = value
                            composite[i] += weight * value
                        }
                    }
                }
            }
        }
        let threshold = scheme.threshold
        let over = composite.map { $0 > threshold }
        return VLIScoreTable(
            codes: areas.map(\.code), names: areas.map(\.name), population: areas.map(\.population),
            variables: specs.map(\.variable.rawValue), domainNames: scheme.domains.map(\.name),
            normalised: normalised, indices: indices, domains: domains, composite: composite, overThreshold: over)
    }

    /// A distinct small number for each variable (its place in `VLIScheme.Variable.allCases`), without hashing.
    @inline(__always) static func position(of variable: VLIScheme.Variable) -> Int {
        switch variable {
        case .burglaryDwelling: return 0
        case .criminalDamageDwelling: return 1
        case .incomeDeprivation: return 2
        case .employmentDeprivation: return 3
        case .youngPeople: return 4
        case .educationalAttainment: return 5
        }
    }

    /// One group of areas (a ward, MSOA or local authority) as the moderation panel sees it.
    public struct GroupSummary: Hashable, Sendable, Codable {
        public var code: String
        public var name: String
        public var areas: Int
        public var overThreshold: Int
        public var meanVLI: Double
        public var maxVLI: Double
        public var population: Int
        /// Supporting counts joined per group (IOM offenders, victims, ASB incidents, Troubled Families households).
        public var supporting: [String: Double]
    }

    /// Aggregates scores to groups (`groupOf[lsoa] = (code, name)`; areas without a group are left out), ranked by
    /// areas over the threshold, then mean VLI, then code. Each group's figures are running totals over its areas in
    /// the order of `scores` (the mean a sum in that order ÷ the count).
    public static func aggregate(
        _ scores: [VLIAreaScore], groupOf: [String: (code: String, name: String)],
        supporting: [String: [String: Double]] = [:]
    ) -> [GroupSummary] {
        struct Totals {
            var name: String
            var areas = 0
            var over = 0
            var sum = 0.0
            var max = -Double.infinity
            var population = 0
        }
        var position: [String: Int] = [:]
        var codes: [String] = []
        var totals: [Totals] = []
        for score in scores {
            guard let group = groupOf[score.code] else { continue }
            let index: Int
            if let known = position[group.code] {
                index = known
            } else {
                index = totals.count
                position[group.code] = index
                codes.append(group.code)
                totals.append(Totals(name: group.name))
            }
            totals[index].areas += 1
            if score.overThreshold { totals[index].over += 1 }
            totals[index].sum += score.composite
            totals[index].max = Swift.max(totals[index].max, score.composite)
            totals[index].population += score.population
        }
        return zip(codes, totals).map { code, group in
            GroupSummary(
                code: code, name: group.name, areas: group.areas, overThreshold: group.over,
                meanVLI: group.sum / Double(group.areas), maxVLI: group.max, population: group.population,
                supporting: supporting[code] ?? [:])
        }.sorted {
            ($0.overThreshold, $0.meanVLI, $1.code) > ($1.overThreshold, $1.meanVLI, $0.code)
        }
    }
    /// Which group each area of a study area belongs to, worked out once (as the NumPy baseline maps LSOAs to
    /// groups before it starts its timer): for the areas in the order they will be scored, the number of each one's
    /// group (-1: in no group), and each group's code and name.
    public struct Grouping: Hashable, Sendable {
        /// For each area in order, the index of its group in `codes` (-1: in no group).
        public let groupOfArea: [Int32]
        public let codes: [String]
        public let names: [String]

        /// `groupOf[lsoa] = (code, name)` for the areas with these codes, in this order (the order `scoreTable`
        /// is given them); areas without a group are left out of every summary.
        public init(areaCodes: [String], groupOf: [String: (code: String, name: String)]) {
            var position: [String: Int32] = [:]
            var codes: [String] = []
            var names: [String] = []
            groupOfArea = areaCodes.map { area in
                guard let group = groupOf[area] else { return -1 }
                if let known = position[group.code] { return known }
                let index = Int32(codes.count)
                position[group.code] = index
                codes.append(group.code)
                names.append(group.name)
                return index
            }
            self.codes = codes
            self.names = names
        }
    }

    /// `aggregate(table.scores, groupOf:)` without a lookup by text per area: the same figures to the bit (each
    /// group's running totals over its areas in the table's order, the mean that sum ÷ the count) and the same
    /// ranking. `grouping` must have been made from the table's area codes, in the same order.
    public static func aggregate(
        _ table: VLIScoreTable, grouping: Grouping, supporting: [String: [String: Double]] = [:]
    ) -> [GroupSummary] {
        precondition(
            grouping.groupOfArea.count == table.composite.count,
            "the grouping was made for \(grouping.groupOfArea.count) areas, the table has \(table.composite.count)")
        let groups = grouping.codes.count
        var areas = [Int](repeating: 0, count: groups)
        var over = [Int](repeating: 0, count: groups)
        var sum = [Double](repeating: 0, count: groups)
        var maximum = [Double](repeating: -.infinity, count: groups)
        var population = [Int](repeating: 0, count: groups)
        grouping.groupOfArea.withUnsafeBufferPointer { groupOf in
            table.composite.withUnsafeBufferPointer { composite in
                table.overThreshold.withUnsafeBufferPointer { overThreshold in
                    table.population.withUnsafeBufferPointer { people in
                        for i in 0..<groupOf.count {
                            let g = Int(groupOf[i])
                            guard g >= 0 else { continue }
                            areas[g] += 1
                            if overThreshold[i] { over[g] += 1 }
                            sum[g] += composite[i]
                            maximum[g] = Swift.max(maximum[g], composite[i])
                            population[g] += people[i]
                        }
                    }
                }
            }
        }
        var mean = [Double](repeating: 0, count: groups)
        for g in 0..<groups { mean[g] = sum[g] / Double(areas[g]) }
        let codes = grouping.codes
        let order = (0..<groups).filter { areas[$0] > 0 }.sorted { a, b in
            (over[a], mean[a], codes[b]) > (over[b], mean[b], codes[a])
        }
        return order.map { g in
            GroupSummary(
                code: codes[g], name: grouping.names[g], areas: areas[g], overThreshold: over[g], meanVLI: mean[g],
                maxVLI: maximum[g], population: population[g],
                supporting: supporting.isEmpty ? [:] : supporting[codes[g]] ?? [:])
        }
    }
}

/// Every area's scores as flat columns, as `VLIScoring.scoreTable` computes them: `normalised` and `indices` hold
/// one column of `count` areas per variable of the scheme (in `variables` order), `domains` one per domain.
public struct VLIScoreTable: Hashable, Sendable {
    public let codes: [String]
    public let names: [String]
    public let population: [Int]
    /// The scheme's variables, in order (the columns of `normalised` and `indices`).
    public let variables: [String]
    /// The scheme's domains, in order (the columns of `domains`).
    public let domainNames: [String]
    /// Column-major: variable `j` of area `i` at `j * count + i`.
    public let normalised: [Double]
    /// Column-major: variable `j` of area `i` at `j * count + i`.
    public let indices: [Double]
    /// Column-major: domain `d` of area `i` at `d * count + i`.
    public let domains: [Double]
    public let composite: [Double]
    public let overThreshold: [Bool]

    /// The number of areas.
    public var count: Int { composite.count }

    /// The per-area form `VLIScoring.score` returns (one dictionary each of normalised values, indices, domains).
    public var scores: [VLIAreaScore] {
        let count = self.count
        return (0..<count).map { i in
            var normalisedByName = [String: Double](minimumCapacity: variables.count)
            var indicesByName = [String: Double](minimumCapacity: variables.count)
            for (j, key) in variables.enumerated() {
                normalisedByName[key] = normalised[j * count + i]
                indicesByName[key] = indices[j * count + i]
            }
            var domainsByName = [String: Double](minimumCapacity: domainNames.count)
            for (d, name) in domainNames.enumerated() { domainsByName[name] = domains[d * count + i] }
            return VLIAreaScore(
                code: codes[i], name: names[i], population: population[i], normalised: normalisedByName,
                indices: indicesByName, domains: domainsByName, composite: composite[i],
                overThreshold: overThreshold[i])
        }
    }
}
