import Foundation

/// Decisions registers of any length, in the shape of `fixtures/import/decisions-register.csv`, for the tests that
/// import hundreds of rows (issue 26: "imports a 500-row decisions register").
public enum ImportRegisterGenerator {
    /// The register's header, as offices publish it.
    public static let header = "Decision Number,Date,Title,Summary,Amount,Decision Maker,Status,Link"

    /// `count` valid rows numbered `NNN/YYYY` (`{seq:3}/{year}`, reset each calendar year), `perYear` a year from
    /// `firstYear`, dated in their number's year, with amounts, statuses and quoted cells of every kind the importer
    /// reads; CRLF line ends, as Excel writes them.
    public static func register(count: Int, firstYear: Int = 2018, perYear: Int = 120) -> String {
        let statuses = ["Published", "Published", "Decided", "Not approved", "Withdrawn", "Deferred", ""]
        let subjects = [
            "Victims' services grant", "Community Safety Partnership funding", "Youth diversion, year %d",
            "Estates: sale of surplus site", "Body-worn video licences", "Rural crime \"Farm Watch\" grant",
        ]
        var lines = [header]
        for index in 0..<count {
            let year = firstYear + index / perYear
            let sequence = index % perYear + 1
            let month = sequence % 12 + 1
            let dayOfMonth = sequence % 28 + 1
            let number = pad(sequence, 3) + "/\(year)"
            let date = pad(dayOfMonth, 2) + "/" + pad(month, 2) + "/\(year)"
            let subject = subjects[index % subjects.count].replacingOccurrences(of: "%d", with: "\(index % 5 + 1)")
            let title = "\(subject) (\(number))"
            let summary =
                "Row \(index + 1): approval of \(subject.lowercased()), as set out in the report, "
                + "including the conditions of grant."
            let amount = index % 4 == 0 ? "" : "£\(grouped(1_000 + index * 137)).\(pad(index % 100, 2))"
            lines.append(
                [
                    number, date, quoted(title), quoted(summary), quoted(amount), "Police and Crime Commissioner",
                    statuses[index % statuses.count], "https://www.example-pcc.org.uk/decisions/\(index + 1)",
                ].joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func pad(_ n: Int, _ width: Int) -> String {
        let digits = String(n)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    static func grouped(_ n: Int) -> String {
        var digits = Array(String(n))
        var out: [Character] = []
        while digits.count > 3 {
            out = [","] + digits.suffix(3) + out
            digits.removeLast(3)
        }
        return String(digits + out)
    }

    /// A cell quoted as RFC 4180 says when it holds a comma, a quote or a line break.
    public static func quoted(_ cell: String) -> String {
        cell.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
    }
}
