import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import OPCCServices

/// The mail transport of `opcc serve` and `opcc notify deliver`: a small SMTP client on SwiftNIO. A batch goes over one
/// connection: greeting, EHLO, STARTTLS and EHLO again (or TLS from the first byte for `smtps://`), AUTH, then for each
/// message MAIL FROM, RCPT TO, DATA (dot-stuffed), with RSET after a transaction the relay refused part of; QUIT.
///
/// Certificates are always verified, against the system's trust store and the `--smtp-ca` file; nothing turns that
/// off. Replies become outcomes by their codes alone: a 4xx to a message is `temporary(rejected)`, a 5xx
/// `permanent(rejected)`; a failure of the session itself (connection, TLS, authentication, a timeout) leaves every
/// message not yet settled `temporary` with its category.
public struct SMTPClient: MailTransport {
    public let relay: SMTPRelay
    let tlsContext: NIOSSLContext
    let group: any EventLoopGroup
    let replyTimeout: TimeAmount
    let connectTimeout: TimeAmount
    /// The name this client gives in EHLO: the sender address's domain (a relay may check that it resolves).
    let clientName: String
    let now: @Sendable () -> Date

    /// - Parameters:
    ///   - replyTimeout: how long any one reply may take (the end of DATA included).
    ///   - now: the clock of the Date header.
    public init(
        relay: SMTPRelay, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        replyTimeout: Duration = .seconds(60), connectTimeout: Duration = .seconds(15),
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws(SMTPRelayRefusal) {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .fullVerification
        if let path = relay.certificateAuthorityPath {
            configuration.additionalTrustRoots = [.file(path)]
        }
        do {
            self.tlsContext = try NIOSSLContext(configuration: configuration)
        } catch {
            throw .certificateAuthorityNotPEM(relay.certificateAuthorityPath ?? "(the system trust store)")
        }
        self.relay = relay
        self.group = group
        self.replyTimeout = TimeAmount(replyTimeout)
        self.connectTimeout = TimeAmount(connectTimeout)
        self.clientName = relay.sender.split(separator: "@").last.map(String.init) ?? "localhost"
        self.now = now
    }

    public func deliver(_ batch: [OutgoingMail]) async -> [MailOutcome] {
        guard !batch.isEmpty else { return [] }
        var outcomes: [MailOutcome] = []
        do {
            try await withSession { dialogue throws(SMTPFailure) in
                var clean = true
                for mail in batch {
                    if !clean {
                        let reset = try await dialogue.command("RSET")
                        guard reset.code == 250 else { throw .refused(stage: "RSET", code: reset.code) }
                    }
                    let outcome = try await send(mail, on: &dialogue)
                    outcomes.append(outcome)
                    clean = outcome == .accepted
                }
            }
        } catch {
            outcomes += Array(repeating: error.outcome, count: batch.count - outcomes.count)
        }
        return outcomes
    }

    /// Opens a session (TLS and authentication done), runs `body` on it, and says QUIT.
    func withSession(_ body: (inout SMTPDialogue) async throws(SMTPFailure) -> Void) async throws(SMTPFailure) {
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await connect()
        } catch {
            throw SMTPDialogue.failure(error, timedOut: false)
        }
        let timeout = replyTimeout
        do {
            try await channel.executeThenClose { inbound, outbound in
                var dialogue = SMTPDialogue(
                    channel: channel.channel, inbound: inbound, outbound: outbound, replyTimeout: timeout)
                try await self.open(&dialogue)
                try await body(&dialogue)
                _ = try? await dialogue.command("QUIT")
            }
        } catch {
            throw error as? SMTPFailure ?? SMTPDialogue.failure(error, timedOut: false)
        }
    }

    private func connect() async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        let implicitTLS = relay.security == .implicitTLS
        let context = tlsContext
        let hostname = serverHostname
        return try await ClientBootstrap(group: group)
            .connectTimeout(connectTimeout)
            .connect(host: relay.host, port: relay.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if implicitTLS {
                        _ = try SMTPDialogue.addTLS(
                            to: channel, context: context, serverHostname: hostname, position: .last)
                    }
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
    }

    /// The name the certificate must carry: the host, or nil for an address (then the certificate must name the IP).
    var serverHostname: String? {
        let host = relay.host
        let isAddress = host.contains(":") || host.split(separator: ".").allSatisfy { UInt8($0) != nil }
        return isAddress ? nil : host
    }

    /// Greeting, EHLO, STARTTLS by the policy, EHLO again, AUTH.
    private func open(_ dialogue: inout SMTPDialogue) async throws(SMTPFailure) {
        let greeting = try await dialogue.reply()
        guard greeting.code == 220 else { throw .refused(stage: "the greeting", code: greeting.code) }
        var hello = try await ehlo(&dialogue)
        if relay.security == .startTLS,
            try relay.startTLSDecision(offered: hello.extensions["STARTTLS"] != nil)
        {
            let ready = try await dialogue.command("STARTTLS")
            guard ready.code == 220 else { throw .tls }
            try await dialogue.startTLS(context: tlsContext, serverHostname: serverHostname)
            hello = try await ehlo(&dialogue)
        }
        if let user = relay.user, let password = relay.password {
            try await authenticate(&dialogue, user: user, password: password, offered: hello.extensions["AUTH"] ?? [])
        }
    }

    private func ehlo(_ dialogue: inout SMTPDialogue) async throws(SMTPFailure) -> SMTPReply {
        let hello = try await dialogue.command("EHLO \(clientName)")
        guard hello.code == 250 else { throw .refused(stage: "EHLO", code: hello.code) }
        return hello
    }

    /// AUTH PLAIN when offered, else AUTH LOGIN.
    private func authenticate(
        _ dialogue: inout SMTPDialogue, user: String, password: String, offered: [String]
    ) async throws(SMTPFailure) {
        func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
        var reply: SMTPReply
        if offered.contains("PLAIN") {
            reply = try await dialogue.command("AUTH PLAIN " + base64("\0\(user)\0\(password)"))
        } else if offered.contains("LOGIN") {
            reply = try await dialogue.command("AUTH LOGIN")
            if reply.code == 334 { reply = try await dialogue.command(base64(user)) }
            if reply.code == 334 { reply = try await dialogue.command(base64(password)) }
        } else {
            throw .authNotOffered
        }
        guard reply.code == 235 else { throw .authRejected(code: reply.code) }
    }

    /// One transaction. A refusal of the message is its outcome; a failure of the session is thrown.
    private func send(_ mail: OutgoingMail, on dialogue: inout SMTPDialogue) async throws(SMTPFailure) -> MailOutcome {
        let message: String
        do {
            message = try MIMEComposer.compose(mail, sender: relay.sender, date: now())
        } catch {
            return .permanent(category: "message")
        }
        let from = try await dialogue.command("MAIL FROM:<\(relay.sender)>")
        if from.code != 250 { return try refusal(from, stage: "MAIL FROM") }
        var refusals: [SMTPReply] = []
        for recipient in mail.to {
            let reply = try await dialogue.command("RCPT TO:<\(recipient)>")
            if reply.code != 250 && reply.code != 251 {
                _ = try refusal(reply, stage: "RCPT TO")
                refusals.append(reply)
            }
        }
        // Sent only when every recipient is accepted: a retry then reaches each once. One permanent refusal makes the
        // message permanent (it would be refused again); otherwise it is tried again later.
        if !refusals.isEmpty {
            return refusals.contains { $0.code >= 500 }
                ? .permanent(category: "rejected") : .temporary(category: "rejected")
        }
        let data = try await dialogue.command("DATA")
        guard data.code == 354 else { return try refusal(data, stage: "DATA") }
        try await dialogue.write(Self.dotStuffed(message) + ".\r\n")
        let end = try await dialogue.reply()
        return end.code == 250 ? .accepted : try refusal(end, stage: "the end of DATA")
    }

    /// A 4xx or 5xx to a message; `421` (the relay is closing) and any other code end the session.
    private func refusal(_ reply: SMTPReply, stage: String) throws(SMTPFailure) -> MailOutcome {
        guard (400...599).contains(reply.code), reply.code != 421 else {
            throw .refused(stage: stage, code: reply.code)
        }
        return reply.refusalOutcome
    }

    /// RFC 5321 4.5.2: a line that starts with a dot gets another, so that only the final `.` line ends the data.
    /// The message's lines end in CRLF already.
    static func dotStuffed(_ message: String) -> String {
        var stuffed = message.hasPrefix(".") ? "." : ""
        stuffed += message.replacingOccurrences(of: "\r\n.", with: "\r\n..")
        return stuffed
    }
}
