import ArgumentParser
import OPCCCore
import OPCCServices

/// `opcc user`: people and the roles they hold.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "People and their roles.",
        discussion: "Example: opcc user list --office cumbria",
        subcommands: [
            Add.self, List.self, PasswdCommand.self, UserEmailCommand.self, UserNotificationsCommand.self,
            AccountLinkCommand.Invite.self, AccountLinkCommand.Reset.self, Grant.self, Revoke.self, Disable.self,
            Enable.self, UserSecondFactorCommand.self,
        ])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Add a person with one or more roles (the office's chief executive or an administrator does this).",
            discussion: """
                Roles: \(Role.namesForHelp). A role may be limited to named records with --scope (a project board \
                member to its own grants). The first person of an office may be added by anyone.
                Example: opcc user add barrow.board --role project-board-member --scope GA-2016-BARROW \
                --office cumbria --as cumbria.chief-executive
                """)

        @Argument(help: "Sign-in name: letters, digits, '-', '_' or '.'.") var name: String
        @Option(name: .long, help: "Role to grant (repeatable).") var role: [String] = []
        @Option(name: .long, help: "Record reference the roles are limited to (repeatable).") var scope: [String] = []
        @Option(name: .long, help: "Name shown on screens and forms.") var displayName: String?
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            var roles: [Role] = []
            for r in role {
                guard let parsed = Role(rawValue: r) else {
                    throw ValidationError("'\(r)' is not a role; the roles are \(Role.namesForHelp)")
                }
                roles.append(parsed)
            }
            guard !roles.isEmpty else { throw ValidationError("give at least one --role (\(Role.namesForHelp))") }
            try await runReportingRefusals {
                let app = try global.open()
                let office = try await app.resolveOffice(global.office)
                let actor = (try? global.actorName()) ?? Commissioning.systemActor
                try await app.addPerson(
                    name: name, displayName: displayName, office: office,
                    grants: roles.map { RoleGrant(role: $0, scope: scope) }, by: actor, on: try global.effectiveDay())
                printLine("added \(name) to \(office): " + roles.map(\.rawValue).joined(separator: ", "))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List people and their roles.", discussion: "Example: opcc user list --office cumbria")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions

        struct Entry: Encodable {
            var name, displayName, office: String
            var roles: [String]
            /// Where notifications go; left out when the person has none.
            var email: String?
            /// When the person was disabled; left out while active.
            var disabledAt: String?
            /// When the person last signed in to the web; left out if never.
            var lastSignInAt: String?
        }

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                let people = try await app.people(office: try await global.resolvedOffice(app))
                let entries = people.map {
                    Entry(
                        name: $0.name, displayName: $0.displayName, office: $0.office,
                        roles: $0.grants.map(\.description), email: $0.email, disabledAt: $0.disabledAt,
                        lastSignInAt: $0.lastSignInAt)
                }
                if output.json {
                    printLine(try jsonText(entries))
                } else {
                    for e in entries {
                        printLine(
                            "\(e.office)\t\(e.name)\t\(e.roles.joined(separator: ", "))\t\(e.displayName)"
                                + (e.disabledAt == nil ? "" : "\tdisabled"))
                    }
                }
            }
        }
    }
}
