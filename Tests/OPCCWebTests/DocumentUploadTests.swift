import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import OPCCCore
import OPCCServices
import OPCCTestSupport
import PropertyBased
import Testing
import ZIPFoundation

@testable import OPCCWeb

/// A multipart/form-data body as a browser or `curl -F` sends it.
struct MultipartBody {
    static let boundary = "----opcc-test-boundary-7MA4YWxkTrZu0gW"
    var fields: [(String, String)] = []
    /// The file part: its field, the name the client gives it (sent as `filename*`, percent-encoded UTF-8, so any
    /// text arrives exactly), and its bytes.
    var file: (field: String, filename: String, bytes: Data)?

    var contentType: String { "multipart/form-data; boundary=\(Self.boundary)" }

    var buffer: ByteBuffer {
        var body = ByteBuffer()
        for (name, value) in fields {
            body.writeString("--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n")
            body.writeString(value + "\r\n")
        }
        if let file {
            let encoded = HostileText.encoded(file.filename)
            body.writeString(
                "--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; "
                    + "filename*=UTF-8''\(encoded)\r\nContent-Type: application/octet-stream\r\n\r\n")
            body.writeBytes(file.bytes)
            body.writeString("\r\n")
        }
        body.writeString("--\(Self.boundary)--\r\n")
        return body
    }
}

extension Browser {
    /// Posts a multipart form with the session's cookie; the session's CSRF token is added first unless `csrf` is
    /// given ("" sends none).
    mutating func upload(
        _ uri: String, fields: [(String, String)], file: (filename: String, bytes: Data)?, csrf: String? = nil
    ) async throws -> Page {
        let token = csrf ?? self.csrf ?? ""
        let body = MultipartBody(
            fields: (token.isEmpty ? [] : [("csrf", token)]) + fields,
            file: file.map { ("file", $0.filename, $0.bytes) })
        var headers: HTTPFields = [.contentType: body.contentType]
        if let cookie { headers[.cookie] = "opcc_session=\(cookie)" }
        let response = try await client.execute(uri: uri, method: .post, headers: headers, body: body.buffer)
        let text = String(buffer: response.body)
        await record(text, user: user)
        #expect(response.status.code < 500, "POST \(uri) gave \(response.status): \(text.prefix(300))")
        return Page(status: response.status, body: text, location: response.headers[.location], setCookie: nil)
    }
}

/// Attaching documents in the browser and through the API: the multipart body streamed to a temporary file within
/// the document limit, the form's token checked like any form's, refused files changing nothing.
@Suite("Web and API: uploading documents")
struct DocumentUploadTests {
    static let pdf = Data("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".utf8)

    /// A demo database of its own on `engine` (no returns) and a server over it with `limitBytes` as the limit.
    func server(
        _ engine: TestEngine, limitBytes: Int64 = DocumentRules.defaultSizeLimitBytes
    ) async throws -> (Commissioning, some ApplicationProtocol, recordID: String) {
        let commissioning = try await makeDemoApp(engine, returns: false)
        var logger = Logger(label: "opcc.web.tests")
        logger.logLevel = .warning
        var configuration = WebConfiguration(
            commissioning: commissioning, logger: logger, throttle: concurrentTestsThrottle)
        configuration.documentLimitBytes = limitBytes
        let id = try await commissioning.decisionID("014/2016", office: "cumbria")
        return (commissioning, try await buildApplication(configuration: configuration), id)
    }

    /// A PDF of `size` bytes: the PDF signature, then filler.
    static func pdf(size: Int) -> Data {
        var data = Data("%PDF-1.7\n".utf8)
        data.append(Data(repeating: 0x41, count: max(0, size - data.count)))
        return data
    }

    /// A ZIP container with these entries (path → text).
    static func zip(_ entries: [(String, String)]) throws -> Data {
        let archive = try Archive(accessMode: .create)
        for (path, text) in entries {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count)) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return try #require(archive.data)
    }

    @Test(arguments: TestEngine.all)
    func aFileAttachedThroughTheRecordsPageIsStoredListedAndDownloadable(engine: TestEngine) async throws {
        let (commissioning, app, id) = try await server(engine)
        try await app.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            let page = try await officer.get("/decisions/\(id)")
            #expect(page.body.contains(#"enctype="multipart/form-data""#))
            #expect(page.body.contains(#"<input id="documents-part-2" type="radio" name="part" value="2" checked>"#))
            #expect(page.body.contains("No documents are attached to this record."))
            let attached = try await officer.upload(
                "/decisions/\(id)/documents", fields: [("kind", "business-case"), ("part", "1")],
                file: ("Business case.pdf", Self.pdf))
            #expect(attached.status == .seeOther && attached.location == "/decisions/\(id)")
            let documents = try await commissioning.documents(of: id, by: "cumbria.officer")
            let document = try #require(documents.first)
            #expect(documents.count == 1 && document.name == "Business case.pdf" && document.part == .part1)
            #expect(document.kind == .businessCase && document.sizeBytes == Int64(Self.pdf.count))
            let listed = try await officer.get("/decisions/\(id)")
            #expect(listed.body.contains(#"<a href="/documents/\#(document.id)">Business case.pdf</a>"#))
            #expect(listed.body.contains("Part 1 (published)") && listed.body.contains("PDF, \(Self.pdf.count) bytes"))
            #expect(listed.body.contains(#"<option value="\#(document.id)">Business case.pdf (\#(document.id))"#))
            let download = try await officer.get("/documents/\(document.id)")
            #expect(download.status == .ok && Data(download.body.utf8) == Self.pdf)
        }
        let event = try #require(try await commissioning.auditLog(instance: id).last)
        #expect(event.event == "document-attached" && event.actor == "cumbria.officer")
    }

    @Test(arguments: TestEngine.all)
    func aBodyOverTheLimitIsRefusedWith413NamingTheLimitAndNothingIsAttached(engine: TestEngine) async throws {
        let (commissioning, app, id) = try await server(engine, limitBytes: 1024 * 1024)
        try await app.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            let before = try await commissioning.auditHead()
            let huge = try await officer.upload(
                "/decisions/\(id)/documents", fields: [("kind", "business-case"), ("part", "2")],
                file: ("big.pdf", Self.pdf(size: 1024 * 1024 + 100_000)))
            #expect(huge.status == .contentTooLarge)
            #expect(huge.body.contains("The upload is larger than the limit of 1 MB"))
            // Just over the file's limit, within the allowance for the fields: the services refuse the file.
            let over = try await officer.upload(
                "/decisions/\(id)/documents", fields: [("kind", "business-case"), ("part", "2")],
                file: ("big.pdf", Self.pdf(size: 1024 * 1024 + 10)))
            #expect(over.status == .unprocessableContent)
            #expect(over.body.contains("over the limit of 1048576 bytes"))
            #expect(try await commissioning.documents(of: id, by: "cumbria.officer") == [])
            #expect(try await commissioning.auditHead() == before)
        }
    }

    /// Files whose name says PDF (or Word) and whose content is something else, or carries macros.
    static func disguised() throws -> [(name: String, bytes: Data, reason: String)] {
        [
            ("setup.pdf", Data([0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00]), "is not a PDF, PNG"),
            ("page.pdf", Data("<!DOCTYPE html><html><script>alert(1)</script></html>".utf8), "HTML, SVG or XML"),
            (
                "report.docm",
                try zip([
                    ("[Content_Types].xml", "application/vnd.ms-word.document.macroEnabled.main+xml"),
                    ("word/document.xml", "<w:document/>"), ("word/vbaProject.bin", "macro"),
                ]), "carries macros"
            ),
        ]
    }

    @Test(arguments: TestEngine.all)
    func aDisguisedFileIsRefusedWithTheReasonAndNothingIsAttached(engine: TestEngine) async throws {
        let (commissioning, app, id) = try await server(engine)
        try await app.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            let before = try await commissioning.auditHead()
            for file in try Self.disguised() {
                let page = try await officer.upload(
                    "/decisions/\(id)/documents", fields: [("kind", "other"), ("part", "1")],
                    file: (file.name, file.bytes))
                #expect(page.status == .unprocessableContent, "\(file.name)")
                #expect(page.body.contains(file.reason), "\(file.name)")
                #expect(page.body.contains(##"<a href="#documents-file">"##), "\(file.name): linked to the input")
                // The form again, with what was chosen.
                #expect(page.body.contains(#"<option value="other" selected>"#), "\(file.name)")
            }
            #expect(try await commissioning.documents(of: id, by: "cumbria.officer") == [])
            #expect(try await commissioning.auditHead() == before)
        }
    }

    @Test(arguments: TestEngine.all)
    func anUploadWithoutTheFormsTokenOrWithAnotherIsRefusedAndNothingIsAttached(engine: TestEngine) async throws {
        let (commissioning, app, id) = try await server(engine)
        try await app.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            for token in ["", String(repeating: "0", count: 64)] {
                let page = try await officer.upload(
                    "/decisions/\(id)/documents", fields: [("kind", "other"), ("part", "1")],
                    file: ("case.pdf", Self.pdf), csrf: token)
                #expect(page.status == .forbidden)
                #expect(page.body.contains("The form has expired or did not come from this site."))
            }
            let withdraw = try await officer.post(
                "/decisions/\(id)/documents/withdraw", ["document": "\(id)-D1", "reason": "test"], csrf: "x")
            #expect(withdraw.status == .forbidden)
        }
        #expect(try await commissioning.documents(of: id, by: "cumbria.officer") == [])
    }

    @Test(arguments: TestEngine.all)
    func onlyTheRecordsOfficeAttachersAttachAndTheOthersAreNotOfferedTheForm(engine: TestEngine) async throws {
        let (commissioning, app, id) = try await server(engine)
        try await app.test(.router) { client in
            var elsewhere = Browser(client)
            _ = try await elsewhere.signIn("lincs.officer")
            let other = try await elsewhere.upload(
                "/decisions/\(id)/documents", fields: [("kind", "other"), ("part", "1")], file: ("a.pdf", Self.pdf))
            #expect(other.status == .notFound)
            var finance = Browser(client)
            _ = try await finance.signIn("cumbria.finance")
            #expect(try await !finance.get("/decisions/\(id)").body.contains("Attach a document"))
            let refused = try await finance.upload(
                "/decisions/\(id)/documents", fields: [("kind", "other"), ("part", "1")], file: ("a.pdf", Self.pdf))
            #expect(refused.status == .forbidden && refused.body.contains("document"))
        }
        #expect(try await commissioning.documents(of: id, by: "cumbria.officer") == [])
    }

    @Test(arguments: TestEngine.all)
    func aDocumentIsWithdrawnFromThePageWithAReasonAndPurgedByAPart2Reader(engine: TestEngine) async throws {
        let (commissioning, app, id) = try await server(engine)
        try await app.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            _ = try await officer.upload(
                "/decisions/\(id)/documents", fields: [("kind", "other"), ("part", "2")],
                file: ("a.txt", Data("x\n".utf8)))
            let document = try #require(try await commissioning.documents(of: id, by: "cumbria.officer").first)
            #expect(try await officer.get("/decisions/\(id)").body.contains("Also remove its file (purge)"))
            let blank = try await officer.post(
                "/decisions/\(id)/documents/withdraw", ["document": document.id, "reason": "  "])
            #expect(blank.status == .unprocessableContent)
            #expect(blank.body.contains(##"<a href="#document-withdraw-reason">"##))
            let done = try await officer.post(
                "/decisions/\(id)/documents/withdraw",
                ["document": document.id, "reason": "holds a home address", "purge": "1"])
            #expect(done.status == .seeOther)
            let page = try await officer.get("/decisions/\(id)")
            #expect(page.body.contains("Withdrawn and purged") && page.body.contains("holds a home address"))
            #expect(!page.body.contains(#"href="/documents/\#(document.id)""#))
        }
        let withdrawn = try #require(try await commissioning.documents(of: id, by: "cumbria.officer").first)
        #expect(withdrawn.purged && withdrawn.withdrawalReason == "holds a home address")
    }

    @Test(arguments: TestEngine.all)
    func theAPIAttachesListsAndWithdrawsADocumentAndRefusesWhatTheFormRefuses(engine: TestEngine) async throws {
        let (commissioning, app, id) = try await server(engine, limitBytes: 1024 * 1024)
        try await app.test(.router) { client in
            let officer = try await APIClient(client, as: "cumbria.officer", app: commissioning)
            let finance = try await APIClient(client, as: "cumbria.finance", app: commissioning)
            func upload(
                _ api: APIClient, _ fields: [(String, String)], _ file: (String, Data)?
            ) async throws
                -> APIClient
                .Answer
            {
                let body = MultipartBody(fields: fields, file: file.map { ("file", $0.0, $0.1) })
                let response = try await client.execute(
                    uri: "/api/v1/decisions/\(id)/documents", method: .post,
                    headers: [.authorization: "Bearer \(api.token)", .contentType: body.contentType], body: body.buffer)
                let text = String(buffer: response.body)
                #expect(response.status.code < 500, "\(text)")
                return .init(status: response.status, body: text, contentType: response.headers[.contentType])
            }
            let before = try await commissioning.auditHead()
            let huge = try await upload(
                officer, [("kind", "eia"), ("part", "1")], ("big.pdf", Self.pdf(size: 1_200_000)))
            #expect(huge.status == .contentTooLarge && huge.object["rule"] as? String == "body-size")
            let noKind = try await upload(officer, [("part", "1")], ("a.pdf", Self.pdf))
            #expect(noKind.status == .unprocessableContent)
            #expect((noKind.object["detail"] as? String)?.contains("body.kind: is required") == true)
            let exe = try await upload(officer, [("kind", "eia"), ("part", "1")], ("a.pdf", Data([0x4D, 0x5A, 0, 1])))
            #expect(exe.status == .unprocessableContent && exe.object["rule"] as? String == "document-type-allowed")
            let notYours = try await upload(finance, [("kind", "eia"), ("part", "1")], ("a.pdf", Self.pdf))
            #expect(notYours.status == .forbidden && notYours.object["rule"] as? String == "document-attachers")
            #expect(try await commissioning.auditHead() == before)

            let created = try await upload(
                officer, [("kind", "eia"), ("part", "2"), ("name", "EIA annex.pdf")], ("x.pdf", Self.pdf))
            #expect(created.status == .created, "\(created.body)")
            let documentID = try #require(created.object["id"] as? String)
            #expect(created.object["name"] as? String == "EIA annex.pdf" && created.object["part"] as? Int == 2)
            #expect(created.object["kind"] as? String == "equality-impact-assessment")
            #expect(created.object["download"] as? String == "/documents/\(documentID)")
            let listed = try await officer.get("/api/v1/decisions/\(id)/documents")
            #expect(listed.status == .ok && listed.items.compactMap { $0["id"] as? String } == [documentID])
            // Part 2: not listed for someone who does not read it.
            #expect(try await finance.get("/api/v1/decisions/\(id)/documents").items.isEmpty)

            let noReason = try await officer.post("/api/v1/documents/\(documentID)/withdrawal", #"{"reason": " "}"#)
            #expect(noReason.status == .unprocessableContent)
            let withdrawn = try await officer.post(
                "/api/v1/documents/\(documentID)/withdrawal", #"{"reason": "wrong file", "purge": true}"#)
            #expect(withdrawn.status == .ok, "\(withdrawn.body)")
            #expect(withdrawn.object["withdrawalReason"] as? String == "wrong file")
            #expect(withdrawn.object["purged"] as? Bool == true && withdrawn.object["download"] == nil)
        }
    }

    /// Any Unicode as the file's name and as the withdrawal's reason: the name is stored cleaned or refused for
    /// having no letter or digit, the reason stored as checked text or refused naming it; never a server error.
    @Test(arguments: TestEngine.all)
    func anyUnicodeFileNameOrWithdrawalReasonIsStoredCleanedOrRefusedWithAReason(engine: TestEngine) async throws {
        let (commissioning, app, id) = try await server(engine)
        try await app.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            await propertyCheck(count: 15, input: HostileText.text) { text in
                let before = Set(try await commissioning.documents(of: id, by: "cumbria.officer").map(\.id))
                let page = try await officer.upload(
                    "/decisions/\(id)/documents", fields: [("kind", "other"), ("part", "2")],
                    file: (text, Self.pdf))
                let new = try await commissioning.documents(of: id, by: "cumbria.officer").filter {
                    !before.contains($0.id)
                }
                if let cleaned = try? DocumentRules.cleanName(text) {
                    #expect(page.status == .seeOther, "\(text.debugDescription): \(page.status)")
                    #expect(new.count == 1 && new.first?.name == cleaned, "\(text.debugDescription)")
                } else {
                    #expect(page.status == .unprocessableContent, "\(text.debugDescription)")
                    #expect(page.body.contains("he file name has no letters or digits"), "\(text.debugDescription)")
                    #expect(new.isEmpty)
                }
                guard let document = new.first else { return }
                let withdraw = try await officer.post(
                    "/decisions/\(id)/documents/withdraw", ["document": document.id, "reason": text])
                let stored = try await commissioning.documents(of: id, by: "cumbria.officer").first {
                    $0.id == document.id
                }
                // Foundation's percent-decoding reads the field's bytes as UTF-8 and, as it does for any text, drops
                // one byte order mark at its very start: the reason received is the text without it.
                let received = text.hasPrefix("\u{FEFF}") ? String(text.unicodeScalars.dropFirst()) : text
                let trimmed = received.trimmingCharacters(in: .whitespacesAndNewlines)
                if !trimmed.isEmpty, let expected = try? TextField.normalized(trimmed, field: "reason", kind: .short) {
                    #expect(withdraw.status == .seeOther, "\(text.debugDescription): \(withdraw.status)")
                    #expect(stored?.withdrawalReason == expected, "\(text.debugDescription)")
                } else {
                    #expect(withdraw.status == .unprocessableContent, "\(text.debugDescription): \(withdraw.status)")
                    #expect(stored?.withdrawnAt == nil)
                }
            }
        }
    }

    @Test func aContentDispositionsNamesAreReadQuotedEscapedOrExtended() {
        #expect(
            MultipartUpload.disposition(#"form-data; name="file"; filename="a \"b\"; c.pdf""#) == (
                "file", #"a "b"; c.pdf"#
            ))
        #expect(MultipartUpload.disposition("form-data; name=kind") == ("kind", nil))
        #expect(
            MultipartUpload.disposition(
                #"form-data; name="file"; filename="x.pdf"; filename*=UTF-8''%C3%89t%C3%A9.pdf"#)
                == ("file", "Été.pdf"))
        #expect(MultipartUpload.boundary("multipart/form-data; boundary=\"a b\"") == "a b")
        #expect(MultipartUpload.boundary("multipart/form-data") == nil)
        #expect(MultipartUpload.boundary("application/x-www-form-urlencoded; boundary=x") == nil)
        #expect(MultipartUpload.boundary("multipart/form-data; boundary=" + String(repeating: "x", count: 71)) == nil)
    }
}
