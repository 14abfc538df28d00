import Foundation
import Hummingbird
import NIOFileSystem
import OPCCCore
import OPCCServices

extension Web {
    /// The decision page's document forms: attaching a file (a multipart/form-data body, streamed to a temporary
    /// file as it arrives, then checked and stored by the services) and withdrawing a document.
    func addDocumentFormRoutes(to router: RouterGroup<WebContext>) {
        // The router matches these constants before `/decisions/:id/:step`.
        router.post("/decisions/:id/documents") { request, context -> Response in
            try await attachFromForm(request, context)
        }
        router.post("/decisions/:id/documents/withdraw") { request, context -> Response in
            try await withdrawFromForm(request, context)
        }
    }

    /// Which field of the attach form a refusal's rule is about (the rest: the file).
    static let attachFields: [String: String] = [
        "known-document": "documents-replaces", "document-current": "documents-replaces",
    ]

    /// The attach form: the body is read into a temporary directory (removed whatever happens), its token checked
    /// like any form's, then the services check and store the file. A body over the limit is the page again with
    /// 413 and the limit; a refused file is the page again with the reason (422); nothing is attached either way.
    func attachFromForm(_ request: Request, _ context: WebContext) async throws -> Response {
        let user = try context.signedIn()
        let id = try context.parameters.require("id")
        let again = { (errors: [FieldError], entered: [String: String], status: HTTPResponse.Status) in
            try await decisionPage(
                id, user: user, context: context,
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
                _ = try await app.attachDocument(
                    to: id, try Self.documentUpload(upload, limitBytes: documentLimitBytes), by: user)
                return .redirect(to: "/decisions/\(id)", type: .normal)
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

    /// The service's upload from the form's (or the API's) fields: `kind` and `part` chosen, the file present; its
    /// name the `name` field's, else the one the client gave the file.
    static func documentUpload(_ upload: MultipartUpload, limitBytes: Int64) throws -> Commissioning.DocumentUpload {
        guard let file = upload.file, file.sizeBytes > 0 || !(file.filename ?? "").isEmpty else {
            throw ServiceRefusal(
                coreRule: DocumentRefusal.empty.rule, message: "file: choose the file to attach")
        }
        guard let kind = upload.text("kind").flatMap(DocumentKind.init(named:)) else {
            throw ServiceRefusal(rule: .validChoice, message: "kind: choose what the document is")
        }
        guard let part = upload.text("part").flatMap(Int.init).flatMap(DocumentPart.init(rawValue:)) else {
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
    func withdrawFromForm(_ request: Request, _ context: WebContext) async throws -> Response {
        let form = try await form(request, context)
        let user = try context.signedIn()
        let id = try context.parameters.require("id")
        return try await formAct(
            fallback: "document-withdraw-document", fields: Self.withdrawFields,
            rerender: { errors, status in
                try await decisionPage(
                    id, user: user, context: context,
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
            return .redirect(to: "/decisions/\(id)", type: .normal)
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
