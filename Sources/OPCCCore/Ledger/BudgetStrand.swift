/// A named strand of an office's budget for a year; its amount is derived from the ledger.
public struct BudgetStrand: Hashable, Sendable {
    public let office: String
    public let year: FinancialYear
    public let strand: String
    public let name: String

    public init(office: String, year: FinancialYear, strand: String, name: String) {
        self.office = office
        self.year = year
        self.strand = strand
        self.name = name
    }
}
