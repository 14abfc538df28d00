/// What a threat's control chart shows (seed 001: "whether the incident type is under control, uncontrolled or
/// reducing").
public enum ControlStatus: String, CaseIterable, Hashable, Sendable, Codable, CustomStringConvertible {
    case underControl = "under-control"
    case uncontrolled
    case reducing

    public var description: String { rawValue }
}

/// The partnership's sliding scale from a threat's control status and its share of the overall volume to a
/// probability score. Seed 001 names the two inputs ("dependent on the percent that each incident accounts for within
/// the overall volume figure and the established level of control") but does not publish the table, so the scale is
/// declared as data by each partnership.
///
/// For each status the steps give the least share at which a score applies; a threat takes the score of the highest
/// step its share reaches. Every status needs a step from 0%, so that every share has a score.
public struct ProbabilityScale: Hashable, Sendable, Codable {
    /// From `atLeast` of the volume upwards (until the next step), the probability is `score`.
    public struct Step: Hashable, Sendable, Codable {
        public var atLeast: Percentage
        public var score: Int

        public init(atLeast: Percentage, score: Int) {
            self.atLeast = atLeast
            self.score = score
        }
    }

    public var underControl: [Step]
    public var uncontrolled: [Step]
    public var reducing: [Step]

    public init(underControl: [Step], uncontrolled: [Step], reducing: [Step]) {
        self.underControl = underControl
        self.uncontrolled = uncontrolled
        self.reducing = reducing
    }

    enum CodingKeys: String, CodingKey {
        case underControl = "under-control"
        case uncontrolled, reducing
    }

    public func steps(for status: ControlStatus) -> [Step] {
        switch status {
        case .underControl: return underControl
        case .uncontrolled: return uncontrolled
        case .reducing: return reducing
        }
    }

    /// The probability score of a threat with this status and share; nil when no step is reached.
    public func score(_ status: ControlStatus, share: Percentage) -> Int? {
        steps(for: status).filter { $0.atLeast <= share }.max { $0.atLeast < $1.atLeast }?.score
    }

    /// The highest score the scale gives (the top of the risk chart's probability axis).
    public var highestScore: Int {
        ControlStatus.allCases.flatMap { steps(for: $0).map(\.score) }.max() ?? 0
    }
}

/// A risk band (seed 001: "depending on that result the priority area can be grouped into either low, medium or
/// high").
public enum RiskBand: String, CaseIterable, Hashable, Sendable, Codable, CustomStringConvertible {
    case high, medium, low

    public var description: String { rawValue }
    /// "High", "Medium", "Low".
    public var title: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
}

/// The partnership's band limits on risk (probability × harm): High from `highFrom`, Medium from `mediumFrom`, Low
/// below. Seed 001 does not publish them, so they are declared as data.
public struct RiskBands: Hashable, Sendable, Codable {
    public var highFrom: Int
    public var mediumFrom: Int

    public init(highFrom: Int, mediumFrom: Int) {
        self.highFrom = highFrom
        self.mediumFrom = mediumFrom
    }

    public func band(_ risk: Int) -> RiskBand {
        if risk >= highFrom { return .high }
        return risk >= mediumFrom ? .medium : .low
    }

    /// "High from 50" / "Medium from 30, below 50" / "Low below 30": the limit a risk was banded by.
    public func limits(of band: RiskBand) -> String {
        switch band {
        case .high: return "High from \(highFrom)"
        case .medium: return "Medium from \(mediumFrom) to \(highFrom - 1)"
        case .low: return "Low below \(mediumFrom)"
        }
    }
}
