/// The UK public-sector financial year, 1 April to 31 March: the period in which every grant is budgeted, awarded
/// and reported. Identified by the calendar year in which it starts, so 2017/18 (1 April 2017 to 31 March 2018) has
/// `startYear` 2017.
///
/// Written and encoded as "2017/18".
public struct FinancialYear: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The calendar year in which this financial year starts on 1 April.
    public let startYear: Int

    /// The financial year starting on 1 April `startYear`.
    public init(startYear: Int) {
        self.startYear = startYear
    }

    /// The financial year in which `day` falls: the one starting this April when the day is in April or later,
    /// otherwise the one that started last April.
    public init(containing day: Day) {
        self.startYear = day.month >= 4 ? day.year : day.year - 1
    }

    /// 1 April of `startYear`, the first day of the year.
    public var firstDay: Day { FinancialYear.firstOfMonth(4, ofYear: startYear) }

    /// 31 March of the following calendar year, the last day of the year.
    public var lastDay: Day { FinancialYear.firstOfMonth(4, ofYear: startYear + 1).adding(days: -1) }

    /// The following financial year.
    public var next: FinancialYear { FinancialYear(startYear: startYear + 1) }

    /// The preceding financial year.
    public var previous: FinancialYear { FinancialYear(startYear: startYear - 1) }

    /// Whether `day` falls within this financial year (first and last days included).
    public func contains(_ day: Day) -> Bool { firstDay <= day && day <= lastDay }

    /// The four quarters of the year in order, Q1 (April–June) to Q4 (January–March).
    public var quarters: [Quarter] { (1...4).map { Quarter(uncheckedYear: self, number: $0) } }

    /// "2017/18": the starting year in full, a slash and the last two digits of the ending year ("1999/00").
    public var description: String {
        let start = String(startYear)
        let padded = String(repeating: "0", count: max(0, 4 - start.count)) + start
        let end = ((startYear + 1) % 100 + 100) % 100
        return padded + "/" + (end < 10 ? "0" : "") + String(end)
    }

    /// Orders years chronologically.
    public static func < (lhs: FinancialYear, rhs: FinancialYear) -> Bool { lhs.startYear < rhs.startYear }

    /// The first of `month` in `year`, for any year: the date is computed within a 400-year cycle that `Day` can
    /// represent and shifted by whole cycles, so a year outside 1...9999 never makes this fail.
    static func firstOfMonth(_ month: Int, ofYear year: Int) -> Day {
        let cycle = year >= 0 ? year / 400 : (year - 399) / 400
        let yearInCycle = year - cycle * 400
        let base = Day(year: 2000 + yearInCycle, month: month, day: 1)!
        return Day(dayNumber: base.dayNumber + (cycle - 5) * 146_097)
    }
}

/// Why a text is not a financial year. The description quotes the text, says what is wrong and shows the accepted
/// forms.
public struct FinancialYearParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The specific fault found in the text.
    public enum Reason: Hashable, Sendable {
        /// Not one of the written forms at all.
        case malformed
        /// The second year does not follow the first (e.g. "2017/19").
        case notConsecutive
    }

    /// The text exactly as given.
    public let text: String
    /// What is wrong with it.
    public let reason: Reason

    /// Creates an error for `text` with the fault `reason`.
    public init(text: String, reason: Reason) {
        self.text = text
        self.reason = reason
    }

    /// The accepted forms, repeated in every message.
    static let acceptedForms =
        "write it as 2017/18, 2017-18, 2017/2018 or 2017-2018 "
        + "(the year running from 1 April 2017 to 31 March 2018)"

    /// Quotes the text, says what is wrong and says what forms are accepted.
    public var description: String {
        switch reason {
        case .malformed:
            return "'\(text)' is not a financial year: \(FinancialYearParseError.acceptedForms)"
        case .notConsecutive:
            return "'\(text)' is not a financial year (the second year must be the one after the first): "
                + FinancialYearParseError.acceptedForms
        }
    }
}

extension FinancialYear {
    /// Parses a financial year as written in UK public-sector papers: "2017/18", "2017-18", "2017/2018" or
    /// "2017-2018", with optional surrounding whitespace. The second year must follow the first ("1999/00" is
    /// 1999 to 2000); anything else, including a lone year or a two-digit first year, is refused.
    public init(parsing text: String) throws(FinancialYearParseError) {
        var characters = Substring(text)
        while let first = characters.first, first.isWhitespace { characters.removeFirst() }
        while let last = characters.last, last.isWhitespace { characters.removeLast() }
        let parts = characters.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "/" || $0 == "-" })
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2 || parts[1].count == 4,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let start = Int(parts[0]), let end = Int(parts[1])
        else { throw FinancialYearParseError(text: text, reason: .malformed) }
        let expected = parts[1].count == 2 ? (start + 1) % 100 : start + 1
        guard end == expected else { throw FinancialYearParseError(text: text, reason: .notConsecutive) }
        self.init(startYear: start)
    }
}

extension FinancialYear: Codable {
    /// Decodes a financial year written as "2017/18" (or any other form `init(parsing:)` accepts).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try FinancialYear(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    /// Encodes the year as "2017/18".
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
