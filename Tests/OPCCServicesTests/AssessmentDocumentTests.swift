import Foundation
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

/// `assessmentDocumentsRequired` in the office profile: Leicestershire's draft agreement (`leicestershire-GA-0001`,
/// drafted on 2 April 2015, no assessments recorded) needs its assessments attached, not just their references, when
/// the setting's day is on or before the day it was drafted; one drafted before the day keeps the reference rule.
@Suite("Assessment documents: required for agreements drafted on or after the office's setting")
struct AssessmentDocumentTests {
    static let agreement = "leicestershire-GA-0001"
    static let pdf = Data("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".utf8)

    /// The demo with Leicestershire's profile changed to require the documents from `day` (through the way
    /// profiles change: registering the profile's new text, an audited `office-profile-changed` event), and both
    /// assessments' references recorded on the draft.
    func app(_ engine: TestEngine, requiredFrom day: String) async throws -> Commissioning {
        let (app, _) = try await demoApp(engine: engine)
        let url = repositoryRoot.appendingPathComponent("fixtures/offices/leicestershire.yaml")
        let text = try String(contentsOf: url, encoding: .utf8) + "\nassessmentDocumentsRequired: \(day)\n"
        try await app.registerOffice(
            LoadedProfile(profile: try OfficeProfile.parse(yaml: text, source: "test"), text: text, source: "test"))
        #expect(try await app.auditLog(office: "leicestershire").last?.event == "office-profile-changed")
        #expect(try await app.profile(of: "leicestershire").assessmentDocumentsRequired == (try Day(iso: day)))
        for equality in [true, false] {
            try await app.recordAssessment(
                Self.agreement, equality: equality, reference: equality ? "EIA-CS-2015" : "RISK-CS-2015",
                by: "leics.finance")
        }
        return app
    }

    func attach(_ app: Commissioning, _ kind: DocumentKind) async throws {
        let url = try uploadedFile(Self.pdf + Data("% \(kind.rawValue)\n".utf8), named: "\(kind.rawValue).pdf")
        _ = try await app.attachDocument(
            to: .init(.agreement, Self.agreement), .init(file: url, kind: kind, part: .part2), by: "leics.finance")
    }

    func state(_ app: Commissioning) async throws -> String? {
        try await app.agreements(office: "leicestershire").first { $0.agreement.id == Self.agreement }?.state
    }

    @Test(arguments: TestEngine.all)
    func anAgreementDraftedAfterTheSettingWithOnlyReferencesIsRefusedNamingTheMissingDocuments(
        _ engine: TestEngine
    ) async throws {
        let app = try await app(engine, requiredFrom: "2015-04-01")
        let neither = await #expect(throws: ActRefused.self) {
            try await app.confirmAgreementConditions(Self.agreement, by: "leics.finance")
        }
        #expect(neither?.rules == ["grant-preconditions-recorded"])
        #expect(neither?.description.contains("equality impact assessment document") == true)
        #expect(neither?.description.contains("risk assessment document") == true)
        try await attach(app, .equalityImpactAssessment)
        let one = await #expect(throws: ActRefused.self) {
            try await app.confirmAgreementConditions(Self.agreement, by: "leics.finance")
        }
        #expect(one?.rules == ["assessment-document-attached"])
        #expect(one?.description.contains("risk assessment document (risk-assessment)") == true)
        #expect(try await state(app) == "draft")
    }

    @Test(arguments: TestEngine.all)
    func anAgreementDraftedAfterTheSettingWithBothDocumentsAttachedPasses(_ engine: TestEngine) async throws {
        let app = try await app(engine, requiredFrom: "2015-04-02")
        try await attach(app, .equalityImpactAssessment)
        try await attach(app, .riskAssessment)
        try await app.confirmAgreementConditions(Self.agreement, by: "leics.finance")
        #expect(try await state(app) == "conditions-met")
    }

    @Test(arguments: TestEngine.all)
    func aWithdrawnAssessmentDocumentNoLongerCounts(_ engine: TestEngine) async throws {
        let app = try await app(engine, requiredFrom: "2015-04-01")
        try await attach(app, .equalityImpactAssessment)
        try await attach(app, .riskAssessment)
        let risk = try #require(
            try await app.documents(of: .init(.agreement, Self.agreement), by: "leics.finance").last)
        _ = try await app.withdrawDocument(risk.id, reason: "the draft, not the signed-off one", by: "leics.finance")
        let refused = await #expect(throws: ActRefused.self) {
            try await app.confirmAgreementConditions(Self.agreement, by: "leics.finance")
        }
        #expect(refused?.rules == ["assessment-document-attached"])
    }

    @Test(arguments: TestEngine.all)
    func anAgreementDraftedBeforeTheSettingKeepsTheReferenceRule(_ engine: TestEngine) async throws {
        let app = try await app(engine, requiredFrom: "2015-04-03")
        try await app.confirmAgreementConditions(Self.agreement, by: "leics.finance")
        #expect(try await state(app) == "conditions-met")
    }

    @Test func aProfileWhoseSettingIsNotADayIsRefusedNamingTheField() throws {
        let url = repositoryRoot.appendingPathComponent("fixtures/offices/leicestershire.yaml")
        let text = try String(contentsOf: url, encoding: .utf8) + "\nassessmentDocumentsRequired: yes\n"
        #expect(throws: OfficeProfileError.self) { try OfficeProfile.parse(yaml: text, source: "test") }
        do { _ = try OfficeProfile.parse(yaml: text, source: "test") } catch {
            #expect(error.field == "assessmentDocumentsRequired")
        }
        let shipped = try OfficeProfile.parse(
            yaml: try String(contentsOf: url, encoding: .utf8), source: "leicestershire.yaml")
        #expect(shipped.assessmentDocumentsRequired == nil, "off by default")
    }
}
