import Foundation
import PropertyBased
import Testing

@testable import OPCCCore

/// An address is checked for form when it is recorded: one `@`, a dotted domain, no space or control character, at
/// most 254 characters, and a refusal that names the problem.
@Suite("Email addresses")
struct EmailAddressTests {
    @Test(arguments: [
        "vivian.stafford@cumbria-pcc.gov.uk", "a@b.c", "first+tag@example.org", "émilie@exemple.fr",
        String(repeating: "a", count: 242) + "@example.org",
    ])
    func aWellFormedAddressIsAccepted(text: String) throws {
        #expect(try EmailAddress(text).text == text)
    }

    @Test(arguments: [
        ("", EmailAddress.Problem.empty),
        ("vivian", .atSignCount(0)),
        ("a@b@example.org", .atSignCount(2)),
        ("@example.org", .emptyLocalPart),
        ("vivian@localhost", .domainNotDotted),
        ("vivian@example.", .domainNotDotted),
        ("vivian@.org", .domainNotDotted),
        ("vivian@example..org", .domainNotDotted),
        ("vivian stafford@example.org", .spaceOrControlCharacter),
        ("vivian@example.org\r\nBcc: everyone@example.org", .spaceOrControlCharacter),
        ("vivian@example.org\n", .spaceOrControlCharacter),
        ("vivian\u{0}@example.org", .spaceOrControlCharacter),
        ("vivian\u{200B}@example.org", .spaceOrControlCharacter),
        ("vivian\u{2028}@example.org", .spaceOrControlCharacter),
        (String(repeating: "a", count: 243) + "@example.org", .tooLong(characters: 255)),
    ])
    func aMalformedAddressIsRefusedNamingItsProblem(text: String, problem: EmailAddress.Problem) {
        #expect(throws: problem) { try EmailAddress(text) }
    }

    @Test func theRefusalsSayWhatIsWrong() {
        #expect(EmailAddress.Problem.atSignCount(2).description.contains("exactly one '@'"))
        #expect(EmailAddress.Problem.tooLong(characters: 300).description.contains("254"))
        #expect(EmailAddress.Problem.domainNotDotted.description.contains("example.org"))
    }

    static let pieces: [String] = [
        "a", "Z", "0", ".", "@", "-", "+", " ", "\r", "\n", "\r\n", "\t", "\u{0}", "\u{7F}", "\u{85}", "\u{2028}",
        "é", "e\u{301}", "😀", "\u{FEFF}", "example", "org", ".uk",
    ]
    static let assembled = Gen.int(in: 0...(pieces.count - 1)).array(of: 0...12).map {
        $0.map { pieces[$0] }.joined()
    }
    /// Any Unicode scalars at all (surrogates excluded: they are not scalars).
    static let arbitrary = Gen.int(in: 0...0x10FFFF).array(of: 0...40).map { codes in
        String(String.UnicodeScalarView(codes.compactMap { Unicode.Scalar(UInt32($0)) }))
    }

    @Test func noTextEverCrashesTheCheckAndNoAcceptedAddressHoldsALineBreak() async {
        await propertyCheck(count: 3_000, input: Gen.oneOf(Self.assembled, Self.arbitrary)) { text in
            guard let address = try? EmailAddress(text) else { return }
            #expect(!address.text.unicodeScalars.contains { $0 == "\r" || $0 == "\n" })
            #expect(!address.text.unicodeScalars.contains { $0.properties.generalCategory == .control })
            #expect(address.text.filter { $0 == "@" }.count == 1)
            #expect(address.text.unicodeScalars.count <= 254)
        }
    }
}

/// A daily digest goes at 07:00 in London, in winter (GMT) and in summer (BST) alike.
@Suite("Digest schedule")
struct DigestScheduleTests {
    static func utc(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test(arguments: [
        ("2026-12-07T10:00:00Z", "2026-12-08T07:00:00Z", "2026-12-08"),
        ("2026-12-07T06:59:59Z", "2026-12-07T07:00:00Z", "2026-12-07"),
        ("2026-12-07T07:00:00Z", "2026-12-07T07:00:00Z", "2026-12-07"),
        // British Summer Time: 07:00 in London is 06:00 UTC.
        ("2026-07-01T12:00:00Z", "2026-07-02T06:00:00Z", "2026-07-02"),
        ("2026-07-01T05:30:00Z", "2026-07-01T06:00:00Z", "2026-07-01"),
        // The night the clocks go forward (29 March 2026, 01:00 GMT).
        ("2026-03-28T23:00:00Z", "2026-03-29T06:00:00Z", "2026-03-29"),
    ])
    func theNextDigestIsAtSevenInLondon(now: String, due: String, day: String) {
        let next = DigestSchedule.nextDigest(atOrAfter: Self.utc(now))
        #expect(next.due == Self.utc(due))
        #expect(next.day.iso == day)
    }
}
