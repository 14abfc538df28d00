import Foundation
import PropertyBased
import Testing

@testable import OPCCCore

/// The folder holding Package.swift, found by walking up from this file.
private let repositoryRoot: URL = {
    var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
        let parent = url.deletingLastPathComponent()
        precondition(parent.path != url.path, "no Package.swift above \(#filePath)")
        url = parent
    }
    return url
}()

/// Arbitrary Unicode with the pieces a query language would read as syntax mixed in.
enum HostileText {
    static let fragments = [
        "\u{0}", "\"", "'", "*", "(", ")", "NEAR", "NOT", "OR", "AND", "^", ":", "-", "+", "/", "\\", "{", "}",
        "\u{202E}", "\u{2066}", "\u{200F}", "\u{200D}", "\u{FEFF}", " ", "\n", "\r\n", "\t", "014/2016", "44/2020",
        "WMPCC", "é", "e\u{301}", "\u{301}", "😀", "👩‍👩‍👧", "🇬🇧", "日本", "٣", "%", "&", "=", "#", "?", "<b>",
        "'; DROP TABLE decision_record; --", "\u{7F}", "\u{FFFD}", "Mire", "a",
    ]
    /// Any scalar of the whole Unicode range (a surrogate code point, which is no scalar, becomes U+FFFD).
    static let scalar = Gen<UInt32>.value(in: 0...0x10_FFFF).map { String(Unicode.Scalar($0) ?? "\u{FFFD}") }
    static let piece = Gen.oneOf(Gen.element(of: fragments).map { $0 ?? "" }, scalar)
    static let short = piece.array(of: 0...12).map { $0.joined() }
    static let long = zip(piece, Gen.int(in: 500...3_000)).map { String(repeating: $0 + " ", count: $1) }
    static let text = Gen.frequency((6, short), (1, long))
}

@Suite("Search text: what a person types is text, never a query language")
struct SearchTextTests {
    @Test(arguments: [
        ("014/2016", ["014", "2016"]),
        ("WPC4-0045", ["WPC4", "0045"]),
        ("Kick Off @ 3", ["Kick", "Off", "3"]),
        ("\"Mire", ["Mire"]),
        ("NOT", ["NOT"]),
        ("a OR", ["a", "OR"]),
        ("NEAR(a b", ["NEAR", "a", "b"]),
        ("*", []),
        ("", []),
        (" \t\n", []),
        ("/ - *", []),
        ("Mire\u{0}house", ["Mire", "house"]),
        ("café", ["café"]),
        ("cafe\u{301}", ["cafe\u{301}"]),
        ("\u{301}", []),
        ("\u{202E}Mire\u{202C}", ["Mire"]),
        ("a\u{200D}b", ["a", "b"]),
        ("٣ 日本語 Ⅻ", ["٣", "日本語", "Ⅻ"]),
        ("£10,000", ["10", "000"]),
    ])
    func wordsAreRunsOfLettersAndDigitsAndEverythingElseSeparatesThem(typed: String, words: [String]) {
        let search = SearchText(typed)
        #expect(search.words == words)
        #expect(search.isEmpty == words.isEmpty)
    }

    @Test func anyTextGivesWordsOfLettersAndDigitsOnlyInTheOrderTyped() async {
        await propertyCheck(count: 2_000, input: HostileText.text) { typed in
            let words = SearchText(typed).words
            for word in words {
                #expect(!word.isEmpty)
                #expect(word.unicodeScalars.contains { $0.properties.isAlphabetic || $0.properties.numericType != nil })
                #expect(!word.unicodeScalars.contains { "\"*()^:\u{0}".unicodeScalars.contains($0) })
            }
            // Each word is found in the typed text after the one before it.
            var rest = Substring(typed).unicodeScalars[...]
            for word in words {
                let scalars = Array(word.unicodeScalars)
                var found = false
                while !rest.isEmpty {
                    if rest.starts(with: scalars) {
                        rest = rest.dropFirst(scalars.count)
                        found = true
                        break
                    }
                    rest = rest.dropFirst()
                }
                #expect(found, "\(word) of \(typed.debugDescription)")
            }
            // Words typed again, one space apart, are the same words.
            #expect(SearchText(words.joined(separator: " ")).words == words)
        }
    }
}

@Suite("Search text: a decision number in any spelling the office accepts")
struct SearchTextNumberTests {
    /// The templates of the shipped offices.
    static let fixtureTemplates: [(office: String, template: NumberingTemplate)] = {
        let folder = repositoryRoot.appendingPathComponent("fixtures/offices")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return files.filter { $0.hasSuffix(".yaml") }.sorted().map { file in
            let text = (try? String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)) ?? ""
            do {
                return (file, try OfficeProfile.parse(yaml: text, source: file).numbering)
            } catch {
                preconditionFailure("\(file): \(error)")
            }
        }
    }()

    /// The spellings a person may type for a canonical number: as written, its sequence without or with more zero
    /// padding, in lower and upper case, with spaces around its literal text.
    static func spellings(of number: DecisionNumber, in template: NumberingTemplate) -> [String] {
        func spelled(sequence: String, literal: (String) -> String) -> String {
            template.pieces.map { piece in
                switch piece {
                case .literal(let text): return literal(text)
                case .sequence: return sequence
                case .year: return String(number.period.year ?? 0)
                case .term: return String(number.period.term ?? 0)
                case .financialYear:
                    let start = number.period.financialYearStart ?? 0
                    return String(format: "%d-%02d", start, (start + 1) % 100)
                }
            }.joined()
        }
        let digits = String(number.sequence)
        return [
            number.text, number.text.lowercased(), number.text.uppercased(),
            spelled(sequence: digits) { $0 },
            spelled(sequence: "00" + digits) { $0 },
            spelled(sequence: digits) { " " + $0.trimmingCharacters(in: .whitespaces).lowercased() + " " },
        ]
    }

    @Test func everyShippedOfficeHasATemplateToTest() {
        #expect(Self.fixtureTemplates.count == 4)
    }

    @Test func eachShippedOfficesNumbersAreReadInEverySpelling() async throws {
        for (office, template) in Self.fixtureTemplates {
            for (sequence, dayText) in [(1, "2016-03-09"), (14, "2016-03-09"), (44, "2020-07-01"), (123, "2019-01-02")]
            {
                let number = template.format(sequence: sequence, period: try template.period(on: Day(iso: dayText)))
                for spelling in Self.spellings(of: number, in: template) {
                    #expect(SearchText(spelling).decisionNumber(in: template) == number, "\(office): '\(spelling)'")
                }
            }
        }
    }

    @Test(arguments: OfficeNumbering.all)
    func eachKnownOfficesNumbersAreReadInEverySpelling(_ numbering: OfficeNumbering) async throws {
        let template = try numbering.build()
        let number = try #require(template.parse(numbering.example))
        for spelling in Self.spellings(of: number, in: template) {
            #expect(SearchText(spelling).decisionNumber(in: template) == number, "'\(spelling)'")
        }
    }

    @Test(
        arguments: [
            ("{seq:3}/{year}", "44/2020", "044/2020"),
            ("{seq:3}/{year}", "044/2020", "044/2020"),
            ("{seq:3}/{year}", "0044/2020", "044/2020"),
            ("{seq:3}/{year}", " 7 / 2020 ", "007/2020"),
            ("{seq:3}/{year}", "44/202", nil),
            ("{seq:3}/{year}", "2020/44", nil),
            ("{seq:3}/{year}", "44 2020", nil),
            ("{seq:3}/{year}", "0/2020", nil),
            ("{seq:3}/{year}", "44/2020 pilot", nil),
            ("WMPCC {seq:3}/{year}", "wmpcc 1/2016", "WMPCC 001/2016"),
            ("WMPCC {seq:3}/{year}", "WMPCC001/2016", "WMPCC 001/2016"),
            ("WMPCC {seq:3}/{year}", "1/2016", nil),
            ("WPC{term}-{seq:4}", "wpc4-45", "WPC4-0045"),
            ("WPC{term}-{seq:4}", "WPC4 - 0045", "WPC4-0045"),
            ("{seq} {year}", "12 2020", "12 2020"),
            ("{seq} {year}", "12  2020", "12 2020"),
            ("{seq} {year}", "122020", nil),
        ] as [(String, String, String?)])
    func typedNumbersAreReadLeniently(template text: String, typed: String, canonical: String?) throws {
        let terms = [NumberingTemplate.Term(number: 4, starts: try Day(iso: "2021-05-13"))]
        let reset: NumberingTemplate.Reset = text.contains("{term}") ? .term : .never
        let template = try NumberingTemplate(text, reset: reset, terms: terms)
        #expect(SearchText(typed).decisionNumber(in: template)?.text == canonical)
    }

    @Test func aRecordsNumberIsStillReadStrictlyWhenItIsGiven() async throws {
        let template = try NumberingTemplate("WMPCC {seq:3}/{year}", reset: .calendarYear)
        #expect(template.parse("wmpcc 1/2016") == nil, "a number given to a record is written in the office's form")
        #expect(template.parse("WMPCC 1/2016")?.text == "WMPCC 001/2016")
    }

    @Test func anyTextReadAsANumberIsThatNumbersCanonicalSpelling() async {
        let templates = Self.fixtureTemplates.map(\.template)
        await propertyCheck(count: 1_000, input: HostileText.text) { typed in
            for template in templates {
                guard let number = SearchText(typed).decisionNumber(in: template) else { continue }
                #expect(template.parse(number.text) == number, "\(typed.debugDescription)")
            }
        }
    }

    /// The register's search reads the offices' numbering only for a text with an ASCII digit: no other text is a
    /// number in any form.
    @Test func aTextWithoutAnASCIIDigitIsNoDecisionNumberInAnyForm() async {
        let templates = Self.fixtureTemplates.map(\.template)
        await propertyCheck(count: 2_000, input: HostileText.text) { typed in
            let search = SearchText(typed)
            guard !search.mayBeADecisionNumber else { return }
            for template in templates {
                #expect(search.decisionNumber(in: template) == nil, "\(typed.debugDescription)")
            }
        }
        #expect(SearchText("014/2016").mayBeADecisionNumber)
        #expect(!SearchText("community safety").mayBeADecisionNumber)
        #expect(!SearchText("٣/٢٠١٦").mayBeADecisionNumber)
    }
}
