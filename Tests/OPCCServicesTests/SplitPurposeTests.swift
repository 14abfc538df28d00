import OPCCCore
import OPCCServices
import OPCCTestSupport
import Testing

/// The Surrey case of issue 21: a grant round whose awards each fund a different project keeps each purpose.
@Suite("Splits and grant rounds: a purpose per recipient")
struct SplitPurposeTests {
    static func round(_ decision: String, _ recipients: String) throws -> Commissioning.SplitFile {
        try Commissioning.SplitFile.parse(
            yaml: """
                year: 2016/17
                strand: ASB
                decision: \(decision)
                purpose: Community safety small grants
                method: grant-round
                bands: [{ name: small, upTo: "5000.00" }, { name: standard }]
                recipients:
                \(recipients)
                """, source: "round.yaml")
    }

    @Test(arguments: TestEngine.all) func eachGrantOfARoundGetsItsOwnPurposeAndTheRestTheRoundsPurpose(
        engine: TestEngine
    ) async throws {
        let (app, store) = try await demoApp(engine: engine)
        let id = try await approvedDecision(app, amount: "£20,000")
        let file = try Self.round(
            id,
            """
              - orgId: GB-CHC-1000001
                name: Neighbourhood Watch
                amount: "4000.00"
                purpose: Street patrols in Guildford town centre
              - orgId: GB-CHC-1000002
                name: Youth Boxing Club
                amount: "6000.00"
                purpose: Evening boxing sessions for young people at risk
              - { orgId: GB-CHC-1000003, name: Victim Support, amount: "1000.00" }
            """)
        let made = try await app.allocateSplit(file, office: "cumbria", by: "cumbria.finance", on: day("2016-05-05"))
        let expected = [
            "Street patrols in Guildford town centre", "Evening boxing sessions for young people at risk",
            "Community safety small grants",
        ]
        #expect(made.map(\.purpose) == expected)
        let stored = try await store.read { try $0.allocations(office: "cumbria") }.map(\.allocation)
            .filter { $0.method == .grantRound }
        #expect(stored.map(\.purpose) == expected)
        await #expect(try app.previewSplit(file, office: "cumbria", by: "cumbria.finance").map(\.purpose) == expected)
    }

    @Test(arguments: TestEngine.all) func aBlankPurposeForARecipientIsRefusedAndNothingIsAllocated(
        engine: TestEngine
    ) async throws {
        let (app, store) = try await demoApp(engine: engine)
        let id = try await approvedDecision(app, amount: "£20,000")
        let before = try await store.read { try $0.allocations(office: "cumbria") }.count
        let file = try Self.round(
            id,
            """
              - { orgId: GB-CHC-1000001, name: Neighbourhood Watch, amount: "4000.00", purpose: "  " }
            """)
        let error = await #expect(throws: ServiceRefusal.self) {
            try await app.allocateSplit(file, office: "cumbria", by: "cumbria.finance", on: day("2016-05-05"))
        }
        #expect(error?.rule == "valid-split")
        #expect(
            error?.message
                == "the purpose given for GB-CHC-1000001 is blank: write what its grant is for, or leave purpose out "
                + "for the split's purpose")
        await #expect(try store.read { try $0.allocations(office: "cumbria") }.count == before)
    }
}
