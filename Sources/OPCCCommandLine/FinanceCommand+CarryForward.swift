import ArgumentParser
import OPCCCore
import OPCCServices

extension FinanceCommand {
    /// `opcc finance carry-forward`: underspends carried into the next year only with the Commissioner's permission.
    struct CarryForward: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "carry-forward",
            abstract: "Request, decide and confirm carry-forwards of forecast underspends.",
            discussion:
                "Example: opcc finance carry-forward request --from 2016/17 --strand CSF --recipient GB-LAE-WLV "
                + "--forecast £38,000 --reason \"DHR savings\" --office west-midlands --as wm.finance",
            subcommands: [Request.self, Decide.self, Confirm.self, Settle.self]
                + RecordDocumentCommands<CarryForward>.all)

        struct Request: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Ask the Commissioner to carry a forecast underspend into the next year (finance).",
                discussion: "Example: opcc finance carry-forward request --from 2016/17 --strand CSF --recipient "
                    + "GB-LAE-WLV --forecast £38,000 --reason \"DHR savings\" --office west-midlands --as wm.finance")
            @Option(help: "The year the underspend is in.") var from: String
            @Option(help: "Strand.") var strand: String
            @Option(help: "Recipient org-id.") var recipient: String
            @Option(help: "Forecast underspend.") var forecast: String
            @Option(help: "Why there is an underspend.") var reason: String
            @OptionGroup var global: GlobalOptions

            func run() async throws {
                let (fy, money) = try parseYearAndAmount(from, forecast)
                try await runReportingRefusals {
                    let app = try global.open()
                    let request = try await app.requestCarryForward(
                        office: try await app.resolveOffice(global.office), from: fy, strand: strand,
                        recipient: recipient,
                        forecast: money, reason: reason, by: try global.actorName(), on: try global.effectiveDay())
                    printLine("\(request.id): \(money) from \(fy) requested; awaiting the Commissioner")
                }
            }
        }

        struct Decide: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "The Commissioner permits (moving exactly the forecast into the next year) or refuses "
                    + "(clawback due).",
                discussion: "Example: opcc finance carry-forward decide west-midlands-CF-0001 --approve --decision "
                    + "\"WMPCC 004/2017\" --as wm.pcc")
            @Argument(help: "The carry-forward id.") var id: String
            @Flag(help: "Permit it.") var approve = false
            @Flag(help: "Refuse it.") var refuse = false
            @Option(help: "Why (needed to refuse).") var reason: String?
            @Option(help: "The decision record giving permission, where one was made.") var decision: String?
            @Option(help: "Only if the record is still at this version (the API's ETag); else nothing changes.")
            var version: Int?
            @OptionGroup var global: GlobalOptions

            func validate() throws {
                guard approve != refuse else { throw ValidationError("give exactly one of --approve, --refuse") }
            }

            func run() async throws {
                try await runReportingRefusals {
                    let app = try global.open()
                    try await app.decideCarryForward(
                        id, approve: approve, reason: reason, decision: decision, by: try global.actorName(),
                        on: try global.effectiveDay(), expectedVersion: version)
                    printLine("\(id): \(approve ? "approved" : "refused (clawback due)")")
                }
            }
        }

        struct Confirm: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Confirm the actual underspend at year end (finance).",
                discussion: "Below the approved forecast the difference is reversed; above it, the excess is due back. "
                    + "Example: opcc finance carry-forward confirm west-midlands-CF-0001 --actual £36,500 --as wm.finance"
            )
            @Argument(help: "The carry-forward id.") var id: String
            @Option(help: "The actual underspend.") var actual: String
            @Option(help: "Only if the record is still at this version (the API's ETag); else nothing changes.")
            var version: Int?
            @OptionGroup var global: GlobalOptions

            func run() async throws {
                let money: Money
                do { money = try Money(parsing: actual) } catch { throw ValidationError(error.description) }
                try await runReportingRefusals {
                    try await global.open().confirmCarryForward(
                        id, actual: money, by: try global.actorName(), on: try global.effectiveDay(),
                        expectedVersion: version)
                    printLine("\(id): confirmed at \(money)")
                }
            }
        }
        struct Settle: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Record that a refused carry-forward's money has come back (finance): due back → returned.",
                discussion: "Example: opcc finance carry-forward settle cumbria-CF-0001 --as cumbria.finance")
            @Argument(help: "The carry-forward id.") var id: String
            @Option(help: "Only if the record is still at this version (the API's ETag); else nothing changes.")
            var version: Int?
            @OptionGroup var global: GlobalOptions

            func run() async throws {
                try await runReportingRefusals {
                    try await global.open().settleCarryForwardClawback(
                        id, by: try global.actorName(), on: try global.effectiveDay(), expectedVersion: version)
                    printLine("\(id): clawback settled")
                }
            }
        }
    }
}
