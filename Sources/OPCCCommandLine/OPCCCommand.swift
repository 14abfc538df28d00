import ArgumentParser
import Foundation
import OPCCCore
import OPCCServices

/// `opcc`: the command-line front end. Thin: it parses, calls the application services, and prints.
public struct OPCCCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "opcc",
        abstract: "Grant and commissioning workflow engine for Offices of Police and Crime Commissioners.",
        discussion: """
            Decision records, budgets, grant agreements, carry-forwards and quarterly returns are workflows declared \
            in workflows/*.yaml and kept in SQLite with a tamper-evident audit log.

            Start with:  opcc demo          (loads the demo offices and people into opcc.sqlite)
            Then:        opcc audit verify  (checks the audit chain and every record's state)

            Exit codes: 0 success; 1 when a rule refuses or data cannot be used (the message names the rule and \
            what to do); 64 on usage errors.
            """,
        subcommands: [
            DemoCommand.self, DecisionCommand.self, FinanceCommand.self, ReturnCommand.self, DeadlinesCommand.self,
            VLICommand.self, PrioritiesCommand.self, ServeCommand.self,
            OfficeCommand.self, UserCommand.self,
            WorkflowCommand.self,
            AuditCommand.self, BackupCommand.self, RestoreCommand.self, MigrateCommand.self, ImportCommand.self,
            CalendarCommand.self, ExportCommand.self, TokenCommand.self, OpenAPICommand.self,
            NotifyCommand.self, RoundCommand.self,
        ]
    )

    public init() {}

    /// Parses the command line and awaits the command's `run()`: what `AsyncParsableCommand.main()` does, named so
    /// that `main.swift` cannot pick `ParsableCommand`'s synchronous `main()` instead (it did, from top-level code).
    public static func start() async {
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long,
        help:
            "Database: a SQLite file, or a PostgreSQL server's postgres://user@host:port/database URL (default: $OPCC_DB, else opcc.sqlite in the current directory)."
    )
    var db: String?

    @Option(
        name: .long,
        help:
            "Folder holding workflows/ and fixtures/ (default: $OPCC_HOME, the current directory, or the folders above the executable)."
    )
    var home: String?

    @Option(name: .customLong("as"), help: "Act as this person (default: $OPCC_USER).")
    var actor: String?

    @Option(name: .long, help: "Office id; may be left out when the database holds one office.")
    var office: String?

    @Option(name: .long, help: "Date the act takes effect, YYYY-MM-DD (default: today in Europe/London).")
    var on: String?

    @Option(
        name: .customLong("files"),
        help: "Folder of a SQLite database's documents (default: beside the database, opcc.sqlite → opcc.files).")
    var filesDirectory: String?

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    var databasePath: String { databaseLocation.path }

    /// The database file and where its path came from: `--db`, `OPCC_DB`, or the default.
    var databaseLocation: (path: String, source: String) {
        if let db { return (db, "--db") }
        if let fromEnvironment = environment["OPCC_DB"], !fromEnvironment.isEmpty {
            return (fromEnvironment, "OPCC_DB")
        }
        return ("opcc.sqlite", "the default")
    }

    func actorName() throws -> String {
        guard let name = optionalActorName else {
            throw ServiceRefusal.forbidden(
                rule: .actorRequired, message: "say who is acting: --as NAME or OPCC_USER=NAME ('opcc user list')")
        }
        return name
    }

    /// The person named by --as or OPCC_USER, or nil for the public (read commands that the public may use).
    var optionalActorName: String? {
        (actor ?? environment["OPCC_USER"]).flatMap { $0.isEmpty ? nil : $0 }
    }

    func effectiveDay() throws -> Day? {
        guard let on else { return nil }
        do { return try Day(iso: on) } catch { throw ValidationError("--on: \(error.description)") }
    }

    func locateHome() throws -> ProductHome { try ProductHome.locate(explicit: home) }

    /// The office `--office` names, checked against the database; nil when none is named.
    func resolvedOffice(_ app: Commissioning) async throws -> String? {
        guard let office else { return nil }
        return try await app.resolveOffice(office)
    }

    /// Opens the database, creating it when it does not exist yet. A folder that does not exist, or a file SQLite
    /// cannot open, is named with the path and where it came from (`--db`, `OPCC_DB` or the default).
    func open() throws -> Commissioning {
        let home = try locateHome()
        let (path, source) = databaseLocation
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard
            isServerURL(path)
                || (FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) && isFolder.boolValue)
        else {
            throw DatabaseUnavailable(
                message: "cannot open the database \(path) (\(source)): there is no folder \(folder)")
        }
        do {
            return try Commissioning.open(home: home, databasePath: path, filesDirectory: filesDirectory)
        } catch let failure as StorageFailure {
            guard case .cannotOpen(let reason) = failure.kind else { throw failure }
            throw DatabaseUnavailable(
                message: "cannot open the database \(databaseDisplayName(path)) (\(source)): \(reason)")
        }
    }
}

/// A database the command cannot open, with the path and the reason.
struct DatabaseUnavailable: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Options of read commands.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON (dates ISO 8601, money as integer pence in fields named …Pence).")
    var json = false
}

/// The exit code for a refusal of each kind, decided in this one place. Every kind exits 1, as the README promises
/// ("1 when a rule refuses"); the rule in the stderr line tells them apart. What matters is that a record of another
/// office and a missing one (both `.notFound`) can never exit differently.
func exitCode(of kind: ServiceRefusal.Kind) -> Int32 {
    switch kind {
    case .invalid, .forbidden, .notFound, .conflict: return 1
    }
}

/// Runs a command body, turning the product's refusals into a message on stderr and an exit code by their kind.
func runReportingRefusals(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as ValidationError {
        throw error
    } catch let error as ExitCode {
        throw error
    } catch let error as CleanExit {
        throw error
    } catch let refusal as ServiceRefusal {
        FileHandle.standardError.write(Data(("opcc: " + describe(refusal) + "\n").utf8))
        throw ExitCode(exitCode(of: refusal.kind))
    } catch let refused as ActRefused {
        FileHandle.standardError.write(Data(("opcc: " + describe(refused) + "\n").utf8))
        throw ExitCode(exitCode(of: refused.kind))
    } catch {
        FileHandle.standardError.write(Data(("opcc: " + describe(error) + "\n").utf8))
        throw ExitCode(1)
    }
}

/// The message a user sees for an error: its description without Swift noise.
func describe(_ error: any Error) -> String {
    if let e = error as? any LocalizedError, let text = e.errorDescription { return text }
    return String(describing: error)
}

/// JSON as every `--json` output writes it: sorted keys, indented.
func jsonText<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

func printLine(_ text: String) {
    print(text)
}

/// Writes what was printed so far to standard output now. Written to a file or a pipe, standard output is kept in a
/// buffer until it fills; a long-running command (`opcc serve`) flushes so that its address and sign-ins are there
/// to read at once, not when the buffer happens to fill or the server stops.
func flushStandardOutput() {
    fflush(nil)  // every output stream: naming `stdout` is shared mutable state to Swift 6
}
