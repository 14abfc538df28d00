import Foundation
import OPCCCore
import OPCCServices
import OPCCStore
import OPCCTestSupport
import Testing

/// Documents on the other records, on both engines: a grant agreement (`cumbria-GA-0001`, Barrow's, active in the
/// demo), a quarterly return of it (`cumbria-QR-0001`, its own board `cumbria.barrow-board`) and a carry-forward
/// request (`west-midlands-CF-0001`). Their documents are staff-only: the public never sees them.
@Suite("Documents on agreements, returns and carry-forwards: attached by the record's roles, never public")
struct RecordDocumentTests {
    static let pdf = Data("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".utf8)
    typealias Ref = Commissioning.DocumentRecordRef

    /// Each record kind: the record, a kind it takes, who attaches, a staff reader who does not attach, a person of
    /// the office who may not read it at all (nil when every staff role reads it), and its unknown id's rule.
    struct Case: Sendable, CustomTestStringConvertible {
        let ref: Ref
        let kind: DocumentKind
        let attacher: String
        let readerOnly: String
        let otherOffice: String
        let missing: (id: String, rule: String)
        var testDescription: String { ref.kind.rawValue }
    }

    static let cases: [Case] = [
        Case(
            ref: Ref(.agreement, "cumbria-GA-0001"), kind: .signedAgreement, attacher: "cumbria.finance",
            readerOnly: "cumbria.auditor", otherOffice: "lincs.finance",
            missing: ("cumbria-GA-9999", "known-agreement")),
        Case(
            ref: Ref(.quarterlyReturn, "cumbria-QR-0001"), kind: .evidence, attacher: "cumbria.barrow-board",
            readerOnly: "cumbria.chief-executive", otherOffice: "lincs.officer",
            missing: ("cumbria-QR-9999", "known-return")),
        Case(
            ref: Ref(.carryForward, "west-midlands-CF-0001"), kind: .backgroundPaper, attacher: "wm.finance",
            readerOnly: "wm.chief-executive", otherOffice: "cumbria.finance",
            missing: ("west-midlands-CF-9999", "known-carry-forward")),
    ]

    func attach(
        _ app: Commissioning, to ref: Ref, kind: DocumentKind, part: DocumentPart = .part2, replacing: String? = nil,
        data: Data = Self.pdf, by actor: String
    ) async throws -> StoredDocument {
        try await app.attachDocument(
            to: ref,
            .init(file: try uploadedFile(data, named: "paper.pdf"), kind: kind, part: part, replacing: replacing),
            by: actor)
    }

    func refusal(_ body: () async throws -> Void) async -> ServiceRefusal? {
        do { try await body() } catch let refusal as ServiceRefusal { return refusal } catch { return nil }
        return nil
    }

    @Test(arguments: TestEngine.all, cases)
    func aRecordsOwnRolesAttachListSupersedeAndWithdrawItsDocumentsAsEventsOnItsInstance(
        _ engine: TestEngine, _ c: Case
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let first = try await attach(app, to: c.ref, kind: c.kind, by: c.attacher)
        #expect(first.recordKind == c.ref.kind && first.recordID == c.ref.reference && first.part == .part2)
        let attached = try #require(try await app.auditLog(instance: c.ref.reference).last)
        #expect(attached.event == "document-attached" && attached.sealedRecord == "document:\(first.id)")
        #expect(attached.payload.contains("\"sha256\":\"\(first.sha256)\""))
        #expect(try await app.verifyAudit().problems == [])
        let second = try await attach(
            app, to: c.ref, kind: c.kind, replacing: first.id, data: Self.pdf + Data("% v2\n".utf8), by: c.attacher)
        let listed = try await app.documents(of: c.ref, by: c.readerOnly)
        #expect(listed.map(\.id) == [first.id, second.id] && listed[0].supersededBy == second.id)
        let withdrawn = try await app.withdrawDocument(second.id, reason: "the wrong quarter", by: c.attacher)
        #expect(withdrawn.withdrawalReason == "the wrong quarter" && !withdrawn.isCurrent)
        #expect(try await app.auditLog(instance: c.ref.reference).last?.event == "document-withdrawn")
        #expect(try await app.verifyAudit().problems == [])
    }

    /// Each refusal changes nothing: the audit head stays where it was.
    @Test(arguments: TestEngine.all, cases)
    func aWrongRoleAnotherOfficeAnUnknownRecordAWrongKindOrAPart1FileIsRefused(
        _ engine: TestEngine, _ c: Case
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let head = try await app.auditHead()
        let wrongRole = await refusal { _ = try await attach(app, to: c.ref, kind: c.kind, by: c.readerOnly) }
        #expect(wrongRole?.rule == "document-attachers" && wrongRole?.kind == .forbidden)
        let otherOffice = await refusal { _ = try await attach(app, to: c.ref, kind: c.kind, by: c.otherOffice) }
        #expect(otherOffice?.rule == c.missing.rule && otherOffice?.kind == .notFound)
        let unknown = await refusal {
            _ = try await attach(app, to: Ref(c.ref.kind, c.missing.id), kind: c.kind, by: c.attacher)
        }
        #expect(unknown?.rule == c.missing.rule)
        let wrongOffice = await refusal {
            _ = try await attach(
                app, to: Ref(c.ref.kind, c.ref.reference, office: "leicestershire"), kind: c.kind, by: c.attacher)
        }
        #expect(wrongOffice?.rule == c.missing.rule, "an id given with another office")
        let wrongKind = await refusal { _ = try await attach(app, to: c.ref, kind: .mediaStrategy, by: c.attacher) }
        #expect(wrongKind?.rule == "document-kind-for-record")
        let part1 = await refusal { _ = try await attach(app, to: c.ref, kind: c.kind, part: .part1, by: c.attacher) }
        #expect(part1?.rule == "document-staff-only")
        let listedElsewhere = await refusal { _ = try await app.documents(of: c.ref, by: c.otherOffice) }
        #expect(listedElsewhere?.rule == c.missing.rule)
        #expect(try await app.auditHead() == head)
        #expect(try await app.documents(of: c.ref, by: c.attacher) == [])
    }

    /// Never public: not listed, not downloadable, not on the public notice of the decision behind the agreement,
    /// and read by the record's staff readers without a Part 2 read event.
    @Test(arguments: TestEngine.all, cases)
    func thePublicNeverSeesARecordsDocumentsAndItsStaffReadThemWithoutAReadEvent(
        _ engine: TestEngine, _ c: Case
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let document = try await attach(app, to: c.ref, kind: c.kind, by: c.attacher)
        let listed = await refusal { _ = try await app.documents(of: c.ref, by: nil) }
        #expect(listed?.rule == c.missing.rule)
        for outsider in [nil, c.otherOffice] {
            let read = await refusal { _ = try await app.downloadDocument(document.id, by: outsider) { _ in } }
            #expect(read?.rule == "known-document", "\(outsider ?? "the public")")
        }
        let events = try await app.auditLog(instance: c.ref.reference).count
        let received = Received()
        _ = try await app.downloadDocument(document.id, by: c.readerOnly) { received.append($0) }
        #expect(received.data == Self.pdf)
        #expect(try await app.auditLog(instance: c.ref.reference).count == events)
        let notice = try await app.documents(of: "014/2016", office: "cumbria", by: nil)
        #expect(!notice.contains { $0.id == document.id })
    }

    @Test(arguments: TestEngine.all)
    func aProjectBoardAttachesToItsOwnGrantsReturnOnlyAndAnotherBoardFindsNoSuchReturn(
        _ engine: TestEngine
    ) async throws {
        let (app, _) = try await demoApp(engine: engine)
        let own = try await attach(
            app, to: Ref(.quarterlyReturn, "cumbria-QR-0001"), kind: .evidence, by: "cumbria.barrow-board")
        let other = await refusal {
            _ = try await attach(
                app, to: Ref(.quarterlyReturn, "cumbria-QR-0001"), kind: .evidence, by: "cumbria.copeland-board")
        }
        #expect(other?.rule == "known-return" && other?.kind == .notFound)
        let read = await refusal { _ = try await app.downloadDocument(own.id, by: "cumbria.copeland-board") { _ in } }
        #expect(read?.rule == "known-document")
        let agreement = await refusal {
            _ = try await attach(
                app, to: Ref(.agreement, "cumbria-GA-0001"), kind: .signedAgreement, by: "cumbria.barrow-board")
        }
        #expect(agreement?.rule == "known-agreement", "an agreement's documents are staff-only")
        let purge = await refusal {
            _ = try await app.withdrawDocument(own.id, reason: "personal data", purge: true, by: "cumbria.barrow-board")
        }
        #expect(purge?.rule == "document-purge-by-part2-readers")
        let purged = try await app.withdrawDocument(
            own.id, reason: "personal data", purge: true, by: "cumbria.officer")
        #expect(purged.purged)
        #expect(try await app.verifyAudit().problems == [])
    }
}

/// The chunks a download delivered, in order.
private final class Received: @unchecked Sendable {
    private(set) var data = Data()
    func append(_ chunk: Data) { data.append(chunk) }
}

/// A file holding `data`, named `name`, in a folder of its own: an upload as a front end hands it over.
func uploadedFile(_ data: Data, named name: String) throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-upload-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let url = folder.appendingPathComponent(name)
    try data.write(to: url)
    return url
}
