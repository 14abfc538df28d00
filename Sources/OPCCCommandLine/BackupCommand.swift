import ArgumentParser
import Foundation
import OPCCCore
import OPCCServices

/// `opcc backup PATH`: an online copy of the database, verified.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the database to a new file with SQLite's online backup (safe while the server runs).",
        discussion: """
            The documents' files go into the folder beside the copy (backups/opcc.files for backups/opcc.sqlite), \
            each checked against its hash. The copy's audit chain and documents are verified after it is written. \
            An existing file or folder is never overwritten.
            Example: opcc backup backups/opcc-2026-11-22.sqlite --db opcc.sqlite
            """)
    @Argument(help: "The new backup file.") var path: String
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await runReportingRefusals {
            let app = try global.open()
            let verification = try await app.backup(to: path, home: try global.locateHome())
            let files = Commissioning.defaultFilesDirectory(databasePath: path)
            printLine(
                "backed up to \(path)"
                    + (FileManager.default.fileExists(atPath: files) ? " (documents in \(files))" : "")
                    + ": \(verification.eventsChecked) audit events, head \(verification.head); "
                    + (verification.isIntact ? "chain verified" : "PROBLEM: \(verification.problems.joined())"))
            if !verification.isIntact { throw ExitCode(1) }
        }
    }
}

/// `opcc restore PATH`: put a verified backup in place of the database.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract:
            "Restore a backup as the database, refusing one whose audit log does not verify or whose books do not.",
        discussion: """
            Refused, naming what differs, when the copy's audit chains or any record's content fail 'opcc audit \
            verify', a document's file in the folder beside the backup is missing or not the one attached, or its \
            ledger fails 'opcc finance check'. The documents' files are copied into the database's folder (--files, \
            else the one beside it), each checked against its hash. The backup file is not changed. The current database, if any, is moved aside (renamed with a timestamp, \
            never deleted) before the verified copy takes its place. Stop the server first.
            Example: opcc restore backups/opcc-2026-11-22.sqlite --db opcc.sqlite
            """)
    @Argument(help: "The backup file.") var path: String
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await runReportingRefusals {
            let target = global.databasePath
            let (verification, aside) = try await Commissioning.restore(
                from: path, to: target, home: try global.locateHome(), filesDirectory: global.filesDirectory)
            if let aside { printLine("moved the old database aside to \(aside)") }
            printLine(
                "restored \(path) as \(target): \(verification.eventsChecked) audit events, head \(verification.head); "
                    + "audit chains, \(verification.recordsSealed) record seals and the books verified")
        }
    }
}
