import Foundation
import Hummingbird
import NIOFileSystem
import OPCCCore
import OPCCServices

extension API {
    /// Documents on decision records: attaching a file (multipart/form-data), the list, and withdrawing one.
    static let documentOperations: [APIOperation] = [
        APIOperation(
            method: .post, path: "/api/v1/decisions/{id}/documents", operationID: "attachDocument", tag: "documents",
            summary: "Attach a file to a decision record (multipart/form-data), sealed by its SHA-256.",
            description: """
                The body is multipart/form-data with the file in the field `file` and the fields `kind` and `part`; \
                `replaces` names the document this one is a new version of, `name` the name to show (default: the \
                file's own name, cleaned). The body is read as it arrives, the file written to a temporary file, \
                never held in memory; a body larger than the server's document limit (opcc serve \
                --document-limit-mb, 25 MB by default) plus 64 KB for the fields is refused with 413 body-size. The \
                type is read from the content: PDF, PNG, JPEG, CSV, plain text, Word, Excel and OpenDocument; HTML, \
                SVG, other archives and macro-enabled files are refused (422) and nothing is attached. The office's \
                officers, chief executive and Commissioner attach.
                """,
            upload: uploadBody, response: S.ref("Document"), status: .created
        ) { call in
            guard let upload = call.upload else { throw APIProblem.field("file", "is required") }
            let document = try await call.app.attachDocument(
                to: call.id(), try Web.documentUpload(upload, limitBytes: call.documentLimitBytes), by: call.actor)
            return .one(DocumentJSON(document))
        },
        APIOperation(
            method: .get, path: "/api/v1/decisions/{id}/documents", operationID: "listDecisionDocuments",
            tag: "documents",
            summary: "A decision record's documents as the caller may see them.",
            description: """
                The office's staff see every version and withdrawal; a Part 2 document only its Part 2 readers; \
                anyone else the current Part 1 documents of a published record. Download a file at `download` \
                (GET /documents/{id}, always as an attachment; a Part 2 read is audited).
                """,
            response: S.ref("Document"), paginated: true
        ) { call in
            .list(try await call.app.documents(of: call.id(), by: call.actor).map(DocumentJSON.init))
        },
        APIOperation(
            method: .post, path: "/api/v1/documents/{id}/withdrawal", operationID: "withdrawDocument",
            tag: "documents",
            summary: "Withdraw a document, with the reason: it leaves every public place at once.",
            description: """
                `purge` also removes its bytes (unless another document holds the same bytes), for the office's \
                Part 2 readers only; the record of the document, its hash and the reason stay.
                """,
            body: S.object(
                [
                    ("reason", S.string("Why the document is withdrawn.")),
                    ("purge", S.boolean("Remove the bytes too (the office's Part 2 readers only).")),
                ], required: ["reason"], closed: true),
            response: S.ref("Document")
        ) { call in
            .one(
                DocumentJSON(
                    try await call.app.withdrawDocument(
                        call.id(), reason: try call.requiredText("reason"), purge: call.bool("purge") ?? false,
                        by: call.actor)))
        },
    ]

    /// The upload's multipart/form-data fields.
    static let uploadBody = S.object(
        [
            ("file", .map([("type", .string("string")), ("format", .string("binary"))])),
            (
                "kind",
                S.oneOf(
                    DocumentRecordKind.decision.kinds.map(\.rawValue) + ["eia", "pid"],
                    "What the document is (eia and pid are short for equality-impact-assessment and "
                        + "project-initiation-document).")
            ),
            ("part", S.oneOf(["1", "2"], "1: published with the decision; 2: confidential, for its readers only.")),
            ("replaces", S.string("The id of the document this one is a new version of.")),
            ("name", S.string("The name to show (default: the file's own name); cleaned.")),
        ], required: ["file", "kind", "part"], closed: true, description: "A file and what it is.")

    static let documentSchemas: [(String, Node)] = [
        (
            "Document",
            APISchemas.answer(
                [
                    ("id", S.string()), ("office", S.string()), ("record", S.string("The decision record's id.")),
                    ("kind", S.string()), ("part", S.integer("1 or 2.", minimum: 1, maximum: 2)),
                    ("name", S.string("The cleaned file name.")), ("type", S.string("pdf, png, jpeg, csv, text, …")),
                    ("mediaType", S.string()), ("sizeBytes", S.integer(minimum: 1)),
                    ("sha256", S.string("The SHA-256 of the bytes, in hex.")), ("uploadedBy", S.string()),
                    ("attachedAt", S.string()), ("supersedes", S.string()), ("supersededBy", S.string()),
                    ("withdrawnAt", S.string()), ("withdrawnBy", S.string()), ("withdrawalReason", S.string()),
                    ("purged", S.boolean()), ("current", S.boolean("Neither replaced nor withdrawn.")),
                    ("download", S.string("Where the file is downloaded (absent once purged).")),
                ],
                required: [
                    "id", "office", "record", "kind", "part", "name", "type", "mediaType", "sizeBytes", "sha256",
                    "uploadedBy", "attachedAt", "purged", "current",
                ], "A document attached to a decision record.")
        )
    ]
}

/// A document as the API answers it.
struct DocumentJSON: Encodable {
    let id, office, record, kind: String
    let part: Int
    let name, type, mediaType: String
    let sizeBytes: Int64
    let sha256, uploadedBy, attachedAt: String
    let supersedes, supersededBy, withdrawnAt, withdrawnBy, withdrawalReason: String?
    let purged, current: Bool
    let download: String?

    init(_ document: StoredDocument) {
        id = document.id
        office = document.office
        record = document.recordID
        kind = document.kind.rawValue
        part = document.part.rawValue
        name = document.name
        type = document.type.rawValue
        mediaType = document.type.mediaType
        sizeBytes = document.sizeBytes
        sha256 = document.sha256
        uploadedBy = document.uploadedBy
        attachedAt = document.attachedAt
        supersedes = document.supersedes
        supersededBy = document.supersededBy
        withdrawnAt = document.withdrawnAt
        withdrawnBy = document.withdrawnBy
        withdrawalReason = document.withdrawalReason
        purged = document.purged
        current = document.isCurrent
        download = document.purged ? nil : "/documents/\(document.id)"
    }
}

extension Web {
    /// An upload's body read within the document limit, its text fields checked against the operation's schema as a
    /// JSON body's are (the file part counts as the field `file`).
    func checkedUpload(_ request: Request, schema: Node, into directory: FilePath) async throws -> MultipartUpload {
        let upload: MultipartUpload
        do { upload = try await readUpload(request, into: directory) } catch let refusal as MultipartRefusal {
            switch refusal {
            case .tooLarge: throw APIProblem(.contentTooLarge, rule: "body-size", detail: refusal.message)
            case .notMultipart, .malformed:
                throw APIProblem(.badRequest, rule: "valid-multipart", detail: refusal.message)
            case .fieldsTooLarge, .unexpectedFile:
                throw APIProblem(.unprocessableContent, rule: "valid-request-body", detail: refusal.message)
            }
        }
        var fields = upload.fields.mapValues(JSONValue.string)
        if upload.file != nil { fields["file"] = .string("(the file)") }
        let problems = SchemaChecker(components: OpenAPIDocument.schemas).problems(
            .object(fields), against: schema.nonBlankStrings, at: "body")
        guard problems.isEmpty else {
            throw APIProblem(
                .unprocessableContent, rule: "valid-request-body", detail: problems.joined(separator: "; "),
                errors: problems.map { ("valid-request-body", $0) })
        }
        return upload
    }
}
