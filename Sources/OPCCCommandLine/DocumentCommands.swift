import ArgumentParser
import Foundation
import OPCCCore
import OPCCServices

/// What the document commands of every record share: the file to attach and its kind, the withdrawal, the saved
/// copy and the listing's line. `opcc decision attach …` and the other records' `attach|documents|document|
/// withdraw-document` (`RecordDocumentCommands`) are built from them.
struct DocumentFileOptions: ParsableArguments {
    @Argument(help: "The file.") var file: String
    @Option(help: "What the document is.") var kind: String
    @Option(help: "The name to show (default: the file's name, cleaned).") var name: String?
    @Option(help: "The id of the document this is a new version of.") var replacing: String?
    @Option(name: .customLong("max-mb"), help: "The size limit in megabytes (default 25).") var maxMB: Int?

    func validate() throws {
        guard DocumentKind(named: kind) != nil else {
            throw ValidationError(
                "--kind: one of " + DocumentKind.allCases.map(\.rawValue).joined(separator: ", ") + ", eia, pid")
        }
        if let maxMB, maxMB < 1 { throw ValidationError("--max-mb: a whole number of megabytes, 1 or more") }
    }

    /// Attaches the file to `record` as `part` and prints what was stored.
    func attach(to record: Commissioning.DocumentRecordRef, part: DocumentPart, global: GlobalOptions) async throws {
        try await runReportingRefusals {
            let app = try global.open()
            let upload = Commissioning.DocumentUpload(
                file: URL(fileURLWithPath: file), name: name, kind: DocumentKind(named: kind)!, part: part,
                replacing: replacing,
                sizeLimitBytes: maxMB.map { Int64($0) * 1024 * 1024 } ?? DocumentRules.defaultSizeLimitBytes)
            let document = try await app.attachDocument(
                to: record, upload, by: try global.actorName(), on: try global.effectiveDay())
            printLine(
                "attached \(document.id): \(document.name) (\(document.type.label), \(document.sizeBytes) bytes, "
                    + "Part \(document.part.rawValue)), SHA-256 \(document.sha256)")
        }
    }
}

/// `withdraw-document ID --reason TEXT [--purge]`.
struct DocumentWithdrawalOptions: ParsableArguments {
    @Argument(help: "The document's id.") var id: String
    @Option(help: "Why it is withdrawn.") var reason: String
    @Flag(help: "Remove its bytes as well.") var purge = false
    @OptionGroup var global: GlobalOptions

    func withdraw() async throws {
        try await runReportingRefusals {
            let app = try global.open()
            let document = try await app.withdrawDocument(
                id, reason: reason, purge: purge, by: try global.actorName(), on: try global.effectiveDay())
            printLine("withdrew \(document.id)\(document.purged ? " and purged its bytes" : "")")
        }
    }
}

/// `document ID --out FILE`: a document's bytes saved to a new file.
struct DocumentSaveOptions: ParsableArguments {
    @Argument(help: "The document's id.") var id: String
    @Option(help: "The file to write (must not exist).") var out: String
    @OptionGroup var global: GlobalOptions

    func save() async throws {
        try await runReportingRefusals {
            let app = try global.open()
            guard !FileManager.default.fileExists(atPath: out) else {
                throw ValidationError("--out: \(out) exists already")
            }
            guard FileManager.default.createFile(atPath: out, contents: nil),
                let handle = FileHandle(forWritingAtPath: out)
            else { throw ValidationError("--out: \(out) cannot be written") }
            defer { try? handle.close() }
            let sink = WriteSink(handle)
            let document = try await app.downloadDocument(
                id, by: global.optionalActorName, on: try global.effectiveDay()
            ) { try sink.write($0) }
            printLine("wrote \(out): \(document.name) (\(document.sizeBytes) bytes)")
        }
    }
}

/// A record's documents as `--as` sees them (the public without it), a line each.
func listDocuments(of record: Commissioning.DocumentRecordRef, _ global: GlobalOptions) async throws {
    try await runReportingRefusals {
        let app = try global.open()
        for d in try await app.documents(of: record, by: global.optionalActorName) { printLine(documentLine(d)) }
    }
}

/// One line of a listing: id, part, kind, name, type, size, hash, and what became of it.
func documentLine(_ d: StoredDocument) -> String {
    var line = "\(d.id)  Part \(d.part.rawValue)  \(d.kind.rawValue)  \(d.name)  \(d.type.label)  "
    line += "\(d.sizeBytes) bytes  \(d.sha256)"
    if let newer = d.supersededBy { line += "  (replaced by \(newer))" }
    if let reason = d.withdrawalReason {
        line += "  (withdrawn: \(reason)\(d.purged ? "; purged" : ""))"
    }
    return line
}

/// A file handle written from the download's chunks, one at a time.
private final class WriteSink: @unchecked Sendable {
    let handle: FileHandle
    init(_ handle: FileHandle) { self.handle = handle }
    func write(_ data: Data) throws { try handle.write(contentsOf: data) }
}

/// A command group whose record takes documents: the record kind, how the group is typed and an example id.
protocol DocumentRecordGroup {
    static var recordKind: DocumentRecordKind { get }
    /// The group's words, e.g. `finance agreement`.
    static var command: String { get }
    static var exampleID: String { get }
    static var exampleActor: String { get }
}

/// `attach`, `documents`, `document` and `withdraw-document` for a staff-only record (an agreement, a return, a
/// carry-forward, a grant application): its documents are Part 2, never published.
enum RecordDocumentCommands<Group: DocumentRecordGroup> {
    static var all: [any ParsableCommand.Type] { [Attach.self, Documents.self, Document.self, Withdraw.self] }

    struct Attach: AsyncParsableCommand {
        static var configuration: CommandConfiguration {
            let kind = Group.recordKind
            return CommandConfiguration(
                commandName: "attach",
                abstract: "Attach a file to a \(kind.label) (staff-only: never published).",
                discussion: """
                    The type is read from the content, never the name (PDF, PNG, JPEG, CSV, text, Word, Excel, \
                    OpenDocument; macro-enabled files are refused); the limit is 25 MB unless --max-mb says \
                    otherwise. KIND: \(kind.kinds.map(\.rawValue).joined(separator: ", ")). Attached by \
                    \(kind.attachers.map(\.rawValue).joined(separator: ", ")); --replacing ID for a new version.
                    Example: opcc \(Group.command) attach \(Group.exampleID) paper.pdf \
                    --kind \(kind.kinds[0].rawValue) --as \(Group.exampleActor)
                    """)
        }
        @Argument(help: "The record's id.") var record: String
        @OptionGroup var document: DocumentFileOptions
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await document.attach(
                to: .init(Group.recordKind, record, office: global.office), part: .part2, global: global)
        }
    }

    struct Documents: AsyncParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(
                commandName: "documents",
                abstract: "List a \(Group.recordKind.label)'s documents, every version and withdrawal.",
                discussion: "Example: opcc \(Group.command) documents \(Group.exampleID) --as \(Group.exampleActor)")
        }
        @Argument(help: "The record's id.") var record: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await listDocuments(of: .init(Group.recordKind, record, office: global.office), global)
        }
    }

    struct Document: AsyncParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(
                commandName: "document", abstract: "Save a document's file (the record's readers only).",
                discussion:
                    "Example: opcc \(Group.command) document \(Group.exampleID)-D1 --out paper.pdf --as "
                    + Group.exampleActor)
        }
        @OptionGroup var save: DocumentSaveOptions

        func run() async throws { try await save.save() }
    }

    struct Withdraw: AsyncParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(
                commandName: "withdraw-document",
                abstract: "Withdraw a document with a reason (--purge removes its bytes: the office's Part 2 readers).",
                discussion:
                    "Example: opcc \(Group.command) withdraw-document \(Group.exampleID)-D1 --reason \"the wrong "
                    + "file\" --as \(Group.exampleActor)")
        }
        @OptionGroup var withdrawal: DocumentWithdrawalOptions

        func run() async throws { try await withdrawal.withdraw() }
    }
}

extension FinanceCommand.Agreement: DocumentRecordGroup {
    static var recordKind: DocumentRecordKind { .agreement }
    static var command: String { "finance agreement" }
    static var exampleID: String { "leicestershire-GA-0001" }
    static var exampleActor: String { "leics.finance" }
}

extension FinanceCommand.CarryForward: DocumentRecordGroup {
    static var recordKind: DocumentRecordKind { .carryForward }
    static var command: String { "finance carry-forward" }
    static var exampleID: String { "west-midlands-CF-0001" }
    static var exampleActor: String { "wm.finance" }
}

extension RoundCommand: DocumentRecordGroup {
    static var recordKind: DocumentRecordKind { .application }
    static var command: String { "round" }
    static var exampleID: String { "cumbria-R-0001-A-001" }
    static var exampleActor: String { "barrow.youth" }
}

extension ReturnCommand: DocumentRecordGroup {
    static var recordKind: DocumentRecordKind { .quarterlyReturn }
    static var command: String { "return" }
    static var exampleID: String { "cumbria-QR-0001" }
    static var exampleActor: String { "cumbria.barrow-board" }
}
