/// A publication as a table: named columns and rows of JSON values, written as CSV (RFC 4180) or as JSON
/// (`{"title": …, "items": [{column: value, …}]}`). Money is given twice, as integer pence (`…Pence`, as every
/// export of the product) and as pounds (`…Pounds`, exact, as the public reads it); dates are ISO 8601.
public struct TransparencyTable: Hashable, Sendable {
    public var title: String
    public var columns: [String]
    public var rows: [[JSONValue]]

    public init(title: String, columns: [String], rows: [[JSONValue]]) {
        self.title = title
        self.columns = columns
        self.rows = rows
    }

    /// RFC 4180: CRLF line ends, a header line, fields holding a comma, quote or line break quoted (quotes doubled);
    /// text cells starting like a formula are prefixed with `'` (`CSV.guarded`), numbers are written as they are.
    public func csv() -> String {
        var lines = [CSV.header(columns)]
        for row in rows { lines.append(CSV.line(row.map(Self.csvCell))) }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// The items as JSON objects keyed by column, keys sorted.
    public func json() -> String {
        let items = rows.map { row in
            JSONValue.object(Dictionary(uniqueKeysWithValues: zip(columns, row)))
        }
        return JSONValue.object(["title": .string(title), "items": .array(items)]).rendered() + "\n"
    }

    /// A value as a CSV cell: text as it is, numbers as JSON writes them, null empty, lists joined by "; ".
    static func csvCell(_ value: JSONValue) -> CSVCell {
        switch value {
        case .null: return .text("")
        case .bool(let b): return .text(b ? "yes" : "no")
        case .string(let s): return .text(s)
        case .integer(let n): return .integer(n)
        case .pounds(let pence):
            // Two decimals always in CSV, where a column of amounts reads best aligned.
            let text = JSONValue.poundsText(pence: pence)
            return .number(text.contains(".") ? text : text + ".00")
        case .array(let items): return .text(items.map(csvText).joined(separator: "; "))
        case .object(let members) where members["url"] != nil:
            // A linked document: its URL, then its name, type and size, so the cell reads as a list of links.
            let facts =
                ["name", "type"].compactMap { members[$0].map(csvText) }
                + (members["sizeBytes"].map { [csvText($0) + " bytes"] } ?? [])
            return .text(csvText(members["url"]!) + " (" + facts.joined(separator: ", ") + ")")
        case .object: return .text(value.rendered(pretty: false))
        }
    }

    /// A list item's text inside a joined cell (the cell as a whole is guarded, not each item).
    static func csvText(_ value: JSONValue) -> String {
        switch csvCell(value) {
        case .text(let text), .number(let text): return text
        }
    }
}

extension TransparencyTable {
    /// The grants register: every published grant, its conditions and how it will reduce crime and disorder, and
    /// its decision's Part 1 documents (links from `documentBase`, the site's address, or paths when it is empty).
    public static func grantsRegister(_ grants: [TransparencyGrant], documentBase: String = "") -> TransparencyTable {
        TransparencyTable(
            title: "Grants made by the Police and Crime Commissioner",
            columns: [
                "office", "grant", "recipient", "recipientOrgId", "purpose", "amountPence", "amountPounds",
                "conditions", "crimeAndDisorderReduction", "decision", "decisionDate", "startDate", "endDate",
                "beneficiaryAreas", "decisionDocuments",
            ],
            rows: grants.map { g in
                [
                    .string(g.office), .string(g.agreementID), .string(g.recipient.name), .string(g.recipient.orgID),
                    .string(g.purpose), .integer(g.amount.pence), .pounds(pence: g.amount.pence),
                    .array(g.conditions.map(JSONValue.string)), .string(g.crimeAndDisorderStatement),
                    .string(g.decisionNumber), .string(g.decisionDate.iso), .string(g.period.start.iso),
                    .string(g.period.end.iso), .array(g.beneficiaryAreas.map { .string($0.name) }),
                    .array(g.decisionDocuments.map { $0.json(base: documentBase) }),
                ]
            })
    }

    /// Expenditure over £500.
    public static func spending(_ items: [SpendingItem]) -> TransparencyTable {
        TransparencyTable(
            title: "Expenditure over £500",
            columns: [
                "office", "date", "recipient", "recipientOrgId", "amountPence", "amountPounds", "purpose",
                "expenseType", "strand", "financialYear", "reference",
            ],
            rows: items.map { s in
                [
                    .string(s.office), .string(s.date.iso), .string(s.recipient.name), .string(s.recipient.orgID),
                    .integer(s.amount.pence), .pounds(pence: s.amount.pence), .string(s.purpose),
                    .string(s.expenseType), .string(s.strand), .string(s.financialYear.description),
                    .string(s.reference),
                ]
            })
    }

    /// Contracts over £10,000, with their decision's Part 1 documents (as in `grantsRegister`).
    public static func contracts(_ items: [ContractItem], documentBase: String = "") -> TransparencyTable {
        TransparencyTable(
            title: "Contracts over £10,000",
            columns: [
                "office", "reference", "counterparty", "counterpartyOrgId", "valuePence", "valuePounds", "startDate",
                "endDate", "description", "decision", "decisionDocuments",
            ],
            rows: items.map { c in
                [
                    .string(c.office), .string(c.reference), .string(c.counterparty.name),
                    .string(c.counterparty.orgID), .integer(c.value.pence), .pounds(pence: c.value.pence),
                    .string(c.period.start.iso), .string(c.period.end.iso), .string(c.description),
                    .string(c.decisionNumber), .array(c.decisionDocuments.map { $0.json(base: documentBase) }),
                ]
            })
    }
}
