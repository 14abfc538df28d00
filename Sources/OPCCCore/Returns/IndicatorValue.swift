/// One quarter's value of a context indicator imported for an agreement (e.g. the force's recorded crime).
public struct IndicatorValue: Hashable, Sendable, Codable {
    public var indicator: String
    public var quarter: Quarter
    public var value: Int64
    public var source: String

    public init(indicator: String, quarter: Quarter, value: Int64, source: String) {
        self.indicator = indicator
        self.quarter = quarter
        self.value = value
        self.source = source
    }
}
