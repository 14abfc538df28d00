/// What the register can be filtered on. Every field is optional; all that are given must hold.
public struct DecisionFilter: Sendable {
    public var office: String?
    /// Financial year of the decision (start year), else of the funding source.
    public var financialYearStart: Int?
    public var status: String?
    public var strand: String?
    public var officer: String?
    public var minimumPence: Int64?
    public var maximumPence: Int64?
    /// Only records decided, unpublished and past their Part 1 deadline on this day.
    public var overdueOn: Day?
    public var deferred: Bool?
    /// Only deferrals with no until-date (the review list).
    public var undatedDeferral: Bool = false
    /// What a person typed to search Part 1, read as `SearchText`: its words must each start a word of the record's
    /// Part 1 text. Never a query language. Text without words filters nothing out.
    public var text: String?
    /// Records that also match the search whatever their text: each office's record with this number, in the
    /// office's own spelling. The services fill it when `text` reads as a decision number of an office.
    public var numbers: [(office: String, number: String)] = []

    public init() {}
}
