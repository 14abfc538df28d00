/// Where money sits in the double-entry ledger underneath every amount the product shows.
///
/// Money enters an office's books as `funding` for a financial year, is set into a `budget` strand, moves to an
/// `allocation` for a recipient, and from there to `paid`, to `clawbackDue` (and on to `returned`), to `writtenOff`,
/// or across a year end through `carriedOut` (year N) and `carriedIn` (year N+1). Balances are always derived from
/// postings; no balance is ever stored.
public struct LedgerAccount: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The kinds of account, each with the fields that identify one.
    public enum Kind: String, CaseIterable, Hashable, Sendable, Codable {
        /// The office's money for a year, before it is set into strands (office, year).
        case funding
        /// A strand of the commissioning budget (office, year, strand).
        case budget
        /// Money allocated to a recipient from a strand (office, year, strand, recipient).
        case allocation
        /// Money paid to the recipient.
        case paid
        /// Money the recipient owes back (a refused carry-forward, an underspend).
        case clawbackDue = "clawback-due"
        /// Money returned by the recipient.
        case returned
        /// Money written off.
        case writtenOff = "written-off"
        /// An underspend carried out of year N (office, N, strand, recipient).
        case carriedOut = "carried-out"
        /// The same underspend carried into year N+1.
        case carriedIn = "carried-in"

        var needsStrand: Bool { self != .funding }
        var needsRecipient: Bool { self != .funding && self != .budget }
    }

    public let kind: Kind
    public let office: String
    public let year: FinancialYear
    public let strand: String?
    /// The recipient's org-id (`GB-LAE-BAR`, `GB-CHC-1234567`).
    public let recipient: String?

    /// An account, or nil when the fields do not identify one of its kind.
    public init?(_ kind: Kind, office: String, year: FinancialYear, strand: String? = nil, recipient: String? = nil) {
        guard !office.isEmpty, !office.contains("/"), kind.needsStrand == (strand != nil),
            kind.needsRecipient == (recipient != nil), strand.map({ !$0.isEmpty && !$0.contains("/") }) ?? true,
            recipient.map({ !$0.isEmpty && !$0.contains("/") }) ?? true
        else { return nil }
        self.kind = kind
        self.office = office
        self.year = year
        self.strand = strand
        self.recipient = recipient
    }

    /// The account's text key, as stored: `allocation/cumbria/2016-17/ASB/GB-LAE-BAR`.
    public var key: String {
        ([kind.rawValue, office, "\(year.startYear)-\(String(format2: (year.startYear + 1) % 100))"]
            + [strand, recipient].compactMap { $0 }).joined(separator: "/")
    }

    public var description: String { key }

    /// Reads a key written by `key`.
    public init?(key: String) {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 3, let kind = Kind(rawValue: parts[0]),
            let year = try? FinancialYear(parsing: parts[2])
        else { return nil }
        self.init(
            kind, office: parts[1], year: year, strand: parts.count > 3 ? parts[3] : nil,
            recipient: parts.count > 4 ? parts[4] : nil)
        guard self.key == key else { return nil }
    }

    public static func < (a: LedgerAccount, b: LedgerAccount) -> Bool { a.key < b.key }
}

extension String {
    fileprivate init(format2 n: Int) { self = n < 10 ? "0\(n)" : String(n) }
}
