import ArgumentParser
import Foundation
import OPCCCore
import OPCCServices

/// `opcc export office ID --out BUNDLE`: one office as a bundle another database can import (docs/office-bundle.md).
struct ExportOffice: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "office",
        abstract:
            "Write everything of one office (records, money, returns, documents, audit chain) as a bundle folder.",
        discussion: """
            The office must verify first ('opcc audit verify --office ID'). The bundle is a new folder (an existing \
            path is refused): manifest.json, tables/*.jsonl and files/ with the documents' bytes by SHA-256; \
            a path ending .zip writes them as one ZIP archive instead. \
            Passwords, sessions, API tokens, calendar feed links and one-time links are not exported: after an \
            import every person needs a password reset. The format is docs/office-bundle.md.
            Example: opcc export office cumbria --out cumbria-bundle --db opcc.sqlite
            """)
    @Argument(help: "The office's id.") var id: String
    @Option(help: "The new bundle folder, or NAME.zip for one archive (refused if it exists).") var out: String
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await runReportingRefusals {
            let app = try global.open()
            let export = try await app.exportOffice(try await app.resolveOffice(id), to: out)
            let chain = export.manifest.chain
            let rows = export.manifest.tables.reduce(0) { $0 + $1.rows }
            printLine(
                "exported \(export.manifest.office) to \(out): \(rows) rows in \(export.manifest.tables.count) "
                    + "tables, \(export.manifest.documents.count) document file(s), \(chain.events) audit events, "
                    + "head \(chain.headSequence):\(chain.headHash)")
        }
    }
}

/// `opcc import office BUNDLE`: an exported office into an empty database.
struct ImportOffice: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "office",
        abstract: "Import an office bundle ('opcc export office') into an empty database (SQLite or PostgreSQL).",
        discussion: """
            Refused, naming the file, when a file of the bundle is missing, changed or not in its manifest; refused \
            when the database already holds an office or audit events. Everything is written in one transaction, \
            checked as 'opcc audit verify' checks it before it commits, with the same records, the same audit events \
            (same numbers and hashes) and one 'office-imported' event after the exported head. Every person then \
            needs a new password ('opcc user passwd').
            Example: opcc import office cumbria-bundle --db postgres://opcc@db.example/opcc
            """)
    @Argument(help: "The bundle folder, or its .zip archive.") var bundle: String
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await runReportingRefusals {
            let imported = try await global.open().importOffice(from: bundle)
            let chain = imported.manifest.chain
            printLine(
                "imported \(imported.manifest.office) from \(bundle): \(imported.verification.eventsChecked) audit "
                    + "events, exported head \(chain.headSequence):\(chain.headHash) verified, office-imported event "
                    + "\(imported.importEvent.sequence); every person needs a new password ('opcc user passwd')")
            if !imported.verification.isIntact {
                printLine("PROBLEM: " + imported.verification.problems.joined(separator: "; "))
                throw ExitCode(1)
            }
        }
    }
}
