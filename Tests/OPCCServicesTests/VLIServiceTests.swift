import Foundation
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

/// The VLI through the services (issue 7): imports, a run, the wards, selection and the chain to the money.
@Suite("VLI: import, score, select, follow the money")
struct VLIServiceTests {
    @Test(arguments: TestEngine.all) func cumbriaPilotAreasFromTheVLIToTheirReturns(engine: TestEngine) async throws {
        let (app, store) = try await demoApp(engine: engine, returns: true)
        let geography = try await store.read { try $0.vliGeography(office: "cumbria") }
        #expect(geography.count == 321)
        #expect(geography.filter { $0.laName == "Barrow-in-Furness" }.count == 49)
        #expect(geography.filter { $0.laName == "Copeland" }.count == 49)
        let run = try await app.latestVLIRun(office: "cumbria")
        let wards = try #require(run.result.groups["ward"])
        #expect(wards.prefix(2).map(\.name) == ["Ormsgill", "Mirehouse"])
        #expect(wards.prefix(2).map(\.overThreshold) == [7, 5])
        #expect(wards[0].supporting["ASB incidents"] == 414 && wards[0].supporting["IOM offenders"] == 10)
        #expect(wards[1].supporting["ASB incidents"] == 271 && wards[1].supporting["IOM offenders"] == 4)
        #expect(run.schemeName == "vli-default" && run.schemeVersion == 1)
        #expect(run.schemeSHA256 == SHA256Hex.of(run.schemeText))
        #expect(run.result.proxies.count == 2)
        let ormsgill = try await app.vliWardView(office: "cumbria", ward: "Ormsgill")
        #expect(ormsgill.status == "selected")
        #expect(ormsgill.decision == "014/2016")
        #expect(ormsgill.allocations.map(\.amountPence) == [5_000_000])
        #expect(ormsgill.agreements.first?.returns.map(\.state) == ["accepted", "accepted", "accepted", "accepted"])
        // The ward's areas are exactly those the ward lookup puts in it, most vulnerable first.
        let lookup = try await store.read { try $0.vliGroups(office: "cumbria", grouping: "ward") }
        let ormsgillCode = try #require(wards.first?.code)
        #expect(Set(ormsgill.lsoas.map(\.code)) == Set(lookup.filter { $0.value.code == ormsgillCode }.keys))
        #expect(ormsgill.lsoas.count == wards[0].areas && ormsgill.lsoas.count > 1)
        #expect(ormsgill.lsoas.map(\.vli) == ormsgill.lsoas.map(\.vli).sorted(by: >))
        await #expect(
            try store.read { try $0.vliGroupMembers(office: "cumbria", grouping: "ward", code: "no such ward") }
                .isEmpty)
        let mirehouse = try await app.vliWardView(office: "cumbria", ward: "Mirehouse")
        #expect(mirehouse.allocations.map(\.revenueContributionToCapital) == [true])
        // The demo links what earlier scenarios loaded; it creates none of it again.
        await #expect(try store.read { try $0.allocations(office: "cumbria") }.count == 2)
        await #expect(try app.agreements(office: "cumbria").count == 2)
    }

    @Test(arguments: TestEngine.all) func aRunIsReproducibleFromItsInputs(engine: TestEngine) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let first = try await app.latestVLIRun(office: "cumbria")
        let (scheme, text) = try app.vliScheme(named: "vli-default", home: home)
        let again = try await app.scoreVLI(office: "cumbria", scheme: scheme, schemeText: text, by: "cumbria.officer")
        #expect(again.id != first.id)
        #expect(again.inputsSHA256 == first.inputsSHA256)
        #expect(again.result == first.result)
    }

    /// Two databases can each hold a run of the same office, id, hashes and day whose ward lookups differed (the
    /// lookup is not among the hashed inputs): each store keeps its own decoded runs, so each shows its own wards.
    @Test(arguments: TestEngine.all) func aRunDecodedForOneDatabaseIsNeverShownForAnother(
        engine: TestEngine
    ) async throws {
        let (first, _) = try await demoApp(engine: engine)
        let (second, secondStore) = try await demoApp(engine: engine)
        let (scheme, text) = try first.vliScheme(named: "vli-default", home: home)
        let ormsgill = try #require(try await first.latestVLIRun(office: "cumbria").result.groups["ward"]?.first)
        let lsoa = try #require(try await first.vliWardView(office: "cumbria", ward: "Ormsgill").lsoas.first).code
        try await secondStore.write { tx in
            try tx.setVLIGroup(office: "cumbria", grouping: "ward", lsoa: lsoa, code: "E05999999", name: "Elsewhere")
        }
        let one = try await first.scoreVLI(office: "cumbria", scheme: scheme, schemeText: text, by: "cumbria.officer")
        let two = try await second.scoreVLI(office: "cumbria", scheme: scheme, schemeText: text, by: "cumbria.officer")
        #expect(one.id == two.id && one.inputsSHA256 == two.inputsSHA256 && one.runOn == two.runOn)
        #expect(one.result != two.result)
        // Each read twice, one database after the other, so a cache shared between them would answer the second.
        for _ in 0..<2 {
            let firstWards = try await first.latestVLIRun(office: "cumbria").result.groups["ward"] ?? []
            let secondWards = try await second.latestVLIRun(office: "cumbria").result.groups["ward"] ?? []
            #expect(firstWards.first { $0.code == ormsgill.code }?.areas == ormsgill.areas)
            #expect(secondWards.first { $0.code == ormsgill.code }?.areas == ormsgill.areas - 1)
            #expect(secondWards.contains { $0.code == "E05999999" } && !firstWards.contains { $0.code == "E05999999" })
        }
    }

    @Test(arguments: TestEngine.all) func aMalformedPoliceUKLine7IsRefusedNamingItAndNothingIsImported(
        engine: TestEngine
    ) async throws {
        let (app, store) = try await demoApp(engine: engine)
        let before = try await store.read { try $0.vliValues(office: "cumbria") }
        let header =
            "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
            + "Last outcome category,Context"
        var lines = [header]
        for i in 0..<5 {
            lines.append(
                "id\(i),2016-01,Cumbria Constabulary,Cumbria Constabulary,-3.2,54.1,On or near X,E01019138,"
                    + "Barrow-in-Furness 010A,Burglary,Under investigation,")
        }
        lines.append("id5,2016-01,Cumbria Constabulary,Cumbria Constabulary,-3.2,54.1,On or near X,E01019138")
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.importVLI(
                .policeUK, files: [("2016-01-cumbria-street.csv", lines.joined(separator: "\n") + "\n")],
                office: "cumbria", by: "cumbria.officer")
        }
        #expect(refused?.rule == "valid-vli-file")
        #expect(refused?.message == "2016-01-cumbria-street.csv: line 7: expected 12 fields, found 8")
        await #expect(try store.read { try $0.vliValues(office: "cumbria") } == before)
    }

    @Test(arguments: TestEngine.all) func policeUKCrimesAreCountedPerLSOAOverTheMonths(engine: TestEngine) async throws
    {
        let (app, store) = try await demoApp(engine: engine)
        let header =
            "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
            + "Last outcome category,Context"
        func row(_ month: String, _ lsoa: String, _ type: String) -> String {
            "x,\(month),Cumbria Constabulary,Cumbria Constabulary,-3.2,54.1,On or near X,\(lsoa),name,\(type),none,"
        }
        let text = [
            header, row("2016-01", "E01019138", "Burglary"), row("2016-02", "E01019138", "Burglary"),
            row("2016-02", "E01019138", "Criminal damage and arson"), row("2016-02", "E01019138", "Shoplifting"),
            row("2015-12", "E01019138", "Burglary"), row("2016-01", "", "Burglary"),
            row("2016-01", "E01000001", "Burglary"),
        ].joined(separator: "\n")
        var options = Commissioning.VLIImportOptions()
        options.fromMonth = "2016-01"
        options.toMonth = "2016-12"
        let report = try await app.importVLI(
            .policeUK, files: [("street.csv", text)], options: options, office: "cumbria", by: "cumbria.officer")
        #expect(report.ignored == 3)
        let values = try await store.read { try $0.vliValues(office: "cumbria") }
        #expect(values["E01019138"]?["burglary-dwelling"] == 2)
        #expect(values["E01019138"]?["criminal-damage-dwelling"] == 1)
        #expect(values["E01019126"]?["burglary-dwelling"] == 0)
    }

    @Test(arguments: TestEngine.all) func populationIsTakenByPositionFromTheCensusFile(engine: TestEngine) async throws
    {
        let (_, store) = try await demoApp(engine: engine)
        let area = try await #require(
            try store.read { try $0.vliGeography(office: "cumbria") }.first { $0.lsoa == "E01019126" })
        // cumbria-population.csv: E01019126 Allerdale 001A, "1,703" usual residents, 755 households.
        #expect(area.population == 1703 && area.households == 755)
    }

    @Test(arguments: TestEngine.all) func shortlistedBeforeSelectionAndSelectionCitesAnApprovedDecision(
        engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let notShortlisted = await #expect(throws: ServiceRefusal.self) {
            try await app.selectVLIWard(
                office: "cumbria", ward: "Eden ward 1 (synthetic)", decision: "014/2016", by: "cumbria.officer")
        }
        #expect(notShortlisted?.rule == "shortlisted-before-selection")
        try await app.moderateVLI(office: "cumbria", ward: "Eden ward 1 (synthetic)", by: "cumbria.officer")
        let draft = try await app.raiseDecision(
            office: "cumbria", draft: shortDraft("Eden pilot"), by: "cumbria.officer", on: day("2016-03-01"))
        let unapproved = await #expect(throws: ServiceRefusal.self) {
            try await app.selectVLIWard(
                office: "cumbria", ward: "Eden ward 1 (synthetic)", decision: draft.id, by: "cumbria.officer")
        }
        #expect(unapproved?.rule == "selection-cites-approved-decision")
        let unknown = await #expect(throws: ServiceRefusal.self) {
            try await app.moderateVLI(office: "cumbria", ward: "Atlantis", by: "cumbria.officer")
        }
        #expect(unknown?.rule == "known-ward")
    }

    @Test(arguments: TestEngine.all) func vliEveryValueGiven(engine: TestEngine) async throws {
        let (app, store) = try await demoApp(engine: engine)
        try await app.importVLI(
            .geography,
            files: [
                (
                    "extra.csv",
                    ",Region code,Region name,Local authority code,Local authority name,MSOA Code,MSOA Name,LSOA Code,"
                        + "LSOA Name,Police_force\n1,E1,NW,E07000026,Allerdale,E02,Allerdale 001,E01999999,New 001A,Cumbria\n"
                )
            ], office: "cumbria", by: "cumbria.officer")
        await #expect(try store.read { try $0.vliGeography(office: "cumbria") }.count == 322)
        let (scheme, text) = try app.vliScheme(named: "vli-default", home: home)
        let refused = await #expect(throws: ServiceRefusal.self) {
            try await app.scoreVLI(office: "cumbria", scheme: scheme, schemeText: text, by: "cumbria.officer")
        }
        #expect(refused?.rule == "vli-every-value-given")
        #expect(refused?.message.hasPrefix("6 value(s) missing, e.g. E01999999 burglary-dwelling") == true)
    }
}
