import Foundation
import Testing

@testable import OPCCCore

private func d(_ text: String) -> Day { try! Day(iso: text) }

@Suite("Transparency publications: values, CSV, JSON and the 360Giving mapping")
struct TransparencyTests {
    static let barrow = TransparencyGrant(
        office: "cumbria", agreementID: "cumbria-GA-0001",
        recipient: .init(orgID: "GB-LAE-BAR", name: "Barrow Borough Council"),
        purpose: "Targeted community interventions in Ormsgill ward (VLI pilot)", amount: Money(pounds: 50_000)!,
        conditions: ["Spend only on the agreed purpose", "Unspent money is returned"],
        crimeAndDisorderStatement: "Targets the ward with the most areas over the VLI threshold.",
        decisionNumber: "014/2016", decisionDate: try! Day(iso: "2016-03-09"),
        period: .init(start: try! Day(iso: "2016-04-01"), end: try! Day(iso: "2017-03-31")),
        beneficiaryAreas: [
            BeneficiaryArea(name: "Ormsgill", geoCode: "SYN-W009"),
            BeneficiaryArea(name: "Barrow-in-Furness", geoCode: "E07000027"),
        ])

    static let funder = ThreeSixtyGiving.Funder(
        prefix: "360G-opcc-cumbria", orgID: "360G-opcc-cumbria-ORG",
        name: "Office of the Police and Crime Commissioner for Cumbria")

    @Test("month-parsing: YYYY-MM and nothing else, with a message saying how to write it")
    func monthParsing() async throws {
        let april = try Month(parsing: "2016-04")
        #expect(april.year == 2016 && april.month == 4)
        #expect(april.description == "2016-04")
        #expect(april.firstDay == (d("2016-04-01")) && april.lastDay == (d("2016-04-30")))
        #expect(try Month(parsing: "2016-02").lastDay == (d("2016-02-29")))
        #expect(april.contains(d("2016-04-30")) && !april.contains(d("2016-05-01")))
        for bad in ["2016-4", "201604", "2016/04", "April 2016", "2016-04-01", "", "２０１６-04", " 2016-04"] {
            #expect(throws: MonthParseError(text: bad, reason: .form)) { try Month(parsing: bad) }
        }
        #expect(throws: MonthParseError(text: "2016-13", reason: .noSuchMonth)) { try Month(parsing: "2016-13") }
        #expect(throws: MonthParseError(text: "2016-00", reason: .noSuchMonth)) { try Month(parsing: "2016-00") }
        let message = MonthParseError(text: "2016/04", reason: .form).description
        #expect(message == "'2016/04' is not a month: write it as YYYY-MM, for example 2016-04")
    }

    @Test("month-overlap: a contract is in force in a month when any of its days is")
    func monthOverlap() async throws {
        let march = try Month(parsing: "2017-03")
        #expect(march.overlaps(start: d("2016-04-01"), end: d("2017-03-01")))
        #expect(!march.overlaps(start: d("2017-04-01"), end: d("2018-03-31")))
        #expect(!march.overlaps(start: d("2016-04-01"), end: d("2017-02-28")))
    }

    @Test("amounts-in-pounds-exact: pence become pounds with no rounding, two decimals at most")
    func poundsFormatting() {
        #expect(JSONValue.poundsText(pence: 5_000_000) == "50000")
        #expect(JSONValue.poundsText(pence: 1) == "0.01")
        #expect(JSONValue.poundsText(pence: 1250) == "12.50")
        #expect(JSONValue.poundsText(pence: 50_001) == "500.01")
        #expect(JSONValue.poundsText(pence: 0) == "0")
        #expect(JSONValue.poundsText(pence: -199) == "-1.99")
        // The largest amount Money holds, where a Double would lose pennies.
        #expect(JSONValue.poundsText(pence: Int64.max) == "92233720368547758.07")
        #expect(TransparencyTable.csvCell(.pounds(pence: 5_000_000)) == .number("50000.00"))
    }

    @Test("csv-rfc-4180: commas, quotes and line breaks are quoted, quotes doubled, lines end CRLF")
    func csvEscaping() {
        let table = TransparencyTable(
            title: "t", columns: ["a", "b"],
            rows: [
                [.string("plain"), .string("with, comma")], [.string("say \"hi\""), .string("two\nlines")],
                [.string("crlf\r\ninside"), .null], [.array([.string("x"), .string("y")]), .integer(7)],
            ])
        #expect(
            table.csv()
                == "a,b\r\nplain,\"with, comma\"\r\n\"say \"\"hi\"\"\",\"two\nlines\"\r\n\"crlf\r\ninside\",\r\n"
                + "x; y,7\r\n")
    }

    @Test("json-deterministic: keys sorted, strings escaped, the same bytes every time")
    func jsonWriter() {
        let value = JSONValue.object([
            "b": .integer(1), "a": .array([.string("q\"\\\n\u{01}é"), .null, .bool(true)]), "c": .object([:]),
            "amount": .pounds(pence: 1234),
        ])
        #expect(
            value.rendered(pretty: false)
                == #"{"a":["q\"\\\n\u0001é",null,true],"amount":12.34,"b":1,"c":{}}"#)
        #expect(value.rendered() == value.rendered())
        let data = Data(value.rendered().utf8)
        let parsed = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect((parsed?["a"] as? [Any])?.first as? String == "q\"\\\n\u{01}é")
    }

    @Test("grants-register: one row per grant with conditions, the crime and disorder statement and the decision")
    func grantsRegisterTable() async throws {
        let table = TransparencyTable.grantsRegister([Self.barrow])
        let csv = table.csv()
        #expect(csv.hasPrefix("office,grant,recipient,recipientOrgId,purpose,amountPence,amountPounds,conditions,"))
        #expect(
            csv.contains(
                "cumbria,cumbria-GA-0001,Barrow Borough Council,GB-LAE-BAR,Targeted community interventions in "
                    + "Ormsgill ward (VLI pilot),5000000,50000.00,Spend only on the agreed purpose; Unspent money is "
                    + "returned,Targets the ward with the most areas over the VLI threshold.,014/2016,2016-03-09,"
                    + "2016-04-01,2017-03-31,Ormsgill; Barrow-in-Furness,\r\n"),
            "the decision's documents last: none linked here")
        let json = try JSONSerialization.jsonObject(with: Data(table.json().utf8)) as? [String: Any]
        let item = (json?["items"] as? [[String: Any]])?.first
        #expect(item?["amountPence"] as? Int == 5_000_000)
        #expect(item?["conditions"] as? [String] == Self.barrow.conditions)
        #expect(item?["decision"] as? String == "014/2016")
    }

    @Test("beneficiary-location-gss: only real GSS codes are kept; a district's code gives NMD")
    func beneficiaryAreaCodes() {
        #expect(BeneficiaryArea(name: "Barrow-in-Furness", geoCode: "E07000027").geoCodeType == "NMD")
        #expect(BeneficiaryArea(name: "A ward", geoCode: "E05000026").geoCodeType == "WD")
        #expect(BeneficiaryArea(name: "Wolverhampton", geoCode: "E08000031").geoCodeType == "MD")
        #expect(BeneficiaryArea(name: "Ormsgill", geoCode: "SYN-W009").geoCode == nil)
        #expect(BeneficiaryArea(name: "Ormsgill", geoCode: "SYN-W009").geoCodeType == nil)
        #expect(BeneficiaryArea(name: "x", geoCode: "E0700002").geoCode == nil)
    }

    @Test("three-sixty-giving-mapping: identifier, pounds, award date, organisations, location and dates")
    func threeSixtyGivingGrant() async throws {
        let text = ThreeSixtyGiving.grant(Self.barrow, funder: Self.funder).rendered()
        let grant = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(grant["id"] as? String == "360G-opcc-cumbria-cumbria-GA-0001")
        #expect(grant["title"] as? String == Self.barrow.purpose)
        #expect((grant["description"] as? String)?.contains("How it will reduce crime and disorder: Targets") == true)
        #expect(grant["currency"] as? String == "GBP")
        #expect(text.contains(#""amountAwarded": 50000,"#))
        #expect(grant["awardDate"] as? String == "2016-03-09")
        let recipient = (grant["recipientOrganization"] as? [[String: String]])?.first
        #expect(recipient == ["id": "GB-LAE-BAR", "name": "Barrow Borough Council"])
        let funder = (grant["fundingOrganization"] as? [[String: String]])?.first
        #expect(funder == ["id": "360G-opcc-cumbria-ORG", "name": Self.funder.name])
        let locations = try #require(grant["beneficiaryLocation"] as? [[String: String]])
        #expect(locations.first == ["name": "Ormsgill", "countryCode": "GB"])
        #expect(
            locations.last == [
                "name": "Barrow-in-Furness", "geoCode": "E07000027", "geoCodeType": "NMD", "countryCode": "GB",
            ])
        let planned = (grant["plannedDates"] as? [[String: Any]])?.first
        #expect(planned?["startDate"] as? String == "2016-04-01" && planned?["endDate"] as? String == "2017-03-31")
        #expect(planned?["duration"] as? Int == 12)
    }

    @Test("three-sixty-giving-package: metadata with the publisher, OGL v3 and the issue date")
    func threeSixtyGivingPackage() async throws {
        var odd = Self.barrow
        odd.agreementID = "cumbria-GA-0002"
        odd.amount = Money(pence: 1_234_567)!
        let metadata = ThreeSixtyGiving.Metadata(
            title: "Grants", description: "d", publisher: Self.funder, issued: d("2026-11-20"))
        let text = ThreeSixtyGiving.package([(Self.barrow, Self.funder), (odd, Self.funder)], metadata: metadata)
            .rendered()
        let package = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(package["license"] as? String == ThreeSixtyGiving.license)
        #expect(package["issued"] as? String == "2026-11-20")
        #expect(package["version"] as? String == "1.4")
        #expect((package["publisher"] as? [String: String])?["name"] == Self.funder.name)
        #expect((package["grants"] as? [Any])?.count == 2)
        #expect(text.contains(#""amountAwarded": 12345.67,"#))
    }
}

@Suite("Office profiles: the 360Giving prefix")
struct ThreeSixtyGivingProfileTests {
    static func profile(_ extra: String) throws(OfficeProfileError) -> OfficeProfile {
        try OfficeProfile.parse(
            yaml: """
                id: cumbria
                name: Office of the Police and Crime Commissioner for Cumbria
                \(extra)
                decisionNumbering: { template: "{seq:3}/{year}", reset: calendar-year }
                publication: { part1DeadlineWorkingDays: 3 }
                signatories: [{ position: originating-officer, title: Officer, kind: declaration, role: officer }]
                roles: [officer, finance, chief-executive, commissioner]
                """, source: "cumbria.yaml")
    }

    @Test("three-sixty-giving-prefix: default 360G-opcc-<office>; the funder id falls back to <prefix>-ORG")
    func defaults() async throws {
        let profile = try Self.profile("")
        #expect(profile.threeSixtyGivingPrefix == "360G-opcc-cumbria")
        #expect(profile.threeSixtyGivingFunderID == "360G-opcc-cumbria-ORG")
        let registered = try Self.profile("threeSixtyGivingPrefix: 360G-cumbriaopcc\norgId: GB-GOR-PC000123")
        #expect(registered.threeSixtyGivingPrefix == "360G-cumbriaopcc")
        #expect(registered.threeSixtyGivingFunderID == "GB-GOR-PC000123")
    }

    @Test("three-sixty-giving-prefix: a prefix not starting 360G- is refused, naming the field")
    func refused() async throws {
        for bad in ["GB-CUMBRIA", "360G-", "360G-has space", "360G-trailing-"] {
            #expect(throws: OfficeProfileError.self) { try Self.profile("threeSixtyGivingPrefix: \"\(bad)\"") }
            do { _ = try Self.profile("threeSixtyGivingPrefix: \"\(bad)\"") } catch {
                #expect(error.field == "threeSixtyGivingPrefix")
            }
        }
        #expect(throws: OfficeProfileError.self) { try Self.profile("threeSixtyGivingPrefx: 360G-x") }
        do { _ = try Self.profile("threeSixtyGivingPrefx: 360G-x") } catch {
            #expect(error.field == "threeSixtyGivingPrefx" && error.problem.hasPrefix("unknown key on line"))
        }
    }
}
