import ArgumentParser
import Foundation
import OPCCServices

/// `opcc token`: API tokens for scripts that call the JSON API.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Create, list and revoke API tokens (a script calls /api/v1 as the person who created it).",
        discussion: """
            A token acts as its person, with that person's roles and nothing more. Send it as \
            'Authorization: Bearer TOKEN'. Only a hash is kept, so a lost token cannot be shown again: revoke it \
            and create another. Example: opcc token create --label finance-export --as cumbria.finance
            """,
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token for the person acting and print it (shown only this once).",
            discussion: "Example: opcc token create --label nightly-reconciliation --as cumbria.finance")
        @Option(help: "What the token is for (1 to 80 characters; one live token per label).") var label: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                let made = try await app.createAPIToken(
                    label: label, by: try global.actorName(), on: try global.effectiveDay())
                printLine("API token \(made.id) (\(label)): \(made.token)")
                printLine("send it as 'Authorization: Bearer \(made.token)'; keep it secret, like a password")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List your tokens (a chief executive sees the office's): id, label, created, revoked.",
            discussion: "Never shows a token's secret. Example: opcc token list --as cumbria.finance")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                let tokens = try await app.apiTokens(as: try global.actorName())
                if output.json {
                    printLine(try jsonText(tokens))
                } else if tokens.isEmpty {
                    printLine("no API tokens")
                } else {
                    for t in tokens {
                        let state = t.revokedAt.map { "revoked \($0)" } ?? "live"
                        printLine("\(t.id)\t\(t.person)\t\(t.label)\tcreated \(t.createdAt)\t\(state)")
                    }
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a token: it is refused from now on (recorded in the audit log).",
            discussion: """
                Its owner may revoke it, and so may the chief executive of the owner's office. \
                Example: opcc token revoke 3 --as cumbria.finance
                """)
        @Argument(help: "The token's id, from 'opcc token list'.") var id: Int64
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                try await app.revokeAPIToken(id, by: try global.actorName(), on: try global.effectiveDay())
                printLine("revoked API token \(id)")
            }
        }
    }
}
