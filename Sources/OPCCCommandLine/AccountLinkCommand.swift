import ArgumentParser
import OPCCCore
import OPCCServices
import OPCCWeb

/// `opcc user invite NAME` and `opcc user reset NAME`: queue a one-time link by mail. The link is in the mail only:
/// the command says that it was queued and when it expires, never the link.
enum AccountLinkCommand {
    struct Invite: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "invite", abstract: "Email a new person a one-time link to choose their password.",
            discussion: """
                Acts --as the office's chief executive, for a person who has no password yet. The link works once, \
                for an hour; a newer one replaces it. The mail goes out through the outbox ('opcc serve' or \
                'opcc notify deliver').
                Example: opcc user invite cumbria.officer --as cumbria.chief-executive --public-url https://opcc.example
                """)

        @Argument(help: "The person's sign-in name.") var name: String
        @OptionGroup var link: LinkOptions
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingRefusals {
                let actor = try global.actorName()
                let base = try link.checkedBase()
                let app = try global.open()
                let issued = try await app.inviteByMail(name, by: actor, linkBase: base, on: try global.effectiveDay())
                printLine(AccountLinkCommand.queuedLine(issued))
            }
        }
    }

    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset", abstract: "Email a person a one-time link to choose a new password.",
            discussion: """
                Acts --as the person themself or their office's chief executive. Their password stays as it is \
                until the link is used; using it signs them out everywhere. The link works once, for an hour.
                Example: opcc user reset cumbria.officer --as cumbria.chief-executive --public-url https://opcc.example
                """)

        @Argument(help: "The person's sign-in name.") var name: String
        @OptionGroup var link: LinkOptions
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingRefusals {
                let actor = try global.actorName()
                let base = try link.checkedBase()
                let app = try global.open()
                let issued = try await app.sendPasswordReset(
                    name, by: actor, linkBase: base, on: try global.effectiveDay())
                printLine(AccountLinkCommand.queuedLine(issued))
            }
        }
    }

    struct LinkOptions: ParsableArguments {
        @Option(
            name: .customLong("public-url"),
            help: "The address people reach the server at (as 'opcc serve --public-url'), which the link starts with.")
        var publicURL: String?

        func checkedBase() throws -> String? {
            try publicURL.map(WebConfiguration.checkedPublicURL)
        }
    }

    /// What the commands print: who, what, until when. Never the link.
    static func queuedLine(_ issued: IssuedAccountLink) -> String {
        let what = issued.purpose == .invitation ? "an invitation" : "a password reset link"
        return "queued \(what) for \(issued.person) by email; the link works once, until "
            + "\(Commissioning.spokenInstant(issued.expiresAt))"
    }
}
