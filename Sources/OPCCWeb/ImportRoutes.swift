import Foundation
import Hummingbird
import NIOFileSystem
import OPCCCore
import OPCCServices

extension Web {
    /// The import pages: `/import` (choose a kind and a CSV file), its preview (a dry run: the rows that would be
    /// written and every error by row and column), and `/import/confirm`, which imports the file kept since the
    /// preview in one transaction.
    func addImportRoutes(to router: RouterGroup<WebContext>) {
        router.get("/import") { _, context -> Response in
            try importFormPage(context: context)
        }
        router.post("/import") { request, context -> Response in
            try await previewImport(request, context)
        }
        router.post("/import/confirm") { request, context -> Response in
            try await confirmImport(request, context)
        }
    }

    struct ImportKindChoice: Encodable {
        let value: String
        let label: String
        let columns: String
        let checked: Bool
    }

    struct ImportFormModel: Encodable {
        let errors: [FieldError]
        let fe: [String: String]
        let kinds: [ImportKindChoice]
        let limit: String
        let maximumRows: String
    }

    static func importLabel(_ kind: ImportKind) -> String {
        switch kind {
        case .decisions: return "A historic decisions register"
        case .people: return "People and their roles"
        case .grants: return "Budgets, allocations and grant agreements"
        }
    }

    func importFormPage(
        context: WebContext, errors: [FieldError] = [], kind: String? = nil, status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let model = ImportFormModel(
            errors: errors, fe: fieldErrors(errors),
            kinds: ImportKind.allCases.map {
                ImportKindChoice(
                    value: $0.rawValue, label: Self.importLabel($0), columns: $0.columns.help,
                    checked: $0.rawValue == kind)
            }, limit: megabytes(Int64(ImportTable.maximumBytes)), maximumRows: "\(ImportTable.maximumRows)")
        return try pages.page(
            "import", title: (errors.isEmpty ? "" : "Error: ") + "Import from a spreadsheet", model: model,
            context: context, status: status)
    }

    struct ImportPreviewModel: Encodable {
        struct Row: Encodable {
            let row: Int
            let summary: String
        }
        struct Problem: Encodable {
            let row: Int
            let column: String
            let message: String
        }
        let outcome: String
        let source: String
        let encoding: String
        let sha256: String
        let rowCount: Int
        let errors: [Problem]
        let errorCount: Int
        let accepted: [Row]
        let acceptedCount: Int
        let shown: Int
        let more: Bool
        let canSkip: Bool
        let canConfirm: Bool
        let skipInvalid: Bool
        let confirmLabel: String
        let token: String

        init(_ report: ImportReport, token: String, limit: Int = 200) {
            outcome = report.outcome
            source = report.source
            encoding = report.encoding
            sha256 = report.sha256
            rowCount = report.rowCount
            errors = report.errors.map { Problem(row: $0.row, column: $0.column ?? "(the row)", message: $0.message) }
            errorCount = report.errors.count
            accepted = report.accepted.prefix(limit).map { Row(row: $0.row, summary: $0.summary) }
            acceptedCount = report.accepted.count
            shown = accepted.count
            more = report.accepted.count > limit
            canSkip = !report.errors.isEmpty && !report.accepted.isEmpty
            canConfirm = !report.accepted.isEmpty
            skipInvalid = canSkip
            confirmLabel =
                canSkip
                ? "Import the \(report.accepted.count) valid row(s) and skip the others"
                : "Import \(report.accepted.count) row(s)"
            self.token = token
        }
    }

    /// What the preview keeps of an upload until it is confirmed: who uploaded it in which session, the kind and
    /// the file's name. The file itself is beside it, named by the same random token.
    struct PendingImport: Codable {
        let user: String
        let session: String
        let kind: ImportKind
        let source: String
        let created: Date
    }

    /// The folder of uploads waiting for confirmation (readable by this user only); an hour old, they are removed.
    static let pendingImports: URL = FileManager.default.temporaryDirectory.appendingPathComponent(
        "opcc-imports-\(getuid())")

    static func sessionDigest(_ context: WebContext) -> String {
        ImportTable.sha256Hex(Array((context.session?.csrf ?? "").utf8))
    }

    static func removeStalePendingImports() {
        let folder = pendingImports
        let old = Date().addingTimeInterval(-3600)
        for url in (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? [] {
            let modified = (try? FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate]) as? Date
            if let modified, modified < old { try? FileManager.default.removeItem(at: url) }
        }
    }

    /// The upload: the file read (within the import limit), the token checked, a dry run shown as the preview.
    func previewImport(_ request: Request, _ context: WebContext) async throws -> Response {
        let user = try context.signedIn()
        return try await FileSystem.shared.withTemporaryDirectory { _, directory in
            let upload: MultipartUpload
            do {
                upload = try await MultipartUpload.read(
                    request.body, contentType: request.headers[.contentType],
                    contentLength: request.headers[.contentLength].flatMap { Int64($0) },
                    fileLimitBytes: Int64(ImportTable.maximumBytes), into: directory)
            } catch let refusal as MultipartRefusal {
                let status: HTTPResponse.Status = if case .tooLarge = refusal { .contentTooLarge } else { .badRequest }
                return try importFormPage(
                    context: context, errors: [FieldError(field: "import-file", message: refusal.message)],
                    status: status)
            }
            try checkFormToken(upload.fields["csrf"], context)
            var errors: [FieldError] = []
            let kind = upload.text("kind").flatMap(ImportKind.init(rawValue:))
            if kind == nil { errors.append(FieldError(field: "import-kind", message: "choose what the file holds")) }
            let file = upload.file.flatMap { $0.sizeBytes > 0 ? $0 : nil }
            if file == nil { errors.append(FieldError(field: "import-file", message: "choose the CSV file to import")) }
            guard let kind, let file else {
                return try importFormPage(
                    context: context, errors: errors, kind: upload.text("kind"), status: .unprocessableContent)
            }
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file.path)))
            let source = file.filename.map { ($0 as NSString).lastPathComponent } ?? "upload.csv"
            let token = randomToken()
            return try await formAct(
                correctable: { status, _ in status != .forbidden }, field: { _ in "import-file" },
                rerender: { errors, status in
                    try importFormPage(context: context, errors: errors, kind: kind.rawValue, status: status)
                }
            ) {
                let table = try ImportTable.read(bytes, source: source, spec: kind.columns)
                let office = try await importOffice(user)
                let report = try await app.importFile(
                    kind, table, office: office, by: user, options: ImportOptions(dryRun: true))
                if !report.accepted.isEmpty {
                    try Self.keepPendingImport(
                        bytes, token: token,
                        PendingImport(
                            user: user, session: Self.sessionDigest(context), kind: kind, source: source,
                            created: Date()))
                }
                return try pages.page(
                    "import-preview", title: (report.errors.isEmpty ? "" : "Error: ") + "Check the import",
                    model: ImportPreviewModel(report, token: token), context: context, back: "/import",
                    status: report.errors.isEmpty ? .ok : .unprocessableContent)
            }
        }
    }

    static func keepPendingImport(_ bytes: [UInt8], token: String, _ pending: PendingImport) throws {
        removeStalePendingImports()
        try FileManager.default.createDirectory(
            at: pendingImports, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let encoder = JSONEncoder()
        try Data(bytes).write(to: pendingImports.appendingPathComponent(token + ".csv"))
        try encoder.encode(pending).write(to: pendingImports.appendingPathComponent(token + ".json"))
    }

    /// The office whose data the signed-in person imports: their own.
    func importOffice(_ user: String) async throws -> String {
        guard let person = try await app.person(named: user) else {
            throw ServiceRefusal.forbidden(rule: .roleRequired, message: "no person '\(user)'")
        }
        return person.office
    }

    /// The confirmation: the file kept since the preview (by its token, for the same person and session) imported
    /// for real, in one transaction; the kept file is removed whatever happens.
    func confirmImport(_ request: Request, _ context: WebContext) async throws -> Response {
        let form = try await form(request, context)
        let user = try context.signedIn()
        guard let token = form.text("token"), token.count == 64, token.allSatisfy(\.isHexDigit) else {
            return try importFormPage(
                context: context,
                errors: [FieldError(field: "import-file", message: "the preview has expired: choose the file again")],
                status: .unprocessableContent)
        }
        let csv = Self.pendingImports.appendingPathComponent(token + ".csv")
        let meta = Self.pendingImports.appendingPathComponent(token + ".json")
        // Another person's (or another session's) token is as good as none, and leaves their file alone.
        guard let data = try? Data(contentsOf: meta),
            let pending = try? JSONDecoder().decode(PendingImport.self, from: data), pending.user == user,
            pending.session == Self.sessionDigest(context)
        else {
            return try importFormPage(
                context: context,
                errors: [FieldError(field: "import-file", message: "the preview has expired: choose the file again")],
                status: .unprocessableContent)
        }
        defer {
            try? FileManager.default.removeItem(at: csv)
            try? FileManager.default.removeItem(at: meta)
        }
        guard pending.created > Date().addingTimeInterval(-3600), let bytes = try? Data(contentsOf: csv) else {
            return try importFormPage(
                context: context,
                errors: [FieldError(field: "import-file", message: "the preview has expired: choose the file again")],
                status: .unprocessableContent)
        }
        return try await formAct(
            correctable: { status, _ in status != .forbidden }, field: { _ in "import-file" },
            rerender: { errors, status in
                try importFormPage(context: context, errors: errors, kind: pending.kind.rawValue, status: status)
            }
        ) {
            let table = try ImportTable.read([UInt8](bytes), source: pending.source, spec: pending.kind.columns)
            let report = try await app.importFile(
                pending.kind, table, office: try await importOffice(user), by: user,
                options: ImportOptions(skipInvalid: form["skip"] == "1"))
            guard report.written else {
                return try pages.page(
                    "import-preview", title: "Error: Check the import", model: ImportPreviewModel(report, token: ""),
                    context: context, back: "/import", status: .unprocessableContent)
            }
            return try pages.page(
                "import-done", title: "Imported", model: ImportPreviewModel(report, token: ""), context: context,
                back: "/import")
        }
    }
}
