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
        @OptionGroup var document: DocumentFileOptions
        @Option(help: "1 (published with the decision) or 2 (confidential).") var part: Int
        @OptionGroup var global: GlobalOptions

        func validate() throws {
            guard DocumentPart(rawValue: part) != nil else { throw ValidationError("--part: 1 or 2") }
        }

        func run() async throws {
            try await document.attach(
                to: .decision(record, office: global.office), part: DocumentPart(rawValue: part)!, global: global)
        }
    }

    struct Documents: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a decision record's documents (without --as: the public's view).",
            discussion: "Example: opcc decision documents 014/2016 --office cumbria --as cumbria.officer")
        @Argument(help: "The record.") var record: String
        @OptionGroup var global: GlobalOptions

        func run() async throws { try await listDocuments(of: .decision(record, office: global.office), global) }
    }

    struct Document: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Save a document's file (a Part 2 one only for the office's Part 2 readers; each read audited).",
            discussion: "Example: opcc decision document cumbria-DR-0001-D1 --out case.pdf --as cumbria.officer")
        @OptionGroup var save: DocumentSaveOptions

        func run() async throws { try await save.save() }
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
        @OptionGroup var withdrawal: DocumentWithdrawalOptions

        func run() async throws { try await withdrawal.withdraw() }
    }
}
