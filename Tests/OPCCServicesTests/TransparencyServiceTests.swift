import Foundation
import OPCCCore
import OPCCStore
import OPCCTestSupport
import Testing

@testable import OPCCServices

/// The demo's Part 2 tripwire sentence (007/2020's synthetic Part 2).
private let tripwire = "Part 2 test content"

/// Lincolnshire grants under 007/2020 (published, with a Part 2): £20,000 to East Lindsey paid £500.00 and £500.01,
/// and exactly £10,000 to North Kesteven paid at once. SYNTHETIC, for these tests only.
private let lincolnshireFinance = """
    office: lincolnshire
    budgets:
      - { year: 2020/21, strand: DEMAND, name: Demand and data quality, amount: "£100,000", on: 2020-05-27 }
    allocations:
      - { year: 2020/21, strand: DEMAND, decision: 007/2020, on: 2020-05-28, amount: "£20,000", recipient: GB-LAE-ELI,
          recipientName: East Lindsey District Council, area: East Lindsey, purpose: Place-based pilot in Mablethorpe }
      - { year: 2020/21, strand: DEMAND, decision: 007/2020, on: 2020-05-28, amount: "£10,000", recipient: GB-LAE-NKE,
          recipientName: North Kesteven District Council, purpose: Place-based pilot in Sleaford }
    agreements:
      - recipient: GB-LAE-ELI
        recipientName: East Lindsey District Council
        purpose: Place-based pilot in Mablethorpe
        crimeAndDisorderStatement: Community-led work on the causes of demand in the pilot area.
        start: 2020-06-01
        end: 2021-03-31
        draftedOn: 2020-05-28
        equalityImpactAssessment: { reference: EIA-ELI, on: 2020-05-29 }
        riskAssessment: { reference: RISK-ELI, on: 2020-05-29 }
        signatures:
          - { party: opcc, name: Chief Executive, on: 2020-06-01 }
          - { party: recipient, name: Chief Executive for East Lindsey, on: 2020-06-01 }
        signedOn: 2020-06-01
        activatedOn: 2020-06-02
        payments:
          - { id: I1, amount: "£500.00", releasedOn: 2020-06-10 }
          - { id: I2, amount: "£500.01", releasedOn: 2020-07-01 }
          - { id: I3, amount: "£18,999.99", onDate: 2021-01-04 }
      - recipient: GB-LAE-NKE
        recipientName: North Kesteven District Council
        purpose: Place-based pilot in Sleaford
        crimeAndDisorderStatement: Community-led work on the causes of demand in the pilot area.
        start: 2020-06-01
        end: 2020-06-30
        draftedOn: 2020-05-28
        equalityImpactAssessment: { reference: EIA-NKE, on: 2020-05-29 }
        riskAssessment: { reference: RISK-NKE, on: 2020-05-29 }
        signatures:
          - { party: opcc, name: Chief Executive, on: 2020-06-01 }
          - { party: recipient, name: Chief Executive for North Kesteven, on: 2020-06-01 }
        signedOn: 2020-06-01
        activatedOn: 2020-06-02
        payments:
          - { id: I1, amount: "£10,000", releasedOn: 2020-06-15 }
    """

/// The demo with its returns, plus the Lincolnshire grants above.
func transparencyApp(_ engine: TestEngine) async throws -> Commissioning {
    let (app, _) = try await demoApp(engine: engine, returns: true)
    _ = try await app.loadFinanceFixture(
        try FinanceFixture.parse(yaml: lincolnshireFinance, source: "test"), source: "test")
    return app
}

@Suite("Transparency publications: what is published, and when")
struct TransparencyServiceTests {
    @Test(
        "grant-published-when-awarded-and-decision-published: the demo's awarded grants under published decisions",
        arguments: TestEngine.all)
    func demoGrants(engine: TestEngine) async throws {
        let app = try await transparencyApp(engine)
        let grants = try await app.transparencyGrants()
        #expect(
            grants.map(\.agreementID) == [
                "cumbria-GA-0001", "cumbria-GA-0002", "lincolnshire-GA-0001", "lincolnshire-GA-0002",
            ])
        // Leicestershire's Crime Stoppers agreement is still a draft: not awarded, not published.
        await #expect(try app.agreements(office: "leicestershire").map(\.state) == ["draft"])
        await #expect(try app.transparencyGrants(office: "leicestershire").isEmpty)
        let barrow = try #require(grants.first)
        #expect(barrow.recipient == .init(orgID: "GB-LAE-BAR", name: "Barrow Borough Council"))
        #expect(barrow.amount == Money(pounds: 50_000)!)
        #expect(barrow.decisionNumber == "014/2016" && barrow.decisionDate == day("2016-03-09"))
        #expect(barrow.conditions == GrantAgreement.standardConditions)
        #expect(barrow.crimeAndDisorderStatement.hasPrefix("Targets the ward with the most areas"))
        // The allocation's ward, and the district its LSOAs lie in (a real GSS code from the VLI geography).
        #expect(
            barrow.beneficiaryAreas == [
                BeneficiaryArea(name: "Ormsgill"), BeneficiaryArea(name: "Barrow-in-Furness", geoCode: "E07000027"),
            ])
        await #expect(try app.transparencyGrants(month: Month(parsing: "2016-03")).count == 2)
        await #expect(try app.transparencyGrants(month: Month(parsing: "2016-04")).isEmpty)
    }

    @Test(
        "grant-published-when-awarded-and-decision-published: a signed grant waits for its decision's Part 1",
        arguments: TestEngine.all)
    func signedGrantWaitsForPublication(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let decision = try await approvedDecision(app, title: "Carlisle programme", amount: "£20,000")
        let allocation = try await app.allocate(
            [
                .init(
                    office: "cumbria", year: fy("2016/17"), strand: "ASB", recipientOrgID: "GB-LAE-CAR",
                    recipientName: "Carlisle City Council", purpose: "Carlisle programme", decision: decision,
                    amount: money("£20,000"))
            ], by: "cumbria.finance", on: day("2016-05-05"))
        let agreement = try await app.draftAgreement(
            GrantAgreement(
                id: "", office: "cumbria", decisionID: decision,
                recipient: .init(orgID: "GB-LAE-CAR", name: "Carlisle City Council"), purpose: "Carlisle programme",
                period: .init(start: day("2016-06-01"), end: day("2017-03-31")), allocationIDs: [allocation[0].id],
                amount: money("£20,000")), by: "cumbria.finance", on: day("2016-05-05"))
        func published() async throws -> Bool {
            try await app.transparencyGrants(office: "cumbria").contains { $0.agreementID == agreement.id }
        }
        await #expect(try !published(), "a draft agreement is not a grant made")
        for equality in [true, false] {
            try await app.recordAssessment(
                agreement.id, equality: equality, reference: "REF", by: "cumbria.finance", on: day("2016-05-05"))
        }
        try await app.confirmAgreementConditions(agreement.id, by: "cumbria.finance", on: day("2016-05-05"))
        for party in GrantAgreement.Party.allCases {
            try await app.recordAgreementSignature(
                agreement.id, party: party, name: "Signatory", by: "cumbria.finance", on: day("2016-05-06"))
        }
        try await app.signAgreement(agreement.id, by: "cumbria.finance", on: day("2016-05-06"))
        await #expect(try !published(), "signed, but the decision's Part 1 is not published yet")
        await #expect(try app.contractsOver10000(office: "cumbria").allSatisfy { $0.reference != agreement.id })
        try await app.perform(.publish, on: decision, by: "cumbria.officer", on: day("2016-05-09"))
        await #expect(try published())
        await #expect(try app.contractsOver10000(office: "cumbria").contains { $0.reference == agreement.id })
    }

    @Test(
        "spending-over-500: payments over £500 only, by month; £500.00 exactly is not published",
        arguments: TestEngine.all)
    func spending(engine: TestEngine) async throws {
        let app = try await transparencyApp(engine)
        let lincolnshire = try await app.spendingOver500(office: "lincolnshire")
        #expect(lincolnshire.map(\.reference) == ["lincolnshire-GA-0002/I1", "lincolnshire-GA-0001/I2"])
        #expect(lincolnshire.map(\.amount) == [money("£10,000"), money("£500.01")])
        let june = try await app.spendingOver500(office: "lincolnshire", month: Month(parsing: "2020-06"))
        #expect(june.map(\.reference) == ["lincolnshire-GA-0002/I1"])
        let item = try #require(june.first)
        #expect(item.date == day("2020-06-15") && item.strand == "DEMAND" && item.financialYear == fy("2020/21"))
        #expect(item.recipient.name == "North Kesteven District Council" && item.expenseType == "Grant payment")
        // Cumbria's pilot: four instalments of £12,500 to each council (the demo's returns release I2–I4).
        let cumbria = try await app.spendingOver500(office: "cumbria")
        #expect(cumbria.count == 8 && cumbria.allSatisfy { $0.amount == money("£12,500") })
        #expect(cumbria.first?.date == day("2016-04-13"))
        await #expect(try app.spendingOver500(office: "cumbria", month: Month(parsing: "2016-04")).count == 2)
    }

    @Test(
        "contracts-over-10000: agreements over £10,000 only; exactly £10,000 is not published; by month in force",
        arguments: TestEngine.all)
    func contracts(engine: TestEngine) async throws {
        let app = try await transparencyApp(engine)
        let contracts = try await app.contractsOver10000(office: "lincolnshire")
        #expect(contracts.map(\.reference) == ["lincolnshire-GA-0001"])
        #expect(contracts.first?.value == money("£20,000"))
        #expect(contracts.first?.counterparty.orgID == "GB-LAE-ELI")
        #expect(contracts.first?.decisionNumber == "007/2020")
        await #expect(
            try app.contractsOver10000(month: Month(parsing: "2021-03")).map(\.reference) == ["lincolnshire-GA-0001"])
        await #expect(try app.contractsOver10000(month: Month(parsing: "2016-04")).count == 2)
        await #expect(try app.contractsOver10000(month: Month(parsing: "2019-01")).isEmpty)
    }

    @Test(
        "part2-never-published: 007/2020's Part 2 tripwire is in no publication, in any form", arguments: TestEngine.all
    )
    func part2NeverPublished(engine: TestEngine) async throws {
        let app = try await transparencyApp(engine)
        let id = try await app.decisionID("007/2020", office: "lincolnshire")
        let record = try await #require(try app.store.read { try $0.decision(id: id) })
        #expect(record.part2.content?.contains(tripwire) == true, "the demo's tripwire is in place")
        await #expect(
            try app.transparencyGrants(office: "lincolnshire").count == 2, "grants under 007/2020 are published")
        var texts: [String] = []
        for office in [nil, "lincolnshire"] as [String?] {
            let grants = await TransparencyTable.grantsRegister(try app.transparencyGrants(office: office))
            let spending = await TransparencyTable.spending(try app.spendingOver500(office: office))
            let contracts = await TransparencyTable.contracts(try app.contractsOver10000(office: office))
            for table in [grants, spending, contracts] { texts += [table.csv(), table.json()] }
            await texts.append(String(decoding: try app.threeSixtyGiving(office: office), as: UTF8.self))
        }
        for text in texts {
            #expect(!text.contains(tripwire))
            #expect(!text.contains("Collated demand and deprivation data"))
        }
    }

    @Test(
        "three-sixty-giving-export: one office's package, its funder and prefix from the profile, issued today",
        arguments: TestEngine.all)
    func threeSixtyGivingExport(engine: TestEngine) async throws {
        let app = try await transparencyApp(engine)
        let data = try await app.threeSixtyGiving(office: "cumbria")
        await #expect(data == (try app.threeSixtyGiving(office: "cumbria")), "deterministic")
        let package = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(package["issued"] as? String == "2026-11-20")
        #expect(
            (package["publisher"] as? [String: String])?["name"]
                == "Office of the Police and Crime Commissioner for Cumbria")
        let grants = try #require(package["grants"] as? [[String: Any]])
        #expect(
            grants.map { $0["id"] as? String } == [
                "360G-opcc-cumbria-cumbria-GA-0001", "360G-opcc-cumbria-cumbria-GA-0002",
            ])
        #expect(grants.allSatisfy { ($0["amountAwarded"] as? NSNumber)?.int64Value == 50_000 })
        let funder = (grants.first?["fundingOrganization"] as? [[String: String]])?.first
        #expect(funder?["id"] == "360G-opcc-cumbria-ORG")
        let copeland = (grants.last?["beneficiaryLocation"] as? [[String: String]])?.last
        #expect(copeland?["geoCodeType"] == "NMD" && copeland?["name"] == "Copeland")
        let refused = await #expect(throws: ServiceRefusal.self) { try await app.threeSixtyGiving(office: "nowhere") }
        #expect(refused?.rule == "known-office")
    }
}
