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
    /// The arithmetic runs over flat arrays (one row of the scheme's variables per area) rather than a dictionary
    /// per area, in the same order of operations as the definition above reads (each mean a sum over the areas in
    /// order, each domain a sum of its indices in the scheme's order), so the figures are the same to the bit.
    public static func score(_ areas: [VLIArea], scheme: VLIScheme) throws(VLIScoringError) -> [VLIAreaScore] {
        guard !areas.isEmpty else { throw .noAreas }
        let specs = scheme.variables
        let width = specs.count
        let count = areas.count
        var normalised = [Double](repeating: 0, count: count * width)
        for (i, area) in areas.enumerated() {
            for (j, spec) in specs.enumerated() { normalised[i * width + j] = try normalise(area, spec) }
        }
        var means = [Double](repeating: 0, count: width)
        for i in 0..<count {
            for j in 0..<width { means[j] += normalised[i * width + j] }
        }
        for j in 0..<width { means[j] /= Double(count) }
        let keys = specs.map(\.variable.rawValue)
        let domains = scheme.domains.map { domain in
            (
                name: domain.name, weight: domain.weight,
                columns: domain.variables.map { variable in specs.firstIndex { $0.variable == variable }! }
            )
        }
        var indices = [Double](repeating: 0, count: width)
        var scores: [VLIAreaScore] = []
        scores.reserveCapacity(count)
        for i in 0..<count {
            var normalisedByName = [String: Double](minimumCapacity: width)
            var indicesByName = [String: Double](minimumCapacity: width)
            for j in 0..<width {
                let value = normalised[i * width + j]
                indices[j] = means[j] == 0 ? 0 : value / means[j] * 100
                normalisedByName[keys[j]] = value
                indicesByName[keys[j]] = indices[j]
            }
            var domainsByName = [String: Double](minimumCapacity: domains.count)
            var composite = 0.0
            for domain in domains {
                var sum = 0.0
                for column in domain.columns { sum += indices[column] }
                let value = sum / Double(domain.columns.count)
                domainsByName[domain.name] = value
                composite += domain.weight * value
            }
            scores.append(
                VLIAreaScore(
                    code: areas[i].code, name: areas[i].name, population: areas[i].population,
                    normalised: normalisedByName, indices: indicesByName, domains: domainsByName,
                    composite: composite, overThreshold: composite > scheme.threshold))
        }
        return scores
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
}
