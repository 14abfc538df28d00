/// A quarter of a UK financial year, the period for which grant recipients report and claim: Q1 April–June,
/// Q2 July–September, Q3 October–December, Q4 January–March (of the following calendar year).
///
/// Written and encoded as "2017/18 Q3".
public struct Quarter: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The financial year the quarter belongs to.
    public let year: FinancialYear
    /// The quarter's number within its year, 1...4.
    public let number: Int

    /// The quarter `number` (1...4) of `year`, or nil when `number` is out of range.
    public init?(year: FinancialYear, number: Int) {
        guard (1...4).contains(number) else { return nil }
        self.init(uncheckedYear: year, number: number)
    }

    /// Builds a quarter whose number is already known to be in 1...4.
    init(uncheckedYear year: FinancialYear, number: Int) {
        self.year = year
        self.number = number
    }

    /// The quarter in which `day` falls.
    public init(containing day: Day) {
        self.init(uncheckedYear: FinancialYear(containing: day), number: (day.month + 8) % 12 / 3 + 1)
    }

    /// The calendar month (1...12) in which the quarter starts: April, July, October or January.
    private var firstMonth: Int { number * 3 % 12 + 1 }

    /// The calendar year in which the quarter falls (the year after `year.startYear` for Q4).
    private var calendarYear: Int { number == 4 ? year.startYear + 1 : year.startYear }

    /// The first day of the quarter: 1 April, 1 July, 1 October or 1 January.
    public var firstDay: Day { FinancialYear.firstOfMonth(firstMonth, ofYear: calendarYear) }

    /// The last day of the quarter: 30 June, 30 September, 31 December or 31 March.
    public var lastDay: Day { next.firstDay.adding(days: -1) }

    /// The following quarter; after Q4 comes Q1 of the next financial year.
    public var next: Quarter {
        number == 4 ? Quarter(uncheckedYear: year.next, number: 1) : Quarter(uncheckedYear: year, number: number + 1)
    }

    /// The preceding quarter; before Q1 comes Q4 of the previous financial year.
    public var previous: Quarter {
        number == 1
            ? Quarter(uncheckedYear: year.previous, number: 4) : Quarter(uncheckedYear: year, number: number - 1)
    }

    /// Whether `day` falls within this quarter (first and last days included).
    public func contains(_ day: Day) -> Bool { firstDay <= day && day <= lastDay }

    /// "2017/18 Q3".
    public var description: String { "\(year) Q\(number)" }

    /// Orders quarters chronologically.
    public static func < (lhs: Quarter, rhs: Quarter) -> Bool {
        (lhs.year.startYear, lhs.number) < (rhs.year.startYear, rhs.number)
    }
}

/// Why a text is not a financial quarter. The description quotes the text and shows the accepted form.
public struct QuarterParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The text exactly as given.
    public let text: String

    /// Creates an error for `text`.
    public init(text: String) {
        self.text = text
    }

    /// Quotes the text and says what form is accepted.
    public var description: String {
        "'\(text)' is not a financial quarter: write the financial year, a space and Q1 to Q4, for example "
            + "2017/18 Q3 or 2017-18 Q3 (Q1 is April to June, Q4 is January to March)"
    }
}

extension Quarter {
    /// Parses a quarter written as "2017/18 Q3" (the year in any form `FinancialYear(parsing:)` accepts, one space,
    /// then Q1 to Q4), with optional surrounding whitespace.
    public init(parsing text: String) throws(QuarterParseError) {
        var characters = Substring(text)
        while let first = characters.first, first.isWhitespace { characters.removeFirst() }
        while let last = characters.last, last.isWhitespace { characters.removeLast() }
        let parts = characters.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].count == 2, parts[1].first == "Q",
            let digit = parts[1].last, let number = digit.wholeNumberValue, digit.isASCII,
            let year = try? FinancialYear(parsing: String(parts[0])),
            let quarter = Quarter(year: year, number: number)
        else { throw QuarterParseError(text: text) }
        self = quarter
    }
}

extension Quarter: Codable {
    /// Decodes a quarter written as "2017/18 Q3".
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try Quarter(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    /// Encodes the quarter as "2017/18 Q3".
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
