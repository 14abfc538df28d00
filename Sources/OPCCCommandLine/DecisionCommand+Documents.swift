import ArgumentParser
import Foundation
import OPCCCore
import OPCCServices

/// `opcc decision attach|documents|document|withdraw-document`: the papers behind a decision record.
extension DecisionCommand {
    struct Attach: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Attach a file to a decision record (PDF, PNG, JPEG, CSV, text, Word, Excel, OpenDocument).",
            discussion: """
                The type is read from the content, never the name; macro-enabled files are refused; the limit is 25 MB \
                unless --max-mb says otherwise. KIND: signed-form, business-case, eia (equality-impact-assessment), \
                risk-assessment, pid (project-initiation-document), media-strategy, background-paper, other. Part 1 \
                documents are published with the decision; Part 2 ones are read only by the office's Part 2 readers.
                Example: opcc decision attach 014/2016 business-case.pdf --kind business-case --part 1 --office cumbria \
                --as cumbria.officer
                """)
        @Argument(help: "The record.") var record: String
        @Argument(help: "The file.") var file: String
        @Option(help: "What the document is.") var kind: String
        @Option(help: "1 (published with the decision) or 2 (confidential).") var part: Int
        @Option(help: "The name to show (default: the file's name, cleaned).") var name: String?
        @Option(help: "The id of the document this is a new version of.") var replacing: String?
        @Option(name: .customLong("max-mb"), help: "The size limit in megabytes (default 25).") var maxMB: Int?
        @OptionGroup var global: GlobalOptions

        func validate() throws {
            guard DocumentKind(named: kind) != nil else {
                throw ValidationError(
                    "--kind: one of " + DocumentKind.allCases.map(\.rawValue).joined(separator: ", ") + ", eia, pid")
            }
            guard DocumentPart(rawValue: part) != nil else { throw ValidationError("--part: 1 or 2") }
            if let maxMB, maxMB < 1 { throw ValidationError("--max-mb: a whole number of megabytes, 1 or more") }
        }

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                let upload = Commissioning.DocumentUpload(
                    file: URL(fileURLWithPath: file), name: name, kind: DocumentKind(named: kind)!,
                    part: DocumentPart(rawValue: part)!, replacing: replacing,
                    sizeLimitBytes: maxMB.map { Int64($0) * 1024 * 1024 } ?? DocumentRules.defaultSizeLimitBytes)
                let document = try await app.attachDocument(
                    to: record, office: global.office, upload, by: try global.actorName(),
                    on: try global.effectiveDay())
                printLine(
                    "attached \(document.id): \(document.name) (\(document.type.label), \(document.sizeBytes) bytes, "
                        + "Part \(document.part.rawValue)), SHA-256 \(document.sha256)")
            }
        }
    }

    struct Documents: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a decision record's documents (without --as: the public's view).",
            discussion: "Example: opcc decision documents 014/2016 --office cumbria --as cumbria.officer")
        @Argument(help: "The record.") var record: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                let documents = try await app.documents(
                    of: record, office: global.office, by: global.optionalActorName)
                for d in documents {
                    var line = "\(d.id)  Part \(d.part.rawValue)  \(d.kind.rawValue)  \(d.name)  \(d.type.label)  "
                    line += "\(d.sizeBytes) bytes  \(d.sha256)"
                    if let newer = d.supersededBy { line += "  (replaced by \(newer))" }
                    if let reason = d.withdrawalReason {
                        line += "  (withdrawn: \(reason)\(d.purged ? "; purged" : ""))"
                    }
                    printLine(line)
                }
            }
        }
    }

    struct Document: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Save a document's file (a Part 2 one only for the office's Part 2 readers; each read audited).",
            discussion: "Example: opcc decision document cumbria-DR-0001-D1 --out case.pdf --as cumbria.officer")
        @Argument(help: "The document's id.") var id: String
        @Option(help: "The file to write (must not exist).") var out: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
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

    struct WithdrawDocument: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "withdraw-document",
            abstract: "Withdraw a document with a reason (it leaves every public place; --purge removes its bytes).",
            discussion: """
                --purge is for the office's Part 2 readers (a Part 1 file found to hold personal data): the bytes are \
                removed, the hash and the reason stay.
                Example: opcc decision withdraw-document cumbria-DR-0001-D1 --reason "holds a home address" \
                --as cumbria.officer
                """)
        @Argument(help: "The document's id.") var id: String
        @Option(help: "Why it is withdrawn.") var reason: String
        @Flag(help: "Remove its bytes as well.") var purge = false
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                let document = try await app.withdrawDocument(
                    id, reason: reason, purge: purge, by: try global.actorName(), on: try global.effectiveDay())
                printLine("withdrew \(document.id)\(document.purged ? " and purged its bytes" : "")")
            }
        }
    }
}

/// A file handle written from the download's chunks, one at a time.
private final class WriteSink: @unchecked Sendable {
    let handle: FileHandle
    init(_ handle: FileHandle) { self.handle = handle }
    func write(_ data: Data) throws { try handle.write(contentsOf: data) }
}
