import Foundation
import OPCCCore
import PropertyBased
import Testing

@testable import OPCCWeb

/// The API's register page is written by `RegisterJSON` straight into bytes; `JSONEncoder` with the API's options
/// says what they are. Any page of rows, with any text and any field absent, comes out byte for byte the same.
@Suite("API: the register page written directly is JSONEncoder's page")
struct RegisterJSONTests {
    static let text = HostileText.text
    static let maybe = Gen.frequency((2, text.map { Optional($0) }), (1, Gen.always(nil)))
    static let pence = Gen.frequency(
        (2, Gen.int64(in: Int64.min...Int64.max).map { Optional($0) }), (1, Gen.always(nil as Int64?)))
    static let day = Gen.frequency(
        (2, Gen.int(in: 0...40_000).map { Optional(Day(year: 1990, month: 1, day: 1)!.adding(days: $0)) }),
        (1, Gen.always(nil as Day?)))

    static let row = zip(
        zip(text, text, maybe, text, text, pence), zip(maybe, maybe, text, day, maybe, day),
        zip(day, Gen.bool, day, Gen.bool, Gen.int(in: 0...1_000)), zip(maybe, pence, day)
    ).map { a, b, c, d in
        var row = DecisionRegisterRow(
            id: a.0, office: a.1, number: a.2, title: a.3, status: a.4, amountPence: a.5, strand: b.0,
            financialYear: b.1, originatingOfficer: b.2, decidedOn: b.3, outcome: b.4, part1Deadline: b.5,
            publishedOn: c.0, deferred: c.1, deferralUntil: c.2, part2Exists: c.3, exceptionCount: c.4)
        (row.delegatedTo, row.delegationLimitPence, row.notedOn) = d
        return row
    }

    static func encoded(_ rows: [DecisionRegisterRow], total: Int, limit: Int, offset: Int, next: String?) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let page = APIPage(
            items: rows.map { AnyEncodable(value: $0) }, total: total, limit: limit, offset: offset, next: next)
        return Array(try! encoder.encode(page))
    }

    @Test func anyRegisterPageIsWrittenAsJSONEncoderWritesIt() async {
        let input = zip(Self.row.array(of: 0...3), Self.maybe, Gen.int(in: 0...100_000), Gen.int(in: 1...500))
        await propertyCheck(count: 500, input: input) { rows, next, total, limit in
            let direct = RegisterJSON.page(rows, total: total, limit: limit, offset: total / 3, next: next)
            let expected = Self.encoded(rows, total: total, limit: limit, offset: total / 3, next: next)
            #expect(
                direct == expected,
                "\(String(decoding: direct, as: UTF8.self))\n\(String(decoding: expected, as: UTF8.self))")
        }
    }

    /// Every control character, the quotation mark, the reverse solidus and the solidus, one at a time.
    @Test func everyCharacterJSONEscapesIsEscapedAsJSONEncoderEscapesIt() {
        for scalar in (0...0x7F).compactMap(Unicode.Scalar.init) + ["\u{2028}", "\u{2029}", "\u{FEFF}"] {
            var row = DecisionRegisterRow(
                id: "a\(scalar)b", office: "o", number: nil, title: String(scalar), status: "published",
                amountPence: nil, strand: nil, financialYear: nil, originatingOfficer: "x", decidedOn: nil,
                outcome: nil, part1Deadline: nil, publishedOn: nil, deferred: false, deferralUntil: nil,
                part2Exists: false, exceptionCount: 0)
            row.delegatedTo = "\(scalar)\(scalar)"
            #expect(
                RegisterJSON.page([row], total: 1, limit: 50, offset: 0, next: nil)
                    == Self.encoded([row], total: 1, limit: 50, offset: 0, next: nil), "U+\(scalar.value)")
        }
    }
}
