import PropertyBased
import Testing

@testable import OPCCCore

/// Account keys are read on the ASCII fast path when it can and by the general reading otherwise: both must give
/// the same account (or both refuse) for any text, or a reconciliation would count money on the wrong line.
@Suite("Ledger account keys: the fast reading agrees with the general one")
struct LedgerAccountKeyTests {
    static let kinds = LedgerAccount.Kind.allCases.map(\.rawValue) + ["", "Budget", "fund", "paid "]
    static let years = [
        "2021-22", "2016-17", "1999-00", "2099-00", "1000-01", "9999-00", "0999-00", "999-00", "2021-23", "2021/22",
        "2021-2022", " 2021-22", "2021-22 ", "2021-2", "20a1-22", "２０２１-22", "",
    ]
    static let fieldCharacters: [Character] = [
        "a", "z", "A", "0", "9", "-", "_", " ", "/", "\r\n", "é", "e\u{301}", "/\u{301}", "😀",
    ]
    static let field = Gen.int(in: 0...(fieldCharacters.count - 1)).array(of: 0...6)
        .map { String($0.map { fieldCharacters[$0] }) }
    static let plainField = Gen.int(in: 0...8).array(of: 1...8).map { String($0.map { fieldCharacters[$0] }) }

    static func key(_ kind: Int, _ office: String, _ year: Int, _ extra: [String]) -> String {
        ([kinds[kind], office, years[year]] + extra).joined(separator: "/")
    }

    @Test func generatedKeysReadTheSameOnBothPaths() async {
        let keys = zip(
            Gen.int(in: 0...(Self.kinds.count - 1)), Gen.oneOf(Self.field, Self.plainField),
            Gen.int(in: 0...(Self.years.count - 1)), Gen.oneOf(Self.field, Self.plainField).array(of: 0...3))
        await propertyCheck(count: 3_000, input: keys) { kind, office, year, extra in
            let key = Self.key(kind, office, year, extra)
            let general = LedgerAccount(readingGenerally: key)
            #expect(LedgerAccount(key: key) == general, "\(key)")
            if let fast = LedgerAccount.readASCII(key) { #expect(fast == general, "\(key)") }
        }
    }

    @Test func everyAccountTheProductWritesReadsBackOnTheFastPath() async {
        let accounts = zip(
            Gen.int(in: 0...(LedgerAccount.Kind.allCases.count - 1)), Self.plainField, Gen.int(in: 1000...9998),
            Self.plainField, Self.plainField)
        await propertyCheck(count: 1_000, input: accounts) { kind, office, startYear, strand, recipient in
            let kind = LedgerAccount.Kind.allCases[kind]
            guard
                let account = LedgerAccount(
                    kind, office: office, year: FinancialYear(startYear: startYear),
                    strand: kind == .funding ? nil : strand,
                    recipient: kind == .funding || kind == .budget ? nil : recipient)
            else { return }
            #expect(LedgerAccount.readASCII(account.key) == account)
            #expect(LedgerAccount(key: account.key) == account)
        }
    }

    @Test(arguments: [
        ("allocation/cumbria/2016-17/ASB/GB-LAE-BAR", true),
        ("funding/force-01/2021-22", true),
        ("budget/force-01/2021-22/ASB", true),
        ("budget/force-01/2021-22", false),  // a budget needs its strand
        ("funding/force-01/2021-22/ASB", false),  // funding has none
        ("allocation/cumbria/2016-18/ASB/GB-LAE-BAR", false),  // not consecutive years
        ("allocation/cumbria/2016/17/ASB", false),
        ("allocation//2016-17/ASB/GB-LAE-BAR", false),
        ("paid/cumbria/0999-00/ASB/GB-LAE-BAR", false),  // `key` would write 999-00
        ("paid/cumbria/2016-17/ASB/GB-LAE-BAR/extra", false),
    ])
    func workedKeys(key: String, valid: Bool) {
        #expect((LedgerAccount(key: key) != nil) == valid)
        #expect(LedgerAccount(key: key) == LedgerAccount(readingGenerally: key))
    }
}
