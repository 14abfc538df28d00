import Foundation
import OPCCMail
import OPCCServices

#if canImport(Glibc)
    import Glibc
#endif

/// Mail delivery: the SMTP client (`OPCCMail`) sending to the loopback server of the tests (`.ci/smtp-sink`, on the
/// PyPI package aiosmtpd, which writes each message to a file), in STARTTLS-less plain SMTP on 127.0.0.1: messages
/// per second for a batch on one connection, against one connection per message in the same run.
func mailBenchmark(_ options: Options, home: ProductHome) async throws -> (section: String, summary: [String]) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-bench-mail-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let script = home.root.appendingPathComponent(".ci/smtp-sink").path
    let portFile = folder.appendingPathComponent("port").path
    let pid = try spawn(
        "/usr/bin/env",
        ["python3", script, "serve", "--out", folder.appendingPathComponent("received").path, "--port-file", portFile],
        output: folder.appendingPathComponent("log").path)
    defer {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
    var port = 0
    for _ in 0..<200 where port == 0 {
        port = Int((try? String(contentsOfFile: portFile, encoding: .utf8)) ?? "") ?? 0
        if port == 0 { try await Task.sleep(for: .milliseconds(50)) }
    }
    guard port > 0 else {
        return ("\n## Mail delivery\n\nNot measured: `.ci/smtp-sink` did not start (aiosmtpd?).\n", [])
    }
    let relay = try SMTPRelay(url: "smtp://127.0.0.1:\(port)", sender: "bench@opcc.example.org", environment: [:])
    let client = try SMTPClient(relay: relay)
    func batch(_ count: Int, from first: Int) -> [OutgoingMail] {
        (first..<(first + count)).map { number in
            OutgoingMail(
                messageID: "<opcc-bench-\(number)@opcc.example.org>", to: ["officer\(number % 50)@office.example.org"],
                subject: "Sign-off needed: decision \(number)",
                text: String(repeating: "A decision waits for your sign-off.\n", count: 12),
                html: "<html><body>" + String(repeating: "<p>A decision waits for your sign-off.</p>", count: 12)
                    + "</body></html>")
        }
    }
    _ = await client.deliver(batch(20, from: 0))  // warm up: the event loop, the sink's first connection
    var batched: [Double] = []
    var single: [Double] = []
    let singles = max(1, options.mail / 10)
    var failures = 0
    for round in 0..<options.rounds {
        let mails = batch(options.mail, from: (round + 1) * 1_000_000)
        var outcomes: [MailOutcome] = []
        batched.append(await seconds { outcomes = await client.deliver(mails) })
        failures += outcomes.filter { $0 != .accepted }.count
        let time = await seconds {
            for mail in mails.prefix(singles) { failures += await client.deliver([mail]) == [.accepted] ? 0 : 1 }
        }
        single.append(time)
    }
    let perSecond = Double(options.mail) / median(batched)
    let singlePerSecond = Double(singles) / median(single)
    let section = """

        ## Mail delivery

        `SMTPClient` to `.ci/smtp-sink` (aiosmtpd) on 127.0.0.1, plain SMTP (STARTTLS is optional on loopback and the \
        sink offers none here), each message about 1.3 kB of text and HTML, written by the sink to a file of its own. \
        \(options.rounds) rounds; medians. Failures: \(failures).

        | how | messages | median s | messages/s |
        |---|---:|---:|---:|
        | one connection for the batch | \(options.mail) | \(format(median(batched))) | \(format(perSecond, 0)) |
        | one connection per message | \(singles) | \(format(median(single))) | \(format(singlePerSecond, 0)) |

        """
    return (
        section,
        [
            "| mail delivery to the loopback sink, batch of \(options.mail), messages/s | \(format(perSecond, 0)) | "
                + "\(format(singlePerSecond, 0)) (a connection each) | \(format(perSecond / singlePerSecond, 1))× | | |"
        ]
    )
}

/// Starts a program with posix_spawn (Foundation's Process has hung waiting for children here), output to a file.
func spawn(_ program: String, _ arguments: [String], output: String) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    let argv = ([program] + arguments).map { strdup($0) } + [nil]
    defer { for argument in argv { free(argument) } }
    var pid: pid_t = 0
    // The child starts with no signal blocked and SIGTERM at its default: posix_spawn otherwise hands it the calling
    // thread's mask, in which the Swift runtime's threads block SIGTERM, and a server would never hear `stop()`.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var unblocked = sigset_t()
    sigemptyset(&unblocked)
    posix_spawnattr_setsigmask(&attributes, &unblocked)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    sigaddset(&defaults, SIGTERM)
    sigaddset(&defaults, SIGINT)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    let spawned = posix_spawn(&pid, program, &actions, &attributes, argv, environ)
    guard spawned == 0 else { throw CocoaError(.executableLoad) }
    return pid
}
