/// The Vulnerable Localities Index method as data (Chainey 2008; seed 000): which of the six variables are used, how
/// each is normalised, how the indices group into domains with what weights, and the threshold for a priority
/// neighbourhood. The published sources give the variables and the index (area value ÷ study-area mean × 100) but
/// not the combination, so the combination is a declared, versioned scheme an analyst may change; a run pins the
/// scheme's text and SHA-256.
public struct VLIScheme: Hashable, Sendable {
    /// The six variables of the VLI.
    public enum Variable: String, Hashable, Sendable, CaseIterable, Codable {
        case burglaryDwelling = "burglary-dwelling"
        case criminalDamageDwelling = "criminal-damage-dwelling"
        case incomeDeprivation = "income-deprivation"
        case employmentDeprivation = "employment-deprivation"
        case youngPeople = "young-people-15-24"
        case educationalAttainment = "educational-attainment"
    }

    /// How a raw value becomes comparable between areas of different sizes.
    public enum Normalisation: String, Hashable, Sendable, CaseIterable, Codable {
        case perThousandHouseholds = "per-1000-households"
        case perThousandPopulation = "per-1000-population"
        case proportionOfPopulation = "proportion-of-population"
        case scoreAsGiven = "score-as-given"
    }

    public struct VariableSpec: Hashable, Sendable {
        public let variable: Variable
        public let normalisation: Normalisation
        /// What the input really measures when it is a stand-in (police.uk "Burglary" is not dwelling-only); every
        /// output repeats it.
        public let proxy: String?
    }

    /// A domain: the mean of its indices, weighted into the composite.
    public struct Domain: Hashable, Sendable {
        public let name: String
        public let variables: [Variable]
        public let weight: Double
    }

    public let name: String
    public let version: Int
    public let variables: [VariableSpec]
    public let domains: [Domain]
    /// An area whose composite is above this is a priority neighbourhood (200: twice the study-area average).
    public let threshold: Double

    /// The proxies the scheme declares, as "variable: note", for every output to repeat.
    public var proxyNotes: [String] {
        variables.compactMap { spec in spec.proxy.map { "\(spec.variable.rawValue): \($0)" } }
    }

    public func spec(_ variable: Variable) -> VariableSpec? { variables.first { $0.variable == variable } }
}

/// Why a scheme file cannot be used; each names its rule.
public enum VLISchemeError: Error, Hashable, Sendable, CustomStringConvertible {
    case unreadable(source: String, reason: String)
    case unknownVariable(source: String, name: String)
    case unknownNormalisation(source: String, variable: String, name: String)
    case weightsDoNotSumToOne(source: String, sum: Double)
    case thresholdMissing(source: String)
    case domainUsesUndeclaredVariable(source: String, domain: String, variable: String)
    case variableInNoDomain(source: String, variable: String)
    case badValue(source: String, field: String, reason: String)

    public var rule: String {
        switch self {
        case .unreadable, .badValue: return "vli-scheme-readable"
        case .unknownVariable: return "vli-known-variable"
        case .unknownNormalisation: return "vli-known-normalisation"
        case .weightsDoNotSumToOne: return "vli-weights-sum-to-one"
        case .thresholdMissing: return "vli-threshold-given"
        case .domainUsesUndeclaredVariable: return "vli-domain-uses-declared-variables"
        case .variableInNoDomain: return "vli-variable-in-a-domain"
        }
    }

    public var description: String {
        switch self {
        case .unreadable(let source, let reason): return "\(source): \(reason)"
        case .unknownVariable(let source, let name):
            return "\(source): '\(name)' is not a VLI variable (known: "
                + VLIScheme.Variable.allCases.map(\.rawValue).joined(separator: ", ") + ")"
        case .unknownNormalisation(let source, let variable, let name):
            return "\(source): \(variable): '\(name)' is not a normalisation (known: "
                + VLIScheme.Normalisation.allCases.map(\.rawValue).joined(separator: ", ") + ")"
        case .weightsDoNotSumToOne(let source, let sum):
            return "\(source): the domain weights sum to \(sum), not 1"
        case .thresholdMissing(let source): return "\(source): no threshold (the VLI's is 200)"
        case .domainUsesUndeclaredVariable(let source, let domain, let variable):
            return "\(source): domain '\(domain)' uses '\(variable)', which the scheme does not declare"
        case .variableInNoDomain(let source, let variable):
            return "\(source): '\(variable)' is declared but in no domain"
        case .badValue(let source, let field, let reason): return "\(source): \(field): \(reason)"
        }
    }
}

extension VLIScheme {
    private struct Raw: Decodable {
        struct RawVariable: Decodable {
            var name: String
            var normalisation: String
            var proxy: String?
        }
        struct RawDomain: Decodable {
            var name: String
            var variables: [String]
            var weight: Double
        }
        var name: String
        var version: Int
        var variables: [RawVariable]
        var domains: [RawDomain]
        var threshold: Double?
    }

    /// Parses and validates a scheme file.
    public static func parse(yaml: String, source: String) throws(VLISchemeError) -> VLIScheme {
        let raw: Raw
        do { raw = try StrictYAML.decode(Raw.self, from: yaml, source: source) } catch {
            throw .unreadable(source: source, reason: "\(error.field): \(error.problem)")
        }
        guard raw.version >= 1 else { throw .badValue(source: source, field: "version", reason: "must be 1 or more") }
        var specs: [VariableSpec] = []
        for v in raw.variables {
            guard let variable = Variable(rawValue: v.name) else {
                throw .unknownVariable(source: source, name: v.name)
            }
            guard let normalisation = Normalisation(rawValue: v.normalisation) else {
                throw .unknownNormalisation(source: source, variable: v.name, name: v.normalisation)
            }
            guard !specs.contains(where: { $0.variable == variable }) else {
                throw .badValue(source: source, field: "variables.\(v.name)", reason: "declared more than once")
            }
            specs.append(VariableSpec(variable: variable, normalisation: normalisation, proxy: v.proxy))
        }
        var domains: [Domain] = []
        for d in raw.domains {
            var members: [Variable] = []
            for name in d.variables {
                guard let variable = Variable(rawValue: name) else {
                    throw .unknownVariable(source: source, name: name)
                }
                guard specs.contains(where: { $0.variable == variable }) else {
                    throw .domainUsesUndeclaredVariable(source: source, domain: d.name, variable: name)
                }
                members.append(variable)
            }
            guard !members.isEmpty, d.weight >= 0 else {
                throw .badValue(source: source, field: "domains.\(d.name)", reason: "needs variables and a weight ≥ 0")
            }
            domains.append(Domain(name: d.name, variables: members, weight: d.weight))
        }
        for spec in specs where !domains.contains(where: { $0.variables.contains(spec.variable) }) {
            throw .variableInNoDomain(source: source, variable: spec.variable.rawValue)
        }
        let sum = domains.reduce(0) { $0 + $1.weight }
        guard abs(sum - 1) < 1e-9 else { throw .weightsDoNotSumToOne(source: source, sum: sum) }
        guard let threshold = raw.threshold else { throw .thresholdMissing(source: source) }
        return VLIScheme(name: raw.name, version: raw.version, variables: specs, domains: domains, threshold: threshold)
    }
}
