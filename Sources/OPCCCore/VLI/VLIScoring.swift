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
    public static func score(_ areas: [VLIArea], scheme: VLIScheme) throws(VLIScoringError) -> [VLIAreaScore] {
        guard !areas.isEmpty else { throw .noAreas }
        var normalised: [[VLIScheme.Variable: Double]] = []
        for area in areas {
            var values: [VLIScheme.Variable: Double] = [:]
            for spec in scheme.variables { values[spec.variable] = try normalise(area, spec) }
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
    /// areas over the threshold, then mean VLI, then code.
    public static func aggregate(
        _ scores: [VLIAreaScore], groupOf: [String: (code: String, name: String)],
        supporting: [String: [String: Double]] = [:]
    ) -> [GroupSummary] {
        var groups: [String: (name: String, members: [VLIAreaScore])] = [:]
        for score in scores {
            guard let group = groupOf[score.code] else { continue }
            groups[group.code, default: (group.name, [])].members.append(score)
        }
        return groups.map { code, group in
            GroupSummary(
                code: code, name: group.name, areas: group.members.count,
                overThreshold: group.members.filter(\.overThreshold).count,
                meanVLI: group.members.reduce(0) { $0 + $1.composite } / Double(group.members.count),
                maxVLI: group.members.map(\.composite).max() ?? 0,
                population: group.members.reduce(0) { $0 + $1.population }, supporting: supporting[code] ?? [:])
        }.sorted {
            ($0.overThreshold, $0.meanVLI, $1.code) > ($1.overThreshold, $1.meanVLI, $0.code)
        }
    }
}
