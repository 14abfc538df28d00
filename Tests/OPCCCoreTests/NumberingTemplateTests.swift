import Testing

@testable import OPCCCore

private func day(_ text: String) -> Day {
    do {
        return try Day(iso: text)
    } catch {
        preconditionFailure("test date \(text) is not a date")
    }
}

/// Warwickshire numbers its decisions by PCC term: term 3 began with the May 2016 election, term 4 with May 2021.
private let warwickshireTerms = [
    NumberingTemplate.Term(number: 4, starts: day("2021-05-13")),
    NumberingTemplate.Term(number: 3, starts: day("2016-05-12")),
]

/// One office's numbering as DOMAIN.md cites it, with a number the office really issued.
struct OfficeNumbering: Sendable, CustomTestStringConvertible {
    let office: String
    let template: String
    let reset: NumberingTemplate.Reset
    let terms: [NumberingTemplate.Term]
    /// A number the office issued.
    let example: String
    /// A day on which `example` could have been issued.
    let issued: String

    var testDescription: String { "\(office) \(template)" }

    func build() throws -> NumberingTemplate { try NumberingTemplate(template, reset: reset, terms: terms) }

    static let all: [OfficeNumbering] = [
        .init(
            office: "Cumbria", template: "{seq:3}/{year}", reset: .calendarYear, terms: [], example: "014/2016",
            issued: "2016-03-07"),
        .init(
            office: "Lancashire", template: "{year}-{seq}", reset: .calendarYear, terms: [], example: "2020-19",
            issued: "2020-06-01"),
        .init(
            office: "Warwickshire", template: "WPC{term}-{seq:4}", reset: .term, terms: warwickshireTerms,
            example: "WPC4-0045", issued: "2021-09-01"),
        .init(
            office: "Hampshire", template: "PCCML-{seq:6}-{year}", reset: .never, terms: [],
            example: "PCCML-000485-2019", issued: "2019-11-20"),
        .init(
            office: "Financial year", template: "{seq}/{fy}", reset: .financialYear, terms: [], example: "12/2019-20",
            issued: "2019-11-20"),
    ]
}

@Suite("Decision-number templates: the offices' real numbering")
struct NumberingTemplateOfficeTests {
    @Test func cumbriaSequenceContinuesWithinTheYearAndResetsInJanuary() async throws {
        let template = try NumberingTemplate("{seq:3}/{year}", reset: .calendarYear)
        let last = try #require(template.parse("013/2016"))
        #expect(last.sequence == 13)
        #expect(last.period.year == 2016)

        let next = try template.next(after: last, on: day("2016-03-07"))
        #expect(next.text == "014/2016")
        #expect(next.sequence == 14)

        let december = try template.next(after: next, on: day("2016-12-30"))
        #expect(december.text == "015/2016")

        let january = try template.next(after: december, on: day("2017-01-03"))
        #expect(january.text == "001/2017")
        #expect(january.sequence == 1)
        #expect(january.period.year == 2017)
    }

    @Test func aFirstNumberWithNoPreviousStartsAtOne() async throws {
        let template = try NumberingTemplate("{seq:3}/{year}", reset: .calendarYear)
        #expect(try template.next(after: nil, on: day("2016-01-04")).text == "001/2016")
    }

    @Test func lincolnshireSequenceContinuesWithinTheYear() async throws {
        let template = try NumberingTemplate("{seq:3}/{year}", reset: .calendarYear)
        let last = try #require(template.parse("006/2020"))
        let next = try template.next(after: last, on: day("2020-05-26"))
        #expect(next.text == "007/2020")
        #expect(next.sequence == 7)
    }

    @Test func surreyNumbersWithAndWithoutPaddingAreOneNumber() async throws {
        let template = try NumberingTemplate("{seq:3}/{year}", reset: .calendarYear)
        let unpadded = try #require(template.parse("44/2020"))
        let padded = try #require(template.parse("044/2020"))
        #expect(unpadded == padded)
        #expect(unpadded.text == "044/2020")
        #expect(unpadded.sequence == 44)
        #expect(unpadded.period.year == 2020)
        #expect(template.parse("44/2021") != padded)
        #expect(template.parse("45/2020") != padded)
    }

    @Test func lancashireSequenceIsUnpaddedAfterTheYear() async throws {
        let template = try NumberingTemplate("{year}-{seq}", reset: .calendarYear)
        let last = try #require(template.parse("2020-18"))
        #expect(last.sequence == 18)
        #expect(last.period.year == 2020)
        let next = try template.next(after: last, on: day("2020-06-01"))
        #expect(next.text == "2020-19")
        #expect(next.description == "2020-19")
        #expect(try template.next(after: next, on: day("2021-01-04")).text == "2021-1")
    }

    @Test func warwickshireSequenceContinuesWithinATerm() async throws {
        let template = try NumberingTemplate("WPC{term}-{seq:4}", reset: .term, terms: warwickshireTerms)
        let last = try #require(template.parse("WPC4-0044"))
        #expect(last.sequence == 44)
        #expect(last.period.term == 4)
        let next = try template.next(after: last, on: day("2022-02-01"))
        #expect(next.text == "WPC4-0045")
        // A term runs across calendar years: January does not reset it.
        let january = try template.next(after: next, on: day("2023-01-03"))
        #expect(january.text == "WPC4-0046")
    }

    /// Issue 21 item 10: `WPC3-0046` dated February 2025 names term 3, but February 2025 is in term 4.
    @Test(
        arguments: [
            ("WPC{term}-{seq:4}", "WPC3-0046", "2025-02-14", "term 3", "term 4, which started on 2021-05-13"),
            ("WPC{term}-{seq:4}", "WPC4-0046", "2025-02-14", nil, nil),
            ("WPC{term}-{seq:4}", "WPC4-0001", "2021-05-12", "term 4", "term 3, which started on 2016-05-12"),
            (
                "WPC{term}-{seq:4}", "WPC3-0001", "2016-05-11", "term 3",
                "no PCC term the office lists (the first starts 2016-05-12)"
            ),
            ("{seq:3}/{year}", "014/2016", "2016-03-07", nil, nil),
            ("{seq:3}/{year}", "014/2017", "2016-12-31", "2017", "2016"),
            ("{seq}/{fy}", "12/2019-20", "2020-03-31", nil, nil),
            ("{seq}/{fy}", "12/2019-20", "2020-04-01", "the financial year 2019-20", "the financial year 2020-21"),
            ("PCCML-{seq:6}-{year}", "PCCML-000485-2019", "2020-01-02", "2019", "2020"),
        ] as [(String, String, String, String?, String?)])
    func aNumberWhosePeriodIsNotItsDatesDisagreesWithIt(
        template text: String, number: String, dated: String, numberedFor: String?, dayIsIn: String?
    ) throws {
        let reset: NumberingTemplate.Reset =
            text.contains("{term}")
            ? .term
            : text.contains("{fy}")
                ? .financialYear
                : text.hasPrefix("PCCML")
                    ? .never
                    : .calendarYear
        let template = try NumberingTemplate(
            text, reset: reset, terms: text.contains("{term}") ? warwickshireTerms : [])
        let parsed = try #require(template.parse(number))
        let disagreement = template.disagreement(of: parsed, on: day(dated))
        #expect(disagreement?.numberedFor == numberedFor)
        #expect(disagreement?.dayIsIn == dayIsIn)
        if let disagreement {
            #expect(
                disagreement.description
                    == "\(number) is numbered for \(numberedFor!), but it is dated \(dated), in \(dayIsIn!)")
        }
    }

    @Test func warwickshireSequenceResetsOnTheFirstDayOfANewTerm() async throws {
        let template = try NumberingTemplate("WPC{term}-{seq:4}", reset: .term, terms: warwickshireTerms)
        let lastOfTerm3 = try template.next(after: template.parse("WPC3-0107"), on: day("2021-05-12"))
        #expect(lastOfTerm3.text == "WPC3-0108")
        let firstOfTerm4 = try template.next(after: lastOfTerm3, on: day("2021-05-13"))
        #expect(firstOfTerm4.text == "WPC4-0001")
        #expect(firstOfTerm4.period.term == 4)
    }

    @Test func warwickshireRefusesADayBeforeAnyConfiguredTerm() async throws {
        let template = try NumberingTemplate("WPC{term}-{seq:4}", reset: .term, terms: warwickshireTerms)
        let error = #expect(throws: NumberingTemplateError.self) {
            try template.next(after: nil, on: day("2016-05-11"))
        }
        #expect(error?.description.contains("2016-05-11") == true)
        #expect(error?.description.contains("WPC{term}-{seq:4}") == true)
    }

    @Test func hampshireSequenceNeverResetsAlthoughTheYearIsPrinted() async throws {
        let template = try NumberingTemplate("PCCML-{seq:6}-{year}", reset: .never)
        let last = try #require(template.parse("PCCML-000484-2019"))
        #expect(last.sequence == 484)
        let next = try template.next(after: last, on: day("2019-12-20"))
        #expect(next.text == "PCCML-000485-2019")
        let newYear = try template.next(after: next, on: day("2020-01-06"))
        #expect(newYear.text == "PCCML-000486-2020")
        #expect(newYear.sequence == 486)
        #expect(newYear.period.year == 2020)
    }

    @Test func financialYearSequenceResetsOnFirstApril() async throws {
        let template = try NumberingTemplate("{seq}/{fy}", reset: .financialYear)
        let march = try template.next(after: nil, on: day("2020-03-02"))
        #expect(march.text == "1/2019-20")
        #expect(march.period.financialYearStart == 2019)
        let lastDay = try template.next(after: march, on: day("2020-03-31"))
        #expect(lastDay.text == "2/2019-20")
        let april = try template.next(after: lastDay, on: day("2020-04-01"))
        #expect(april.text == "1/2020-21")
        #expect(april.period.financialYearStart == 2020)
        // 1 January is not a reset for a financial-year sequence.
        let december = try template.next(after: april, on: day("2020-12-31"))
        let january = try template.next(after: december, on: day("2021-01-04"))
        #expect(january.text == "3/2020-21")
    }

    @Test func financialYearCrossingTheCenturyIsWrittenWithTwoDigits() async throws {
        let template = try NumberingTemplate("{seq}/{fy}", reset: .financialYear)
        let number = try template.next(after: nil, on: day("1999-06-01"))
        #expect(number.text == "1/1999-00")
        #expect(template.parse("1/1999-00") == number)
        #expect(template.parse("1/1999-01") == nil)
        #expect(template.parse("1/2019-21") == nil)
    }

    @Test func aSequenceWiderThanItsPaddingIsWrittenInFullAndReadBack() async throws {
        let template = try NumberingTemplate("{seq:3}/{year}", reset: .calendarYear)
        let wide = template.format(sequence: 1234, period: .init(year: 2016))
        #expect(wide.text == "1234/2016")
        #expect(template.parse("1234/2016") == wide)
    }
}

@Suite("Decision-number templates: reading numbers")
struct NumberingTemplateParsingTests {
    @Test(arguments: OfficeNumbering.all)
    func eachTemplateReadsItsOwnExample(office: OfficeNumbering) async throws {
        let template = try office.build()
        let parsed = try #require(template.parse(office.example))
        #expect(parsed.text == office.example)
    }

    @Test(arguments: OfficeNumbering.all, [1, 2, 9, 10, 99, 100, 485, 1000, 123_456])
    func eachTemplateReadsBackWhatItWrites(office: OfficeNumbering, sequence: Int) async throws {
        let template = try office.build()
        let period = try template.period(on: day(office.issued))
        let written = template.format(sequence: sequence, period: period)
        let read = try #require(template.parse(written.text))
        #expect(read == written)
        #expect(read.sequence == sequence)
        #expect(read.period == period)
    }

    @Test(arguments: OfficeNumbering.all)
    func eachTemplateReadsBackANumberItAllocated(office: OfficeNumbering) async throws {
        let template = try office.build()
        let previous = try #require(template.parse(office.example))
        let allocated = try template.next(after: previous, on: day(office.issued))
        #expect(allocated.sequence == previous.sequence + 1)
        #expect(template.parse(allocated.text) == allocated)
    }

    @Test(arguments: OfficeNumbering.all, OfficeNumbering.all)
    func eachTemplateRejectsOtherOfficesNumbers(office: OfficeNumbering, other: OfficeNumbering) async throws {
        guard office.template != other.template else { return }
        let template = try office.build()
        #expect(template.parse(other.example) == nil)
    }

    @Test(arguments: [
        "", "/2016", "014/", "014-2016", "014/16", "014/20166", "000/2016", "x14/2016", "014/2016/1", "14 /2016",
        "014/２０１６",
    ])
    func cumbriaTemplateRejectsMalformedNumbers(text: String) async throws {
        let template = try NumberingTemplate("{seq:3}/{year}", reset: .calendarYear)
        #expect(template.parse(text) == nil)
    }

    @Test func surroundingSpacesAreIgnoredWhenReading() async throws {
        let template = try NumberingTemplate("{seq:3}/{year}", reset: .calendarYear)
        #expect(template.parse("  014/2016\t")?.text == "014/2016")
    }

    @Test(arguments: ["WPC4-", "WPC-0044", "WPC4-0000", "WPCX-0044", "wpc4-0044", "WPC4_0044"])
    func warwickshireTemplateRejectsMalformedNumbers(text: String) async throws {
        let template = try NumberingTemplate("WPC{term}-{seq:4}", reset: .term, terms: warwickshireTerms)
        #expect(template.parse(text) == nil)
    }

    @Test func periodsHoldOnlyWhatTheTemplatePrints() async throws {
        let cumbria = try NumberingTemplate("{seq:3}/{year}", reset: .calendarYear)
        #expect(try cumbria.period(on: day("2016-03-07")) == .init(year: 2016))
        let fy = try NumberingTemplate("{seq}/{fy}", reset: .financialYear)
        #expect(try fy.period(on: day("2016-03-07")) == .init(financialYearStart: 2015))
        let warwickshire = try NumberingTemplate("WPC{term}-{seq:4}", reset: .term, terms: warwickshireTerms)
        #expect(try warwickshire.period(on: day("2016-05-12")) == .init(term: 3))
        #expect(try warwickshire.period(on: day("2021-05-13")) == .init(term: 4))
    }

    @Test func sequenceKeysSeparateOnlyTheResetPeriods() async throws {
        let hampshire = try NumberingTemplate("PCCML-{seq:6}-{year}", reset: .never)
        #expect(hampshire.sequenceKey(for: .init(year: 2019)) == hampshire.sequenceKey(for: .init(year: 2020)))
        let cumbria = try NumberingTemplate("{seq:3}/{year}", reset: .calendarYear)
        #expect(cumbria.sequenceKey(for: .init(year: 2016)) != cumbria.sequenceKey(for: .init(year: 2017)))
    }
}

/// A template that must be refused, and words its reason must use.
struct InvalidTemplate: Sendable, CustomTestStringConvertible {
    let template: String
    let reset: NumberingTemplate.Reset
    let terms: [NumberingTemplate.Term]
    let reasonMentions: String
    var testDescription: String { "\(template) (\(reset.rawValue))" }

    static let all: [InvalidTemplate] = [
        .init(template: "DEC/{year}", reset: .never, terms: [], reasonMentions: "exactly one {seq}"),
        .init(template: "{seq}/{seq:3}", reset: .never, terms: [], reasonMentions: "exactly one {seq}"),
        .init(template: "{seq:3}{year}", reset: .calendarYear, terms: [], reasonMentions: "separated"),
        .init(template: "{year}{seq}", reset: .calendarYear, terms: [], reasonMentions: "separated"),
        .init(template: "{seq}/{month}", reset: .never, terms: [], reasonMentions: "{month}"),
        .init(template: "{seq:0}/{year}", reset: .calendarYear, terms: [], reasonMentions: "{seq:0}"),
        .init(template: "{seq/{year}", reset: .calendarYear, terms: [], reasonMentions: "not a placeholder"),
        .init(template: "{seq}/{year", reset: .calendarYear, terms: [], reasonMentions: "not closed"),
        .init(template: "{seq}}/{year}", reset: .calendarYear, terms: [], reasonMentions: "no opening"),
        .init(template: "{seq:3}", reset: .calendarYear, terms: [], reasonMentions: "{year}"),
        .init(template: "{seq:3}/{year}", reset: .financialYear, terms: [], reasonMentions: "{fy}"),
        .init(template: "{seq:3}/{year}", reset: .term, terms: warwickshireTerms, reasonMentions: "{term}"),
        .init(template: "WPC{term}-{seq:4}", reset: .term, terms: [], reasonMentions: "PCC terms"),
        .init(template: "WPC{term}-{seq:4}", reset: .never, terms: [], reasonMentions: "PCC terms"),
    ]
}

@Suite("Decision-number templates: refusing templates that cannot number records")
struct NumberingTemplateValidationTests {
    @Test(arguments: InvalidTemplate.all)
    func invalidTemplatesAreRefusedNamingTheTemplate(invalid: InvalidTemplate) {
        let error = #expect(throws: NumberingTemplateError.self) {
            try NumberingTemplate(invalid.template, reset: invalid.reset, terms: invalid.terms)
        }
        #expect(error?.template == invalid.template)
        #expect(error?.description.contains("'\(invalid.template)'") == true)
        #expect(error?.problem.contains(invalid.reasonMentions) == true, "problem: \(error?.problem ?? "")")
    }

    @Test(arguments: OfficeNumbering.all)
    func everyOfficeTemplateIsAccepted(office: OfficeNumbering) async throws {
        let template = try office.build()
        #expect(template.text == office.template)
        #expect(template.reset == office.reset)
    }

    @Test func termsAreKeptInDateOrder() async throws {
        let template = try NumberingTemplate("WPC{term}-{seq:4}", reset: .term, terms: warwickshireTerms)
        #expect(template.terms.map(\.number) == [3, 4])
    }
}

@Suite("Decision-number templates: each placeholder once")
struct NumberingTemplateRepeatTests {
    @Test func aRepeatedPlaceholderIsRefusedBecauseParsingCouldDisagreeWithItself() {
        let error = #expect(throws: NumberingTemplateError.self) {
            try NumberingTemplate("{year}/{seq}/{year}", reset: .calendarYear)
        }
        #expect(error?.description.contains("'{year}/{seq}/{year}'") == true)
        #expect(error?.description.contains("repeated") == true)
    }
}
