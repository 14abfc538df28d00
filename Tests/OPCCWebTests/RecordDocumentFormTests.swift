import Foundation
import Hummingbird
import HummingbirdTesting
import OPCCCore
import OPCCServices
import OPCCTestSupport
import Testing

@testable import OPCCWeb

/// The grant agreement's page, the quarterly return's page and a carry-forward's documents page carry the same
/// forms as a decision's: attach a file (the record kind's own kinds, always Part 2) and withdraw a document, for
/// the people the services let attach; refusals show the page again with the reason and attach nothing.
@Suite("Web: uploading documents on the agreement, return and carry-forward pages")
struct RecordDocumentFormTests {
    /// A record with a page of forms: who attaches, the page, where the forms post, and a kind it takes.
    struct Target: Sendable, CustomStringConvertible {
        var user: String
        var ref: Commissioning.DocumentRecordRef
        var page: String
        var post: String
        var kind: DocumentKind
        var description: String { page }
    }

    static let targets = [
        Target(
            user: "cumbria.finance", ref: .init(.agreement, "cumbria-GA-0001"), page: "/grants/cumbria-GA-0001",
            post: "/grants/cumbria-GA-0001/documents", kind: .signedAgreement),
        Target(
            user: "cumbria.officer", ref: .init(.quarterlyReturn, "cumbria-QR-0001"), page: "/returns/cumbria-QR-0001",
            post: "/returns/cumbria-QR-0001/documents", kind: .evidence),
        Target(
            user: "wm.finance", ref: .init(.carryForward, "west-midlands-CF-0001"),
            page: "/finance/carry-forwards/west-midlands-CF-0001/documents",
            post: "/finance/carry-forwards/west-midlands-CF-0001/documents", kind: .backgroundPaper),
    ]

    func server(_ engine: TestEngine) async throws -> (Commissioning, some ApplicationProtocol) {
        let commissioning = try await makeDemoApp(engine, returns: false)
        return (commissioning, try await webApp(commissioning: commissioning))
    }

    @Test(arguments: TestEngine.all)
    func anUploadThroughEachRecordsPageAttachesAPart2DocumentOfItsKindAndListsIt(engine: TestEngine) async throws {
        let (commissioning, app) = try await server(engine)
        try await app.test(.router) { client in
            for target in Self.targets {
                var staff = Browser(client)
                _ = try await staff.signIn(target.user)
                let page = try await staff.get(target.page)
                #expect(page.body.contains(#"action="\#(target.post)" enctype="multipart/form-data""#), "\(target)")
                // Only the record kind's own kinds, and no Part to choose: it is fixed, and the form says so.
                for kind in DocumentKind.allCases {
                    let offered = page.body.contains(#"<option value="\#(kind.rawValue)""#)
                    #expect(offered == target.ref.kind.kinds.contains(kind), "\(target) \(kind)")
                }
                #expect(!page.body.contains(#"name="part""#) && page.body.contains("always Part 2"), "\(target)")
                let attached = try await staff.upload(
                    target.post, fields: [("kind", target.kind.rawValue)],
                    file: ("paper.pdf", DocumentUploadTests.pdf))
                #expect(attached.status == .seeOther && attached.location == target.page, "\(target)")
                let documents = try await commissioning.documents(of: target.ref, by: target.user)
                let document = try #require(documents.first, "\(target)")
                #expect(documents.count == 1 && document.kind == target.kind && document.part == .part2)
                #expect(document.uploadedBy == target.user && document.name == "paper.pdf")
                let listed = try await staff.get(target.page)
                #expect(listed.body.contains(#"href="/documents/\#(document.id)""#), "\(target)")
                #expect(listed.body.contains(#"action="\#(target.post)/withdraw""#), "\(target)")
                let withdrawn = try await staff.post(
                    target.post + "/withdraw", ["document": document.id, "reason": "Attached by mistake"])
                #expect(withdrawn.status == .seeOther && withdrawn.location == target.page, "\(target)")
                let after = try await commissioning.documents(of: target.ref, by: target.user)
                #expect(after.first?.withdrawalReason == "Attached by mistake", "\(target)")
            }
            // The carry-forwards' list links each request's documents page for its attachers.
            var finance = Browser(client)
            _ = try await finance.signIn("wm.finance")
            let list = try await finance.get("/finance/carry-forwards")
            #expect(list.body.contains(#"href="/finance/carry-forwards/west-midlands-CF-0001/documents""#))
        }
    }

    @Test(arguments: TestEngine.all)
    func aRoleThatMayNotAttachGetsNoFormAndItsUploadIsForbidden(engine: TestEngine) async throws {
        let (commissioning, app) = try await server(engine)
        let readers = ["cumbria.auditor", "cumbria.auditor", "wm.pcc"]
        try await app.test(.router) { client in
            for (target, user) in zip(Self.targets, readers) {
                var reader = Browser(client)
                _ = try await reader.signIn(user)
                let page = try await reader.get(target.page)
                #expect(page.status == .ok && !page.body.contains("multipart/form-data"), "\(user) \(target)")
                let before = try await commissioning.auditHead()
                let refused = try await reader.upload(
                    target.post, fields: [("kind", target.kind.rawValue)],
                    file: ("paper.pdf", DocumentUploadTests.pdf))
                #expect(refused.status == .forbidden, "\(user) \(target)")
                #expect(try await commissioning.documents(of: target.ref, by: target.user) == [])
                #expect(try await commissioning.auditHead() == before)
            }
            var finance = Browser(client)
            _ = try await finance.signIn("wm.pcc")
            let list = try await finance.get("/finance/carry-forwards")
            #expect(!list.body.contains("/finance/carry-forwards/west-midlands-CF-0001/documents"))
        }
    }

    @Test(arguments: TestEngine.all)
    func aProjectBoardMemberOfTheGrantAttachesEvidenceToItsOwnReturn(engine: TestEngine) async throws {
        let (commissioning, app) = try await server(engine)
        let ref = Commissioning.DocumentRecordRef(.quarterlyReturn, "cumbria-QR-0001")
        try await app.test(.router) { client in
            var board = Browser(client)
            _ = try await board.signIn("cumbria.barrow-board")
            let page = try await board.get("/returns/cumbria-QR-0001")
            #expect(page.body.contains(#"action="/returns/cumbria-QR-0001/documents""#))
            let attached = try await board.upload(
                "/returns/cumbria-QR-0001/documents", fields: [("kind", "evidence")],
                file: ("receipts.pdf", DocumentUploadTests.pdf))
            #expect(attached.status == .seeOther && attached.location == "/returns/cumbria-QR-0001")
            let documents = try await commissioning.documents(of: ref, by: "cumbria.officer")
            #expect(documents.map(\.uploadedBy) == ["cumbria.barrow-board"])
            #expect(documents.first?.kind == .evidence)
            // Another grant's board may not.
            var other = Browser(client)
            _ = try await other.signIn("cumbria.copeland-board")
            let refused = try await other.upload(
                "/returns/cumbria-QR-0001/documents", fields: [("kind", "evidence")],
                file: ("receipts.pdf", DocumentUploadTests.pdf))
            #expect(refused.status == .forbidden || refused.status == .notFound)
            #expect(try await commissioning.documents(of: ref, by: "cumbria.officer").count == 1)
        }
    }

    @Test(arguments: TestEngine.all)
    func aDisguisedFileIsRefusedOnEachPageWithTheReasonAndNothingIsAttached(engine: TestEngine) async throws {
        let (commissioning, app) = try await server(engine)
        try await app.test(.router) { client in
            for target in Self.targets {
                var staff = Browser(client)
                _ = try await staff.signIn(target.user)
                let before = try await commissioning.auditHead()
                for file in try DocumentUploadTests.disguised() {
                    let page = try await staff.upload(
                        target.post, fields: [("kind", target.kind.rawValue)], file: (file.name, file.bytes))
                    #expect(page.status == .unprocessableContent, "\(target) \(file.name)")
                    #expect(page.body.contains(file.reason), "\(target) \(file.name)")
                    #expect(page.body.contains(##"<a href="#documents-file">"##), "\(target) \(file.name)")
                    #expect(
                        page.body.contains(#"<option value="\#(target.kind.rawValue)" selected>"#),
                        "\(target) \(file.name)")
                }
                #expect(try await commissioning.documents(of: target.ref, by: target.user) == [])
                #expect(try await commissioning.auditHead() == before)
            }
        }
    }
}
