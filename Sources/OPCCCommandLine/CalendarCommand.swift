import ArgumentParser
import OPCCCore
import OPCCServices

/// `opcc calendar`: the England and Wales working-day calendar behind every deadline.
struct CalendarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar",
        abstract: "England and Wales bank holidays and working days.",
        discussion: "Example: opcc calendar add-working-days 2016-03-09 3",
        subcommands: [Holidays.self, AddWorkingDays.self]
    )

    struct Holidays: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a year's bank holidays, one ISO date a line.",
            discussion: "Example: opcc calendar holidays 2022")

        @Argument(help: "Calendar year, e.g. 2022.") var year: Int
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard (1900...2200).contains(year) else { throw ValidationError("year must be between 1900 and 2200") }
        }

        func run() throws {
            try runReportingRefusals {
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

    struct AddWorkingDays: ParsableCommand {
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

        func run() throws {
            let start: Day
            do { start = try Day(iso: date) } catch { throw ValidationError(error.description) }
            try runReportingRefusals {
                printLine(try loadCalendar(global).adding(workingDays: count, to: start).iso)
            }
        }
    }
}

/// The calendar with the office-maintained days when the product's home is found; the built-in rules otherwise.
func loadCalendar(_ global: GlobalOptions) throws -> WorkingDayCalendar {
    // An explicit --home that is not found is an error; otherwise the built-in rules serve when no home is found.
    if global.home != nil { return try WorkingDayCalendar.load(from: try global.locateHome()) }
    guard let home = try? global.locateHome() else { return WorkingDayCalendar() }
    return try WorkingDayCalendar.load(from: home)
}
