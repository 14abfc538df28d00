import Foundation
import Hummingbird
import NIOFileSystem
import OPCCCore
import OPCCServices

extension Web {
    /// The pages that carry the document forms, by the path their record's id follows.
    static let documentFormPages: [(path: String, kind: DocumentRecordKind)] = [
        ("/decisions", .decision), ("/grants", .agreement), ("/returns", .quarterlyReturn),
        ("/finance/carry-forwards", .carryForward), ("/applications", .application),
    ]

    /// The document forms of a decision record, a grant agreement, a quarterly return and a carry-forward:
    /// attaching a file (a multipart/form-data body, streamed to a temporary file as it arrives, then checked and
    /// stored by the services) and withdrawing a document. A carry-forward's are on a page of their own.
    func addDocumentFormRoutes(to router: RouterGroup<WebContext>) {
        for (path, kind) in Self.documentFormPages {
            // The router matches these constants before `/decisions/:id/:step` and the like.
            router.post("\(path)/:id/documents") { request, context -> Response in
                try await attachFromForm(request, context, kind: kind)
            }
            router.post("\(path)/:id/documents/withdraw") { request, context -> Response in
                try await withdrawFromForm(request, context, kind: kind)
            }
        }
        router.get("/finance/carry-forwards/:id/documents") { _, context -> Response in
            try await carryForwardDocumentsPage(
                try context.parameters.require("id"), user: try context.signedIn(), context: context)
        }
        router.get("/applications/:id/documents") { _, context -> Response in
            try await applicationDocumentsPage(
                try context.parameters.require("id"), user: try context.signedIn(), context: context)
        }
    }

    /// The page of the record `ref` names (a carry-forward's and an application's: its documents' own page).
    static func documentPagePath(_ ref: DocumentRecordRef) -> String {
        let path = "\(documentFormPages.first { $0.kind == ref.kind }?.path ?? "/decisions")/\(ref.reference)"
        return hasOwnDocumentsPage(ref.kind) ? path + "/documents" : path
    }

    /// Where a record's document forms post.
    static func documentFormsPath(_ ref: DocumentRecordRef) -> String {
        hasOwnDocumentsPage(ref.kind) ? documentPagePath(ref) : documentPagePath(ref) + "/documents"
    }

    static func hasOwnDocumentsPage(_ kind: DocumentRecordKind) -> Bool {
        kind == .carryForward || kind == .application
    }

    /// The page of the record `ref` names again, with a refused document form's errors and what was entered.
    func documentFormPage(
        _ ref: DocumentRecordRef, user: String, context: WebContext, errors: [FieldError],
        entered: [String: String], status: HTTPResponse.Status
    ) async throws -> Response {
        let id = ref.reference
        switch ref.kind {
        case .decision:
            return try await decisionPage(
                id, user: user, context: context, errors: errors, entered: entered, status: status)
        case .agreement:
            return try await grantPage(
                id, user: user, context: context, errors: errors, documentFields: entered, status: status)
        case .quarterlyReturn:
            return try await returnPage(
                id, user: user, context: context, errors: errors, documentFields: entered, status: status)
        case .carryForward:
            return try await carryForwardDocumentsPage(
                id, user: user, context: context, errors: errors, entered: entered, status: status)
        case .application:
            return try await applicationDocumentsPage(
                id, user: user, context: context, errors: errors, entered: entered, status: status)
        }
    }

    /// A grant application's documents (issue 29): the list for its readers (its organisation, the round's officers,
    /// its assessors who declared no conflict) and, for its applicants while it is a draft, the forms. Anyone else
    /// finds no such page.
    func applicationDocumentsPage(
        _ id: String, user: String, context: WebContext, errors: [FieldError] = [], entered: [String: String] = [:],
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let ref = DocumentRecordRef(.application, id)
        let documents = try await found { try await app.documents(of: ref, by: user) }
        let application = try await found { try await app.application(id, by: user) }
        let model = ApplicationDocumentsPage(
            id: id, title: application.draft.title.isEmpty ? id : application.draft.title,
            application: "/applications/\(id)", errors: errors, documents: documents.map(DocumentLink.init),
            documentForms: try await documentForms(ref, user: user, errors: errors, entered: entered))
        let menu = try await partnerMenu(user)
        return try pages.page(
            "application-documents", title: (errors.isEmpty ? "" : "Error: ") + "Documents of application \(id)",
            model: model, context: context, back: menu == nil ? nil : "/applications/\(id)", status: status,
            menu: menu)
    }

    /// A carry-forward request's documents, and the forms for its attachers (a page of its own: its row on
    /// `/finance/carry-forwards` links to it).
    func carryForwardDocumentsPage(
        _ id: String, user: String, context: WebContext, errors: [FieldError] = [], entered: [String: String] = [:],
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let ref = DocumentRecordRef(.carryForward, id)
        let documents = try await found { try await app.documents(of: ref, by: user) }
        let model = CarryForwardDocumentsPage(
            id: id, errors: errors, documents: documents.map(DocumentLink.init),
            documentForms: try await documentForms(ref, user: user, errors: errors, entered: entered))
        return try pages.page(
            "carry-forward-documents", title: (errors.isEmpty ? "" : "Error: ") + "Documents of carry-forward \(id)",
            model: model, context: context, back: "/finance/carry-forwards", status: status)
    }

    /// Which field of the attach form a refusal's rule is about (the rest: the file).
    static let attachFields: [String: String] = [
        "known-document": "documents-replaces", "document-current": "documents-replaces",
    ]

    /// The attach form: the body is read into a temporary directory (removed whatever happens), its token checked
    /// like any form's, then the services check and store the file. A body over the limit is the page again with
    /// 413 and the limit; a refused file is the page again with the reason (422); nothing is attached either way.
    func attachFromForm(
        _ request: Request, _ context: WebContext, kind: DocumentRecordKind
    ) async throws -> Response {
        let user = try context.signedIn()
        let ref = DocumentRecordRef(kind, try context.parameters.require("id"))
        let again = { (errors: [FieldError], entered: [String: String], status: HTTPResponse.Status) in
            try await documentFormPage(
                ref, user: user, context: context,
                errors: errors.map { FieldError(field: $0.field, message: $0.message, step: Self.attachStep) },
                entered: entered, status: status)
        }
        return try await FileSystem.shared.withTemporaryDirectory { _, directory in
            let upload: MultipartUpload
            do {
                upload = try await readUpload(request, into: directory)
            } catch let refusal as MultipartRefusal {
                // The page again, changing nothing; its token was not read, and showing the page changes nothing.
                let status: HTTPResponse.Status = if case .tooLarge = refusal { .contentTooLarge } else { .badRequest }
                return try await again([FieldError(field: "documents-file", message: refusal.message)], [:], status)
            }
            try checkFormToken(upload.fields["csrf"], context)
            return try await formAct(
                correctable: { status, details in
                    status != .forbidden
                        && (status != .notFound || details.allSatisfy { Self.attachFields[$0.rule] != nil })
                }, field: Self.attachField,
                rerender: { errors, status in try await again(errors, upload.fields, status) }
            ) {
                let upload = try Self.documentUpload(
                    upload, limitBytes: documentLimitBytes, fixedPart: kind.publishes ? nil : .part2)
                _ = try await app.attachDocument(to: ref, upload, by: user)
                return .redirect(to: Self.documentPagePath(ref), type: .normal)
            }
        }
    }

    /// The attach form's field a refusal is about: by its rule, else the field its message names (`kind: …`),
    /// else the file.
    static func attachField(_ refusal: RefusalDetail) -> String {
        if let field = attachFields[refusal.rule] { return field }
        for name in ["kind", "part"] where refusal.message.hasPrefix(name + ":") { return "documents-" + name }
        return "documents-file"
    }

    /// Reads an upload's body within the limit: the document's limit and the allowance for the form's fields.
    func readUpload(_ request: Request, into directory: FilePath) async throws -> MultipartUpload {
        try await MultipartUpload.read(
            request.body, contentType: request.headers[.contentType],
            contentLength: request.headers[.contentLength].flatMap { Int64($0) },
            fileLimitBytes: documentLimitBytes, into: directory)
    }

    /// The service's upload from the form's (or the API's) fields: `kind` and `part` chosen (or the part fixed, for
    /// a staff-only record's form, which offers none), the file present; its name the `name` field's, else the one
    /// the client gave the file.
    static func documentUpload(
        _ upload: MultipartUpload, limitBytes: Int64, fixedPart: DocumentPart? = nil
    ) throws -> Commissioning.DocumentUpload {
        guard let file = upload.file, file.sizeBytes > 0 || !(file.filename ?? "").isEmpty else {
            throw ServiceRefusal(
                coreRule: DocumentRefusal.empty.rule, message: "file: choose the file to attach")
        }
        guard let kind = upload.text("kind").flatMap(DocumentKind.init(named:)) else {
            throw ServiceRefusal(rule: .validChoice, message: "kind: choose what the document is")
        }
        guard let part = fixedPart ?? upload.text("part").flatMap(Int.init).flatMap(DocumentPart.init(rawValue:))
        else {
            throw ServiceRefusal(rule: .validChoice, message: "part: choose Part 1 or Part 2")
        }
        return Commissioning.DocumentUpload(
            file: URL(fileURLWithPath: file.path), name: upload.text("name") ?? file.filename ?? "document", kind: kind,
            part: part, replacing: upload.text("replaces"), sizeLimitBytes: limitBytes)
    }

    /// Which field of the withdraw form a refusal's rule is about.
    static let withdrawFields: [String: String] = [
        "document-withdrawal-reason": "document-withdraw-reason", "known-document": "document-withdraw-document",
        "document-current": "document-withdraw-document",
    ]

    /// The withdraw form: a reason required; the purge for the office's Part 2 readers (the services check both).
    func withdrawFromForm(
        _ request: Request, _ context: WebContext, kind: DocumentRecordKind
    ) async throws -> Response {
        let form = try await form(request, context)
        let user = try context.signedIn()
        let ref = DocumentRecordRef(kind, try context.parameters.require("id"))
        return try await formAct(
            fallback: "document-withdraw-document", fields: Self.withdrawFields,
            rerender: { errors, status in
                try await documentFormPage(
                    ref, user: user, context: context,
                    errors: errors.map {
                        FieldError(field: $0.field, message: $0.message, step: Self.withdrawDocumentStep)
                    }, entered: form.fields, status: status)
            }
        ) {
            guard let document = form.text("document") else {
                throw ServiceRefusal.notFound(rule: .knownDocument, message: "document: choose the document")
            }
            _ = try await app.withdrawDocument(
                document, reason: form["reason"] ?? "", purge: form["purge"] == "1", by: user)
            return .redirect(to: Self.documentPagePath(ref), type: .normal)
        }
    }
}

extension MultipartUpload {
    /// A trimmed text field, or nil when blank.
    func text(_ name: String) -> String? {
        guard let value = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            return nil
        }
        return value
    }
}
