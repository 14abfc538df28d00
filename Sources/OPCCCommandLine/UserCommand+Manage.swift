import ArgumentParser
import OPCCCore
import OPCCServices

/// `opcc user grant|revoke|disable|enable`: the people page's acts on the command line.
extension UserCommand {
    static func parseRole(_ name: String) throws -> Role {
        guard let role = Role(rawValue: name) else {
            throw ValidationError("'\(name)' is not a role; the roles are \(Role.namesForHelp)")
        }
        return role
    }

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give a person a role, over the whole office or limited to named records.",
            discussion: """
                Who may: the office's chief executive or an administrator. Roles: \(Role.namesForHelp).
                Example: opcc user grant barrow.board --role project-board-member --scope GA-2016-BARROW \
                --as cumbria.chief-executive
                """)
        @Argument(help: "Sign-in name.") var name: String
        @Option(name: .long, help: "Role to grant.") var role: String
        @Option(name: .long, help: "Record reference the role is limited to (repeatable).") var scope: [String] = []
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let role = try UserCommand.parseRole(role)
            try await runReportingRefusals {
                let app = try global.open()
                let grant = RoleGrant(role: role, scope: scope)
                try await app.grantRole(grant, to: name, by: try global.actorName(), on: try global.effectiveDay())
                printLine("granted \(grant) to \(name)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "End a person's role (one scope of it with --scope).",
            discussion: """
                Who may: the office's chief executive or an administrator. The office keeps at least one active \
                chief executive or administrator. The grant's history stays in the audit log.
                Example: opcc user revoke c.officer --role finance --as cumbria.chief-executive
                """)
        @Argument(help: "Sign-in name.") var name: String
        @Option(name: .long, help: "Role to end.") var role: String
        @Option(name: .long, help: "The record the grant is limited to, if it is.") var scope: String?
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let role = try UserCommand.parseRole(role)
            try await runReportingRefusals {
                let app = try global.open()
                try await app.endRole(
                    role, scope: scope, of: name, by: try global.actorName(), on: try global.effectiveDay())
                printLine("ended \(role)\(scope.map { " (\($0))" } ?? "") of \(name)")
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable a person: they cannot sign in, act or use an API token; their sessions end.",
            discussion: """
                Nobody is ever deleted: the audit log keeps naming them. Who may: the office's chief executive or an \
                administrator. Undo with 'opcc user enable'.
                Example: opcc user disable c.officer --as cumbria.chief-executive
                """)
        @Argument(help: "Sign-in name.") var name: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                let ended = try await app.disablePerson(name, by: try global.actorName(), on: try global.effectiveDay())
                printLine("disabled \(name) (\(ended) session(s) ended)")
            }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enable a disabled person again.",
            discussion: "Example: opcc user enable c.officer --as cumbria.chief-executive")
        @Argument(help: "Sign-in name.") var name: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                try await app.enablePerson(name, by: try global.actorName(), on: try global.effectiveDay())
                printLine("enabled \(name)")
            }
        }
    }
}
