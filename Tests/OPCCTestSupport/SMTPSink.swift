import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension OutsideTool {
    /// The PyPI package aiosmtpd, the SMTP server on loopback the mail tests send to (`.ci/smtp-sink`).
    public static let aiosmtpd = python(package: "aiosmtpd", modules: "aiosmtpd")
}

/// A real SMTP server on a free loopback port (`.ci/smtp-sink`, on aiosmtpd), started by a test and stopped by it. It
/// writes what it accepts to a folder of its own; `messages()` reads them back as Python's `email` package parses them,
/// as a mail client would.
public final class SMTPSink: Sendable {
    public let port: Int
    /// Where the server writes each message it accepts (N.eml and N.json).
    public let folder: URL
    private let pid: pid_t

    /// What the server may be asked for.
    public struct Options: Sendable {
        /// A certificate and its key (PEM): STARTTLS is offered, or with `implicitTLS` TLS from the first byte.
        public var certificate: (certificate: String, key: String)?
        public var implicitTLS = false
        /// AUTH required, with this user and password.
        public var login: (user: String, password: String)?
        /// AUTH LOGIN offered, and not PLAIN.
        public var loginOnly = false

        public init(
            certificate: (certificate: String, key: String)? = nil, implicitTLS: Bool = false,
            login: (user: String, password: String)? = nil, loginOnly: Bool = false
        ) {
            self.certificate = certificate
            self.implicitTLS = implicitTLS
            self.login = login
            self.loginOnly = loginOnly
        }
    }

    /// Starts the server and returns once it listens (within ten seconds, or throws with what it printed).
    public static func start(_ options: Options = Options()) async throws -> SMTPSink {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let portFile = folder.appendingPathComponent("port").path
        var arguments = [
            script, "serve", "--out", folder.appendingPathComponent("received").path, "--port", "0", "--port-file",
            portFile,
        ]
        if let pair = options.certificate { arguments += ["--cert", pair.certificate, "--key", pair.key] }
        if options.implicitTLS { arguments.append("--implicit-tls") }
        if let login = options.login { arguments += ["--user", login.user, "--password", login.password] }
        if options.loginOnly { arguments.append("--login-only") }
        let log = folder.appendingPathComponent("log").path
        let pid = try Spawned.start("/usr/bin/env", ["python3"] + arguments, output: log)
        for _ in 0..<200 {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8), let port = Int(text) {
                return SMTPSink(port: port, folder: folder, pid: pid)
            }
            if Spawned.hasExited(pid) { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        kill(pid, SIGKILL)
        Spawned.reap(pid)
        let printed = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        throw SinkError(message: "the SMTP sink did not start: \(printed)")
    }

    private init(port: Int, folder: URL, pid: pid_t) {
        self.port = port
        self.folder = folder
        self.pid = pid
    }

    /// Stops the server: SIGTERM, and SIGKILL if it is still there two seconds later; its exit is reaped on a thread
    /// of its own, never on the cooperative pool.
    public func stop() {
        kill(pid, SIGTERM)
        let pid = self.pid
        Thread.detachNewThread {
            for _ in 0..<40 {
                if Spawned.hasExited(pid) { return }
                usleep(50_000)
            }
            kill(pid, SIGKILL)
            Spawned.reap(pid)
        }
    }

    /// Every message received so far, in order, parsed by Python's `email` package.
    public func messages() async throws -> [ReceivedMail] {
        try await Self.read(folder.appendingPathComponent("received").path)
    }

    /// Parses every `.eml` file in `folder` (with its `.json` envelope when there is one) as `messages()` does.
    public static func read(_ folder: String) async throws -> [ReceivedMail] {
        guard FileManager.default.fileExists(atPath: folder) else { return [] }
        let (status, output) = try await offThePool {
            try Spawned.run("/usr/bin/env", ["python3", script, "read", folder])
        }
        guard status == 0 else { throw SinkError(message: "reading the received mail failed: \(output)") }
        return try JSONDecoder().decode([ReceivedMail].self, from: Data(output.utf8))
    }

    /// `.ci/smtp-sink`, found from this file's place in the package.
    public static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".ci/smtp-sink").path

    public struct SinkError: Error, CustomStringConvertible {
        public let message: String
        public init(message: String) { self.message = message }
        public var description: String { message }
    }
}

/// One message as the server received it and Python's `email` package reads it.
public struct ReceivedMail: Decodable, Sendable, Equatable {
    public let file: String
    /// The envelope: MAIL FROM and the accepted RCPT TOs.
    public let mailFrom: String
    public let rcptTos: [String]
    /// Whether the session was under TLS when the message came.
    public let tls: Bool
    /// The user the session authenticated as.
    public let user: String?
    /// The number of the connection it came on (1 for the server's first).
    public let connection: Int
    /// Every header, in order, as (name, decoded value).
    public let headers: [[String]]
    public let subject: String
    /// The text/plain and text/html parts, decoded.
    public let text: String?
    public let html: String?
    /// The longest line of the message as received, in bytes (without its CRLF).
    public let longestLine: Int
    /// Line feeds not preceded by a carriage return.
    public let bareLineFeeds: Int
    /// The defects Python's parser found (none for a well-formed message).
    public let defects: [String]

    /// The first value of a header, by name (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.first?.lowercased() == name.lowercased() }?.last
    }
}

/// Processes started with posix_spawn and reaped with waitpid: Foundation's Process.waitUntilExit has hung in a full
/// run when the child left a server behind. Output goes to a file, never a pipe a server could keep open.
enum Spawned {
    static func start(_ program: String, _ arguments: [String], output: String) throws -> pid_t {
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
        guard spawned == 0 else { throw SMTPSink.SinkError(message: "could not start \(program): error \(spawned)") }
        return pid
    }

    /// Runs a program to its end; its exit status and what it printed (stdout and stderr).
    static func run(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-run-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let pid = try start(program, arguments, output: output)
        let status = reap(pid)
        return (status, (try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
    }

    static func hasExited(_ pid: pid_t) -> Bool {
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == pid
    }

    @discardableResult
    static func reap(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}
