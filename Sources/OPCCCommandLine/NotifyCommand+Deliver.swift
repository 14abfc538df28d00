import ArgumentParser
import Foundation
import OPCCMail
import OPCCServices
import OPCCWeb

extension NotifyCommand {
    /// `opcc notify deliver`: one pass over the outbox for a scheduled job (cron, a systemd timer), when no server
    /// runs the delivery worker, or alongside one: each claims its own rows with a lease.
    struct Deliver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send the outbox's due notifications through the relay once, and print what became of them.",
            discussion: """
                Claims due notifications in batches until none is left, sends each batch over one connection, and \
                records each outcome: sent, retrying later (a temporary failure) or failed (a permanent refusal, no \
                address, too many attempts; see 'opcc notify list --failed'). The exit status is non-zero only for \
                a configuration error (the relay, the sender, the public URL): a relay that is down leaves the \
                notifications pending for the next run. The relay's password comes from OPCC_SMTP_PASSWORD.
                Example: OPCC_SMTP_PASSWORD=… opcc notify deliver --public-url https://opcc.example \
                --smtp-url smtp://opcc@mail.example.org --smtp-from opcc@example.org
                """)

        @Option(
            name: .customLong("public-url"),
            help: "The address people reach the server at, e.g. https://opcc.example: links in mail are built from it.")
        var publicURL: String?
        @OptionGroup var relay: RelayOptions
        @Option(help: "Notifications per batch (one connection each).") var batch = 100
        @OptionGroup var global: GlobalOptions

        func validate() throws {
            guard (1...1000).contains(batch) else { throw ValidationError("--batch is a number from 1 to 1000") }
            guard relay.smtpURL != nil else {
                throw ValidationError(
                    "opcc notify deliver sends through a relay: give --smtp-url, --smtp-from and --public-url")
            }
            _ = try relay.checkedRelay(publicURL: publicURL)
        }

        func run() async throws {
            guard let checked = try relay.checkedRelay(publicURL: publicURL) else { return }
            let transport = try RelayOptions.transport(checked.relay)
            try await runReportingRefusals {
                let app = try global.open()
                let settings = Commissioning.DeliverySettings(publicURL: checked.publicURL)
                let node = MailDelivery.nodeName()
                var (sent, retried, failed, messages) = (0, 0, 0, 0)
                // Rounds until one comes back less than full; a row put back to wait is not due again in this run.
                for _ in 0..<10_000 {
                    let round = try await app.deliverNotifications(
                        transport: transport, node: node, settings: settings, now: Date(), limit: batch)
                    sent += round.sent
                    retried += round.retried
                    failed += round.failed
                    messages += round.messages
                    if round.claimed < batch { break }
                }
                printLine(
                    "\(sent) sent, \(retried) retrying, \(failed) failed (\(messages) message(s) to \(checked.relay))")
            }
        }
    }
}
