/// Where money sits in the double-entry ledger underneath every amount the product shows.
///
/// Money enters an office's books as `funding` for a financial year, is set into a `budget` strand, moves to an
/// `allocation` for a recipient, and from there to `paid`, to `clawbackDue` (and on to `returned`), to `writtenOff`,
/// or across a year end through `carriedOut` (year N) and `carriedIn` (year N+1). Balances are always derived from
/// postings; the store keeps them only as a cache the postings prove (`finance check` recomputes it).
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
        ([kind.rawValue, office, Self.yearText(year)]
            + [strand, recipient].compactMap { $0 }).joined(separator: "/")
    }

    public var description: String { key }

    /// The year as a key writes it: `2016-17`.
    public static func yearText(_ year: FinancialYear) -> String {
        "\(year.startYear)-\(String(format2: (year.startYear + 1) % 100))"
    }

    /// Reads a key written by `key`.
    ///
    /// A reconciliation reads tens of thousands of keys, so plain ASCII keys (every key the product writes) are
    /// read byte by byte; anything that path does not accept goes through the general reading below, which decides.
    /// `LedgerAccountKeyTests` check over generated keys that both readings agree.
    public init?(key: String) {
        if let fast = Self.readASCII(key) {
            self = fast
            return
        }
        self.init(readingGenerally: key)
    }

    /// The fields, assigned as given: only for `readASCII`, which has checked them.
    private init(checked kind: Kind, office: String, year: FinancialYear, strand: String?, recipient: String?) {
        self.kind = kind
        self.office = office
        self.year = year
        self.strand = strand
        self.recipient = recipient
    }

    /// `kind/office/YYYY-YY[/strand[/recipient]]` in ASCII, with every field non-empty, the kind's fields present,
    /// and the year written as `key` writes it (a four-digit start from 1000, the next year's last two digits); nil
    /// for anything else (the general reading then decides).
    static func readASCII(_ key: String) -> LedgerAccount? {
        let slash = UInt8(ascii: "/")
        var fields: [Substring.UTF8View] = []
        fields.reserveCapacity(5)
        let utf8 = key.utf8
        var start = utf8.startIndex
        var index = start
        while index != utf8.endIndex {
            let byte = utf8[index]
            guard byte < 0x80 else { return nil }
            if byte == slash {
                guard fields.count < 4 else { return nil }
                fields.append(utf8[start..<index])
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        fields.append(utf8[start..<index])
        guard fields.count >= 3, fields.allSatisfy({ !$0.isEmpty }),
            let kind = Kind(rawValue: String(Substring(fields[0]))),
            kind.needsStrand == (fields.count > 3), kind.needsRecipient == (fields.count > 4)
        else { return nil }
        let year = Array(fields[2])
        func digit(_ i: Int) -> Int? {
            let d = Int(year[i]) - Int(UInt8(ascii: "0"))
            return (0...9).contains(d) ? d : nil
        }
        guard year.count == 7, year[4] == UInt8(ascii: "-"), let y0 = digit(0), y0 > 0, let y1 = digit(1),
            let y2 = digit(2), let y3 = digit(3), let e0 = digit(5), let e1 = digit(6)
        else { return nil }
        let startYear = y0 * 1000 + y1 * 100 + y2 * 10 + y3
        guard e0 * 10 + e1 == (startYear + 1) % 100 else { return nil }
        return LedgerAccount(
            checked: kind, office: String(Substring(fields[1])), year: FinancialYear(startYear: startYear),
            strand: fields.count > 3 ? String(Substring(fields[3])) : nil,
            recipient: fields.count > 4 ? String(Substring(fields[4])) : nil)
    }

    /// Reads any key: parsed, checked as `init(_:office:year:strand:recipient:)` checks, and accepted only when
    /// writing it back gives the same text.
    init?(readingGenerally key: String) {
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
