import ArgumentParser
import Foundation
import OPCCCore
import OPCCServices

/// `opcc deadlines`: the daily sweep over return and publication deadlines.
struct DeadlinesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deadlines",
        abstract: "Deadlines for quarterly returns and Part 1 publication.",
        discussion: "Example: opcc deadlines sweep --on 2016-11-04",
        subcommands: [Sweep.self])

    struct Sweep: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record reminders, overdue marks and escalations for a day (idempotent).",
            discussion: """
                For the day (--on, default today): reminds whoever owes a return or a Part 1 publication due within \
                the office's returnReminderWorkingDays (default 5), marks overdue ones, and escalates those \
                returnEscalationWorkingDays (default 10) working days late, each an audit event naming who was told. \
                Running it again for the same day records nothing. The web server runs it daily.
                Example: opcc deadlines sweep --on 2016-11-04
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                let entries = try await app.sweepDeadlines(
                    on: try global.effectiveDay(), office: try await global.resolvedOffice(app),
                    by: global.optionalActorName ?? "deadline-sweep")
                if output.json {
                    printLine(try jsonText(entries))
                    return
                }
                for e in entries {
                    printLine(
                        "\(e.action)\t\(e.what)\tdue \(e.dueOn)\t\(e.workingDays) working day(s)\ttold: "
                            + e.told.joined(separator: ", "))
                }
                printLine(entries.isEmpty ? "nothing to record" : "recorded \(entries.count) notice(s)")
            }
        }
    }
}
