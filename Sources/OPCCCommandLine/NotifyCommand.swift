import ArgumentParser
import Foundation
import OPCCCore
import OPCCServices

/// `opcc notify`: the outbox as a person and an administrator see it, and one delivery pass to a relay
/// (`opcc notify deliver`, NotifyCommand+Deliver.swift).
struct NotifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify",
        abstract: "List notifications, mark them read, resend failed ones, and deliver the outbox once.",
        discussion: """
            Without --failed, lists your own notifications, newest first, with how many are unread. With --failed, \
            lists the office's notifications that could not be delivered (its chief executive only); resend one with \
            'opcc notify resend ID'. 'opcc notify deliver' sends what is due through a relay, once (for a scheduled \
            job). Example: opcc notify list --failed --office cumbria --as cumbria.chief-executive
            """,
        subcommands: [List.self, Read.self, Resend.self, Deliver.self])

    /// One notification as the command prints it (never a one-time link: those bodies are replaced once delivered).
    struct Entry: Encodable {
        var id: Int64
        var recipient, kind, subjectID, subject, state: String
        var attempts: Int
        var lastError: String?
        var created: String
        var read: Bool

        init(_ n: StoredNotification) {
            id = n.id
            recipient = n.recipient
            kind = n.kind
            subjectID = n.subjectID
            subject = n.subject
            state = n.state.rawValue
            attempts = n.attempts
            lastError = n.lastError
            created = SystemClock.timestamp(Date(timeIntervalSince1970: Double(n.createdAtMs) / 1000))
            read = n.readAtMs != nil
        }

        var line: String {
            "\(id)\t\(created)\t\(recipient)\t\(state)\(lastError.map { " (\($0))" } ?? "")\t\(kind)\t\(subject)"
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List your notifications, or with --failed the office's undelivered ones.",
            discussion: "Example: opcc notify list --as cumbria.officer")
        @Flag(help: "The office's failed notifications (its chief executive only).") var failed = false
        @Option(help: "Skip this many of the newest (your own list).") var offset = 0
        @Option(help: "Show at most this many (your own list).") var limit = 50
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                let actor = try global.actorName()
                let rows: [StoredNotification]
                var unread: Int? = nil
                if failed {
                    let office = try await app.resolveOffice(global.office)
                    rows = try await app.failedNotifications(office: office, as: actor)
                } else {
                    let page = try await app.notifications(of: actor, offset: offset, limit: limit)
                    rows = page.notifications
                    unread = page.unread
                }
                let entries = rows.map(Entry.init)
                if output.json {
                    printLine(try jsonText(entries))
                    return
                }
                if let unread { printLine("\(unread) unread") }
                if entries.isEmpty { printLine(failed ? "no failed notifications" : "no notifications") }
                for entry in entries { printLine(entry.line) }
            }
        }
    }

    struct Read: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark one of your notifications read.",
            discussion: "Example: opcc notify read 12 --as cumbria.officer")
        @Argument(help: "The notification's id ('opcc notify list').") var id: Int64
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                try await app.markNotificationRead(id, by: try global.actorName())
                printLine("notification \(id) marked read")
            }
        }
    }

    struct Resend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put a failed notification back in the outbox (the office's chief executive; audited).",
            discussion: """
                It keeps its Message-ID and starts again with no attempts. Set the person's address first if it \
                failed as no-address ('opcc user email'). Example: opcc notify resend 12 --as cumbria.chief-executive
                """)
        @Argument(help: "The notification's id ('opcc notify list --failed').") var id: Int64
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                try await app.resendNotification(id, by: try global.actorName())
                printLine("notification \(id) is back in the outbox")
            }
        }
    }
}
