import ArgumentParser
import OPCCCore
import OPCCServices

/// The options of a command that takes a record's id and performs one act on it (a return, an agreement, a
/// priority assessment); each kind of record names its id in its own help.
protocol RecordActOptions {
    var id: String { get }
    var global: GlobalOptions { get }
}

extension ReturnCommand.IDOptions: RecordActOptions {}
extension FinanceCommand.Agreement.IDOptions: RecordActOptions {}
extension PrioritiesCommand.IDOptions: RecordActOptions {}

/// The one way a command performs an act: open the database, take the act (`body`, which reads the `--as` person
/// and the `--on` day where it needs them), and print what it did (`report`). A refusal is printed to stderr and
/// exits with the code of its kind (`runReportingRefusals`), and changes nothing.
func performAct<Outcome>(
    _ global: GlobalOptions, _ body: (Commissioning) async throws -> Outcome,
    report: (Commissioning, Outcome) async throws -> String
) async throws {
    try await runReportingRefusals {
        let app = try global.open()
        let outcome = try await body(app)
        printLine(try await report(app, outcome))
    }
}

/// An act on the record `o.id` names, by the `--as` person on the `--on` day, printed as `ID: DONE (STATE)` with
/// the record's state after it.
func performAct(
    _ o: some RecordActOptions, _ done: String, _ body: (Commissioning, String, Day?) async throws -> Void
)
    async throws
{
    try await performAct(o.global) { app in
        try await body(app, try o.global.actorName(), try o.global.effectiveDay())
    } report: { app, _ in
        "\(o.id): \(done) (\(try await app.instance(o.id)?.state ?? "?"))"
    }
}
