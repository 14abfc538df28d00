import ArgumentParser
import Foundation
import OPCCMail
import OPCCServices
import OPCCWeb

/// The mail relay of `opcc serve` and `opcc notify deliver`: `--smtp-url`, `--smtp-ca`, `--smtp-from`, with the
/// password from `OPCC_SMTP_PASSWORD` (`SMTPRelay`). Links in mail are built from `--public-url`, so a relay is
/// refused without one.
struct RelayOptions: ParsableArguments {
    @Option(
        name: .customLong("smtp-url"),
        help: ArgumentHelp(
            "The mail relay: smtp://[user@]host[:port] (STARTTLS) or smtps://… (TLS from the start).",
            discussion: """
                The password comes from OPCC_SMTP_PASSWORD, never the command line. STARTTLS is required except on \
                loopback; certificates are always verified.
                """))
    var smtpURL: String?
    @Option(
        name: .customLong("smtp-ca"),
        help: "A PEM file of a private certificate authority that signed the relay's certificate (with --smtp-url).")
    var smtpCA: String?
    @Option(
        name: .customLong("smtp-from"),
        help: "The sender address of every message, e.g. opcc@office.example.org (with --smtp-url).")
    var smtpFrom: String?

    /// The relay named, checked, with the public URL its links are built from; nil when no relay is named. Every
    /// mistake is a `ValidationError` that says what to write instead.
    func checkedRelay(publicURL: String?) throws -> (relay: SMTPRelay, publicURL: String)? {
        guard let smtpURL else {
            if smtpCA != nil { throw ValidationError("--smtp-ca goes with --smtp-url") }
            if smtpFrom != nil { throw ValidationError("--smtp-from goes with --smtp-url") }
            return nil
        }
        guard let smtpFrom else {
            throw ValidationError(
                "--smtp-url needs --smtp-from, the sender address of every message, e.g. opcc@office.example.org")
        }
        guard let publicURL else {
            throw ValidationError(
                "--smtp-url needs --public-url: the links in each message are built from it, "
                    + "e.g. --public-url https://opcc.example")
        }
        let checkedURL: String
        do { checkedURL = try WebConfiguration.checkedPublicURL(publicURL) } catch let error as WebConfigurationError {
            throw ValidationError(error.message)
        }
        do {
            let relay = try SMTPRelay(url: smtpURL, sender: smtpFrom, certificateAuthorityPath: smtpCA)
            return (relay, checkedURL)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// The SMTP client for a checked relay.
    static func transport(_ relay: SMTPRelay) throws -> SMTPClient {
        do { return try SMTPClient(relay: relay) } catch { throw ValidationError(error.description) }
    }
}
