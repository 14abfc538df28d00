/// How an office numbers its decision records, e.g. Cumbria `014/2016`, Lancashire `2020-19`, Warwickshire
/// `WPC4-0045`, Hampshire `PCCML-000485-2019`.
///
/// A template is literal text with placeholders:
/// - `{seq}` the sequence number, unpadded; `{seq:N}` zero-padded to at least N digits;
/// - `{year}` the four-digit calendar year of allocation;
/// - `{fy}` the financial year of allocation written `2020-21`;
/// - `{term}` the number of the PCC term in which the number is allocated.
/// The sequence resets by `reset`: never, each calendar year, each financial year or each PCC term. Parsing accepts
/// any number of digits for `{seq}` so that `44/2020` and `044/2020` name the same record (Surrey writes both).
public struct NumberingTemplate: Hashable, Sendable {
    /// When the sequence starts again at 1.
    public enum Reset: String, Hashable, Sendable, CaseIterable, Codable {
        case never
        case calendarYear = "calendar-year"
        case financialYear = "financial-year"
        case term
    }

    /// One PCC term, numbered as the office numbers them, from its first day.
    public struct Term: Hashable, Sendable, Codable {
        public let number: Int
        public let starts: Day
        public init(number: Int, starts: Day) {
            self.number = number
            self.starts = starts
        }
    }

    enum Piece: Hashable, Sendable {
        case literal(String)
        case sequence(width: Int)
        case year
        case financialYear
        case term
    }

    public let text: String
    public let reset: Reset
    public let terms: [Term]
    let pieces: [Piece]

    /// Builds a template, refusing one that cannot number records unambiguously.
    public init(_ text: String, reset: Reset, terms: [Term] = []) throws(NumberingTemplateError) {
        let pieces = try Self.pieces(of: text)
        let placeholders = pieces.filter { if case .literal = $0 { return false } else { return true } }
        guard pieces.filter({ if case .sequence = $0 { return true } else { return false } }).count == 1 else {
            throw .init(template: text, problem: "it must contain exactly one {seq} or {seq:N}")
        }
        for (i, p) in placeholders.enumerated() where placeholders[..<i].contains(p) {
            throw .init(template: text, problem: "each placeholder may appear once; \(p) is repeated")
        }
        for (a, b) in zip(pieces, pieces.dropFirst()) {
            if case .literal = a { continue }
            if case .literal = b { continue }
            throw .init(
                template: text,
                problem: "two placeholders must be separated by literal text, or parsing "
                    + "could not tell where one ends")
        }
        switch reset {
        case .calendarYear where !placeholders.contains(.year):
            throw .init(
                template: text,
                problem: "a sequence that resets each calendar year needs {year} in the "
                    + "template, or two records would share a number")
        case .financialYear where !placeholders.contains(.financialYear):
            throw .init(template: text, problem: "a sequence that resets each financial year needs {fy}")
        case .term where !placeholders.contains(.term):
            throw .init(template: text, problem: "a sequence that resets each PCC term needs {term}")
        default: break
        }
        if placeholders.contains(.term) && terms.isEmpty {
            throw .init(template: text, problem: "{term} needs the office's PCC terms (number and first day)")
        }
        self.text = text
        self.reset = reset
        self.terms = terms.sorted { $0.starts < $1.starts }
        self.pieces = pieces
    }

    private static func pieces(of text: String) throws(NumberingTemplateError) -> [Piece] {
        var pieces: [Piece] = []
        var literal = ""
        var rest = Substring(text)
        while let c = rest.first {
            if c == "{" {
                guard let close = rest.firstIndex(of: "}") else {
                    throw .init(template: text, problem: "a '{' is not closed")
                }
                let name = rest[rest.index(after: rest.startIndex)..<close]
                if !literal.isEmpty { pieces.append(.literal(literal)) }
                literal = ""
                pieces.append(try piece(named: name, in: text))
                rest = rest[rest.index(after: close)...]
            } else {
                if c == "}" { throw .init(template: text, problem: "a '}' has no opening '{'") }
                literal.append(c)
                rest = rest.dropFirst()
            }
        }
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        return pieces
    }

    private static func piece(named name: Substring, in text: String) throws(NumberingTemplateError) -> Piece {
        switch name {
        case "seq": return .sequence(width: 1)
        case "year": return .year
        case "fy": return .financialYear
        case "term": return .term
        default:
            if name.hasPrefix("seq:"), let width = Int(name.dropFirst(4)), (1...12).contains(width) {
                return .sequence(width: width)
            }
            throw .init(
                template: text,
                problem: "'{\(name)}' is not a placeholder: use {seq}, {seq:N}, {year}, "
                    + "{fy} or {term}")
        }
    }
}

/// A decision number whose year or term is not the one its date falls in: a typing slip in a historic log, or a
/// number carried across a PCC election.
public struct NumberDateDisagreement: Hashable, Sendable, CustomStringConvertible {
    public static let rule = "decision-number-matches-date"
    /// The number as the office writes it.
    public let number: String
    /// The day the number was allocated (the record's first submission).
    public let day: Day
    /// The period the number names, e.g. "term 3" or "2017".
    public let numberedFor: String
    /// The period the day falls in.
    public let dayIsIn: String

    public var description: String {
        "\(number) is numbered for \(numberedFor), but it is dated \(day.iso), in \(dayIsIn)"
    }
    /// What to do about it.
    public var remedy: String { "give the number of the period its date falls in, or correct the date" }
}

/// A template that cannot number records, with the reason.
public struct NumberingTemplateError: Error, Hashable, Sendable, CustomStringConvertible {
    public let template: String
    public let problem: String
    public var description: String { "decision-number template '\(template)': \(problem)" }
}

/// A decision number split into what it means: the sequence and the period it belongs to.
public struct DecisionNumber: Hashable, Sendable, CustomStringConvertible {
    /// The period a sequence runs in; two numbers with equal periods and sequences are one number.
    public struct Period: Hashable, Sendable, Codable {
        public var year: Int?
        public var financialYearStart: Int?
        public var term: Int?
        public init(year: Int? = nil, financialYearStart: Int? = nil, term: Int? = nil) {
            self.year = year
            self.financialYearStart = financialYearStart
            self.term = term
        }

        /// A stable text key for the period (used to keep one sequence counter per period).
        public var key: String {
            [year.map { "y\($0)" }, financialYearStart.map { "fy\($0)" }, term.map { "t\($0)" }]
                .compactMap { $0 }.joined(separator: "-").ifEmpty("all")
        }
    }

    public let sequence: Int
    public let period: Period
    /// The number as the office writes it (canonical padding).
    public let text: String

    public var description: String { text }
}

extension String {
    fileprivate func ifEmpty(_ other: String) -> String { isEmpty ? other : self }
}

extension NumberingTemplate {
    /// The period in which a number allocated on `day` falls, holding only what the template prints or resets on.
    public func period(on day: Day) throws(NumberingTemplateError) -> DecisionNumber.Period {
        var period = DecisionNumber.Period()
        if pieces.contains(.year) { period.year = day.year }
        if pieces.contains(.financialYear) { period.financialYearStart = day.month >= 4 ? day.year : day.year - 1 }
        if pieces.contains(.term) {
            guard let term = terms.last(where: { $0.starts <= day }) else {
                throw .init(template: text, problem: "no PCC term is configured that contains \(day.iso)")
            }
            period.term = term.number
        }
        return period
    }

    /// The sequence counter key for a period: the part of the period the sequence resets on.
    public func sequenceKey(for period: DecisionNumber.Period) -> String {
        switch reset {
        case .never: return "all"
        case .calendarYear: return DecisionNumber.Period(year: period.year).key
        case .financialYear: return DecisionNumber.Period(financialYearStart: period.financialYearStart).key
        case .term: return DecisionNumber.Period(term: period.term).key
        }
    }

    /// The number allocated on `day` when the last number allocated in its sequence was `last` (nil: none yet).
    /// The sequence starts at 1 again when `day` falls in a new reset period.
    public func next(after last: DecisionNumber?, on day: Day) throws(NumberingTemplateError) -> DecisionNumber {
        let period = try period(on: day)
        let sequence: Int
        if let last, sequenceKey(for: last.period) == sequenceKey(for: period) {
            sequence = last.sequence + 1
        } else {
            sequence = 1
        }
        return format(sequence: sequence, period: period)
    }

    /// Writes a number in the office's canonical form.
    public func format(sequence: Int, period: DecisionNumber.Period) -> DecisionNumber {
        var text = ""
        for piece in pieces {
            switch piece {
            case .literal(let s): text += s
            case .sequence(let width):
                let digits = String(sequence)
                text += String(repeating: "0", count: max(0, width - digits.count)) + digits
            case .year: text += String(period.year ?? 0)
            case .financialYear: text += Self.financialYearText(period.financialYearStart ?? 0)
            case .term: text += String(period.term ?? 0)
            }
        }
        return DecisionNumber(sequence: sequence, period: period, text: text)
    }

    /// Where a number given by hand or from a historic record disagrees with the day it was allocated on: it names
    /// a year, financial year or PCC term the day is not in (`WPC3-0046` dated February 2025, in term 4). Nil when
    /// the number's period is the day's, or the template names no period.
    public func disagreement(of number: DecisionNumber, on day: Day) -> NumberDateDisagreement? {
        func found(_ given: String, _ dayIsIn: String) -> NumberDateDisagreement {
            NumberDateDisagreement(number: number.text, day: day, numberedFor: given, dayIsIn: dayIsIn)
        }
        if let year = number.period.year, year != day.year {
            return found(String(year), String(day.year))
        }
        if let start = number.period.financialYearStart {
            let dayStart = day.month >= 4 ? day.year : day.year - 1
            if start != dayStart {
                return found(
                    "the financial year " + Self.financialYearText(start),
                    "the financial year " + Self.financialYearText(dayStart))
            }
        }
        if let term = number.period.term {
            guard let dayTerm = terms.last(where: { $0.starts <= day }) else {
                return found(
                    "term \(term)", "no PCC term the office lists (the first starts \(terms.first?.starts.iso ?? "-"))")
            }
            if dayTerm.number != term {
                return found("term \(term)", "term \(dayTerm.number), which started on \(dayTerm.starts.iso)")
            }
        }
        return nil
    }

    /// A financial year as templates write it: "2020-21".
    static func financialYearText(_ start: Int) -> String {
        let end = (start + 1) % 100
        return "\(start)-" + (end < 10 ? "0" : "") + String(end)
    }

    /// Reads a number written in this template, with or without the sequence's zero padding
    /// (`44/2020` and `044/2020` both give sequence 44 of 2020). Returns nil for text not in this form.
    public func parse(_ input: String) -> DecisionNumber? {
        parse(input) { rest, literal in rest.hasPrefix(literal) ? rest.dropFirst(literal.count) : nil }
    }

    /// Reads a number as a person types it into a search box: as `parse` does, and also with the template's letters
    /// in either case and with spaces around its literal text added or left out (`wmpcc 7/2020`, `007 / 2020`,
    /// `wpc4-45`). Returns nil for text not in this form. Not for allocating: a number given to a record is read by
    /// `parse`, in the office's own spelling.
    public func parseAsTyped(_ input: String) -> DecisionNumber? {
        parse(input) { rest, literal in rest.droppingLooseLiteral(literal) }
    }

    private func parse(
        _ input: String, literal dropLiteral: (Substring, String) -> Substring?
    ) -> DecisionNumber? {
        var rest = Substring(input.trimmingSpaces)
        var sequence: Int?
        var period = DecisionNumber.Period()
        for piece in pieces {
            switch piece {
            case .literal(let s):
                guard let after = dropLiteral(rest, s) else { return nil }
                rest = after
            case .sequence:
                guard let n = rest.takeDigits(max: 12), n.value > 0 else { return nil }
                sequence = n.value
                rest = n.rest
            case .year:
                guard let n = rest.takeDigits(exactly: 4) else { return nil }
                period.year = n.value
                rest = n.rest
            case .financialYear:
                guard let a = rest.takeDigits(exactly: 4), a.rest.first == "-",
                    let b = a.rest.dropFirst().takeDigits(exactly: 2), b.value == (a.value + 1) % 100
                else { return nil }
                period.financialYearStart = a.value
                rest = b.rest
            case .term:
                guard let n = rest.takeDigits(max: 3) else { return nil }
                period.term = n.value
                rest = n.rest
            }
        }
        guard rest.isEmpty, let sequence else { return nil }
        return format(sequence: sequence, period: period)
    }
}

extension StringProtocol {
    /// True when the text is empty or only whitespace, line breaks included: what "missing" means for a reason,
    /// a name or a declaration.
    public var isBlank: Bool { allSatisfy(\.isWhitespace) }
}

extension String {
    public var trimmingSpaces: Substring {
        let s = drop(while: { $0 == " " || $0 == "\t" })
        return s.prefix(s.count - s.reversed().prefix(while: { $0 == " " || $0 == "\t" }).count)
    }
}

extension Substring {
    /// The text after `literal` when it starts with it, comparing letters in either case and ignoring whitespace
    /// before, inside and after it; a literal that is only whitespace (between two placeholders) needs at least one
    /// space, or `{seq} {year}` would read `12020`.
    fileprivate func droppingLooseLiteral(_ literal: String) -> Substring? {
        var rest = drop(while: \.isWhitespace)
        var sawSpace = rest.startIndex != startIndex
        for wanted in literal where !wanted.isWhitespace {
            rest = rest.drop(while: \.isWhitespace)
            guard let next = rest.first, next.lowercased() == wanted.lowercased() else { return nil }
            rest = rest.dropFirst()
        }
        let after = rest.drop(while: \.isWhitespace)
        sawSpace = sawSpace || after.startIndex != rest.startIndex
        if literal.allSatisfy(\.isWhitespace) && !sawSpace { return nil }
        return after
    }

    fileprivate func takeDigits(max: Int) -> (value: Int, rest: Substring)? {
        let digits = prefix(while: { $0.isASCII && $0.isNumber })
        guard !digits.isEmpty, digits.count <= max, let value = Int(digits) else { return nil }
        return (value, dropFirst(digits.count))
    }

    fileprivate func takeDigits(exactly count: Int) -> (value: Int, rest: Substring)? {
        let digits = prefix(while: { $0.isASCII && $0.isNumber })
        guard digits.count >= count, let value = Int(digits.prefix(count)) else { return nil }
        return (value, dropFirst(count))
    }
}
