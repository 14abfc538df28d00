import ArgumentParser
import OPCCCore
import OPCCServices

/// `opcc user second-factor`: where a person stands with the second factor, and the reset a lost phone needs.
/// Setting one up is done in the browser (`/account/second-factor`), where the secret can be shown to its owner alone.
struct UserSecondFactorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "second-factor",
        abstract: "A person's second factor (a code from an authenticator app): its status, or a reset.",
        discussion: """
            Each person sets a second factor up in the browser, on the page Second factor (/account/second-factor); \
            an office profile's secondFactorRequiredFor makes it compulsory for the roles it names.
            Examples: opcc user second-factor status cumbria.finance
                      opcc user second-factor reset cumbria.finance --as cumbria.chief-executive
            """,
        subcommands: [Status.self, Reset.self])

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Whether a person has a second factor, whether their office requires one, codes left.",
            discussion: "Example: opcc user second-factor status cumbria.finance")
        @Argument(help: "The person's sign-in name.") var name: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingRefusals {
                let status = try await global.open().secondFactorStatus(person: name)
                printLine(
                    "\(name): second factor \(status.enabled ? "on" : "off")"
                        + (status.required ? " (required by the office for a role held)" : "")
                        + (status.enabled ? ", \(status.recoveryCodesLeft) recovery code(s) left" : ""))
            }
        }
    }

    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a person's second factor (a lost phone); they set a new one up at their next sign-in.",
            discussion: """
                Acts --as the person themself (unless their office requires a factor for their role) or their \
                office's chief executive. Ends every session of the person; recorded in the audit log \
                (second-factor-removed).
                Example: opcc user second-factor reset cumbria.finance --as cumbria.chief-executive
                """)
        @Argument(help: "The person's sign-in name.") var name: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingRefusals {
                try await global.open().removeSecondFactor(person: name, by: try global.actorName())
                printLine("removed the second factor of \(name); they set a new one up at their next sign-in")
            }
        }
    }
}
