import ArgumentParser
import Foundation
import OPCCCore
import OPCCServices

/// `opcc calendar`: the England and Wales working-day calendar behind every deadline.
struct CalendarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar",
        abstract: "England and Wales bank holidays and working days; iCalendar feeds of deadlines.",
        discussion: "Example: opcc calendar add-working-days 2016-03-09 3",
        subcommands: [Holidays.self, AddWorkingDays.self, Feed.self, Public.self]
    )

    struct Holidays: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a year's bank holidays, one ISO date a line.",
            discussion: "Example: opcc calendar holidays 2022")

        @Argument(help: "Calendar year, e.g. 2022.") var year: Int
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard (1900...2200).contains(year) else { throw ValidationError("year must be between 1900 and 2200") }
        }

        func run() async throws {
            try await runReportingRefusals {
                let calendar = try loadCalendar(global)
                let holidays = calendar.bankHolidays(in: year)
                if output.json {
                    printLine(try jsonText(holidays.map { ["date": $0.day.iso, "name": $0.name] }))
                } else {
                    for h in holidays { printLine(h.day.iso) }
                }
            }
        }
    }

    struct AddWorkingDays: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-working-days",
            abstract: "Print the date N working days after DATE (weekends and bank holidays skipped).",
            discussion: """
                The day itself does not count. Example: opcc calendar add-working-days 2016-03-09 3 prints \
                2016-03-14 (Cumbria's Part 1 deadline for a decision approved on 9 March 2016).
                """)

        @Argument(help: "Start date, YYYY-MM-DD.") var date: String
        @Argument(help: "Number of working days (negative counts back).") var count: Int
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let start: Day
            do { start = try Day(iso: date) } catch { throw ValidationError(error.description) }
            try await runReportingRefusals {
                printLine(try loadCalendar(global).adding(workingDays: count, to: start).iso)
            }
        }
    }
}

extension CalendarCommand {
    /// `opcc calendar feed`: a person's deadlines as an iCalendar feed behind a secret address.
    struct Feed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A person's secret iCalendar feed of their deadlines: create, revoke or show it.",
            discussion: """
                The feed lists Part 1 publication deadlines of decisions the person may publish or defer, the \
                quarterly returns they may see that are still to come in (a project board only its own grants'), \
                and the sign-offs awaiting a role they hold. Never Part 2. Example: opcc calendar feed create \
                --as cumbria.officer
                """,
            subcommands: [Create.self, Revoke.self, Show.self])

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Create the person's feed and print its secret address (shown only this once).",
                discussion: """
                    Only a hash of the secret is kept, so a lost address cannot be shown again: create another, \
                    which revokes the old one. Example: opcc calendar feed create --as cumbria.barrow-board
                    """)
            @OptionGroup var global: GlobalOptions

            func run() async throws {
                try await runReportingRefusals {
                    let app = try global.open()
                    let token = try await app.createCalendarFeed(
                        for: try global.actorName(), on: try global.effectiveDay())
                    printLine("calendar feed secret: \(token)")
                    printLine("address: /calendar/\(token).ics (on the web server; keep it secret, like a password)")
                }
            }
        }

        struct Revoke: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Revoke a feed: its address is refused from now on (recorded in the audit log).",
                discussion: """
                    Without --person it revokes your own; an office's chief executive may revoke anyone's in the \
                    office. Example: opcc calendar feed revoke --as cumbria.officer
                    """)
            @Option(help: "Whose feed to revoke (default: the person acting).") var person: String?
            @OptionGroup var global: GlobalOptions

            func run() async throws {
                try await runReportingRefusals {
                    let app = try global.open()
                    let actor = try global.actorName()
                    try await app.revokeCalendarFeed(of: person ?? actor, by: actor, on: try global.effectiveDay())
                    printLine("revoked the calendar feed of \(person ?? actor)")
                }
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Print the person's feed as iCalendar text (.ics), as of today.",
                discussion: "Example: opcc calendar feed show --as cumbria.officer --out cumbria-officer.ics")
            @Option(help: "Write the .ics to this file instead of standard output.") var out: String?
            @OptionGroup var global: GlobalOptions

            func run() async throws {
                try await runReportingRefusals {
                    let app = try global.open()
                    try emit(try await app.calendarFeed(for: try global.actorName()), to: out)
                }
            }
        }
    }

    /// `opcc calendar public`: the public calendar of Part 1 publication.
    struct Public: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the public iCalendar feed of Part 1 publication (.ics).",
            discussion: """
                Published decisions on the day they were published, with their Part 1 titles, and the decided \
                decisions still due for publication, by number only. All offices unless --office is given. \
                Example: opcc calendar public --office cumbria --out cumbria-part1.ics
                """)
        @Option(help: "Write the .ics to this file instead of standard output.") var out: String?
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                try emit(try await app.publicCalendar(office: global.office), to: out)
            }
        }
    }
}

/// Writes iCalendar text exactly (CRLF line ends, nothing added) to a file or standard output.
private func emit(_ ics: String, to path: String?) throws {
    if let path {
        try ics.write(toFile: path, atomically: true, encoding: .utf8)
        printLine("wrote \(path)")
    } else {
        FileHandle.standardOutput.write(Data(ics.utf8))
    }
}

/// The calendar with the office-maintained days when the product's home is found; the built-in rules otherwise.
func loadCalendar(_ global: GlobalOptions) throws -> WorkingDayCalendar {
    // An explicit --home that is not found is an error; otherwise the built-in rules serve when no home is found.
    if global.home != nil { return try WorkingDayCalendar.load(from: try global.locateHome()) }
    guard let home = try? global.locateHome() else { return WorkingDayCalendar() }
    return try WorkingDayCalendar.load(from: home)
}
