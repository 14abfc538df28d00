import ArgumentParser
import OPCCCore
import OPCCServices

/// `opcc user email` and `opcc user notifications`: where a person's notifications go, and when.
struct UserEmailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "email", abstract: "Set (or with --remove, remove) a person's email address for notifications.",
        discussion: """
            Acts --as the person themself or their office's chief executive; recorded in the audit log \
            (email-changed). The address needs one '@', a dotted domain, no spaces, at most 254 characters.
            Example: opcc user email cumbria.officer vivian@cumbria.example.org --as cumbria.officer
            """)

    @Argument(help: "The person's sign-in name.") var name: String
    @Argument(help: "The address.") var address: String?
    @Flag(help: "Remove the address (notifications then fail as no-address until one is set).") var remove = false
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (address == nil) == remove else {
            throw ValidationError("give an address, or --remove, but not both")
        }
    }

    func run() async throws {
        try await runReportingRefusals {
            let app = try global.open()
            try await app.setEmail(remove ? nil : address, of: name, by: try global.actorName())
            printLine(remove ? "removed the address of \(name)" : "the address of \(name) is \(address!)")
        }
    }
}

struct UserNotificationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notifications",
        abstract: "Choose whether a person's notifications come at once or in a daily digest at 07:00 London.",
        discussion: """
            Statutory deadlines (Part 1 publication, overdue returns) always go at once. Acts --as the person \
            themself or their office's chief executive; recorded in the audit log. Without a flag, shows the choice.
            Example: opcc user notifications cumbria.officer --digest --as cumbria.officer
            """)

    @Argument(help: "The person's sign-in name.") var name: String
    @Flag(help: "One message a day, at 07:00 London.") var digest = false
    @Flag(help: "Each notification as it comes (the default).") var immediate = false
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard !(digest && immediate) else { throw ValidationError("give --digest or --immediate, not both") }
    }

    func run() async throws {
        try await runReportingRefusals {
            let app = try global.open()
            if digest || immediate {
                let preference: NotificationPreference = digest ? .dailyDigest : .immediate
                try await app.setNotificationPreference(preference, of: name, by: try global.actorName())
            }
            printLine("\(name): \(try await app.notificationPreference(of: name).rawValue)")
        }
    }
}
