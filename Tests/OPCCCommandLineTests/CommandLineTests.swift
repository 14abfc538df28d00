import Foundation
import Testing

/// The `opcc` executable run as a user runs it: arguments in, text and an exit code out.
struct CLIResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

let repositoryRoot: URL = {
    var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
        url = url.deletingLastPathComponent()
    }
    return url
}()

/// The built `opcc` beside the test bundle (`swift build --build-tests` and `swift test` build it).
let opccExecutable: URL = {
    let bundleDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for candidate in [bundleDir, bundleDir.deletingLastPathComponent()] {
        let url = candidate.appendingPathComponent("opcc")
        if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    return repositoryRoot.appendingPathComponent(".build/debug/opcc")
}()

/// Runs the `opcc` executable and waits for it off Swift's cooperative pool (a blocking wait there would hold up
/// every other test of the run, and the tests that measure the pool's freedom). At most as many run at once as the
/// machine has cores: the CLI tests would otherwise start a hundred processes together.
func opcc(
    _ arguments: [String], in directory: URL = repositoryRoot, environment: [String: String] = [:]
) async throws -> CLIResult {
    await processSlots.take()
    defer { Task { await processSlots.give() } }
    return try await withCheckedThrowingContinuation { (done: CheckedContinuation<CLIResult, any Error>) in
        DispatchQueue.global().async {
            done.resume(with: Result { try opccBlocking(arguments, in: directory, environment: environment) })
        }
    }
}

/// A count of places, taken and given back by tasks that wait (suspended) while none is free.
actor ProcessSlots {
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(_ count: Int) { free = count }

    func take() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func give() {
        if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
    }
}

let processSlots = ProcessSlots(max(2, ProcessInfo.processInfo.activeProcessorCount))

private func opccBlocking(
    _ arguments: [String], in directory: URL, environment: [String: String]
) throws -> CLIResult {
    let process = Process()
    process.executableURL = opccExecutable
    process.arguments = arguments
    process.currentDirectoryURL = directory
    var env = ProcessInfo.processInfo.environment
    env["OPCC_DB"] = nil
    env["OPCC_USER"] = nil
    env["OPCC_HOME"] = nil
    for (k, v) in environment { env[k] = v }
    process.environment = env
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CLIResult(
        status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData, as: UTF8.self))
}

func temporaryDatabase() -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-cli-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent("cli.sqlite").path
}

@Suite("opcc calendar")
struct CalendarCommandTests {
    @Test(arguments: [
        ("2016-03-09", "3", "2016-03-14"), ("2022-06-02", "3", "2022-06-08"), ("2020-12-18", "3", "2020-12-23"),
        ("2020-12-23", "3", "2020-12-30"),
    ])
    func addWorkingDaysPrintsTheDeadline(start: String, count: String, expected: String) async throws {
        let result = try await opcc(["calendar", "add-working-days", start, count])
        #expect(result.status == 0)
        #expect(result.stdout == expected + "\n")
    }

    @Test func holidaysPrintsOneISODateALine() async throws {
        let result = try await opcc(["calendar", "holidays", "2022"])
        #expect(result.status == 0)
        #expect(
            result.stdout.split(separator: "\n") == [
                "2022-01-03", "2022-04-15", "2022-04-18", "2022-05-02", "2022-06-02", "2022-06-03", "2022-08-29",
                "2022-09-19", "2022-12-26", "2022-12-27",
            ])
    }

    @Test func aMalformedDateIsAUsageErrorWithExitCode64() async throws {
        let result = try await opcc(["calendar", "add-working-days", "9/3/2016", "3"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("write it as YYYY-MM-DD"))
    }

    @Test func feedCreateShowAndRevokeThenTheFeedIsGone() async throws {
        let db = temporaryDatabase()
        await #expect(try opcc(["demo", "--db", db, "--without-returns"]).status == 0)
        let create = try await opcc(["calendar", "feed", "create", "--as", "cumbria.barrow-board", "--db", db])
        #expect(create.status == 0, "\(create.stderr)")
        #expect(create.stdout.contains("calendar feed secret: "))
        let out = URL(fileURLWithPath: db).deletingLastPathComponent().appendingPathComponent("board.ics").path
        let show = try await opcc([
            "calendar", "feed", "show", "--as", "cumbria.barrow-board", "--out", out, "--db", db,
        ])
        #expect(show.status == 0, "\(show.stderr)")
        let ics = try String(contentsOfFile: out, encoding: .utf8)
        #expect(ics.hasPrefix("BEGIN:VCALENDAR\r\n") && ics.hasSuffix("END:VCALENDAR\r\n"))
        #expect(ics.contains("UID:cumbria-QR-"))
        let revoke = try await opcc(["calendar", "feed", "revoke", "--as", "cumbria.barrow-board", "--db", db])
        #expect(revoke.status == 0, "\(revoke.stderr)")
        let again = try await opcc(["calendar", "feed", "revoke", "--as", "cumbria.barrow-board", "--db", db])
        #expect(again.status == 1)
        #expect(again.stderr.contains("calendar-feed-exists"))
        await #expect(try opcc(["audit", "verify", "--db", db]).status == 0)
    }

    @Test func tokenCreateListRevokeThenTheTokenIsRevoked() async throws {
        let db = temporaryDatabase()
        await #expect(try opcc(["demo", "--db", db, "--without-returns"]).status == 0)
        let create = try await opcc(["token", "create", "--label", "export", "--as", "cumbria.finance", "--db", db])
        #expect(create.status == 0, "\(create.stderr)")
        #expect(create.stdout.contains("API token 1 (export): opcc_"))
        let list = try await opcc(["token", "list", "--as", "cumbria.finance", "--db", db])
        #expect(list.stdout.contains("1\tcumbria.finance\texport"))
        #expect(list.stdout.contains("live"))
        #expect(!list.stdout.contains("opcc_"))
        await #expect(try opcc(["token", "revoke", "1", "--as", "cumbria.finance", "--db", db]).status == 0)
        let again = try await opcc(["token", "revoke", "1", "--as", "cumbria.finance", "--db", db])
        #expect(again.status == 1)
        #expect(again.stderr.contains("api-token-live"))
        await #expect(try opcc(["token", "list", "--as", "cumbria.finance", "--db", db]).stdout.contains("revoked"))
        await #expect(try opcc(["audit", "verify", "--db", db]).status == 0)
    }

    @Test func publicPrintsThePart1CalendarWithoutPart2() async throws {
        let db = temporaryDatabase()
        await #expect(try opcc(["demo", "--db", db, "--without-returns"]).status == 0)
        let result = try await opcc(["calendar", "public", "--db", db])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("BEGIN:VCALENDAR\r\n"))
        #expect(result.stdout.contains("014/2016") && result.stdout.contains("007/2020"))
        #expect(!result.stdout.contains("Part 2 test content"))
    }
}

@Suite("opcc demo, audit, user, office, workflow")
struct DemoCommandTests {
    @Test func demoThenAuditVerifyPasses() async throws {
        let db = temporaryDatabase()
        let demo = try await opcc(["demo", "--db", db])
        #expect(demo.status == 0, "\(demo.stderr)")
        #expect(
            demo.stdout.contains("office cumbria: Office of the Police and Crime Commissioner for Cumbria (loaded)"))
        #expect(demo.stdout.contains("chain verified"))
        let verify = try await opcc(["audit", "verify", "--db", db])
        #expect(verify.status == 0)
        #expect(verify.stdout.hasPrefix("audit log intact: "))
        let head = try await opcc(["audit", "head", "--db", db])
        let events = verify.stdout.dropFirst("audit log intact: ".count).prefix { $0.isNumber }
        #expect(!events.isEmpty && head.stdout.hasPrefix("\(events):"))
        let withHead = try await opcc([
            "audit", "verify", "--db", db, "--head", head.stdout.trimmingCharacters(in: .newlines),
        ])
        #expect(withHead.status == 0)
    }

    @Test func aRefusalExitsOneAndNamesTheRule() async throws {
        let db = temporaryDatabase()
        _ = try await opcc(["demo", "--db", db])
        let result = try await opcc([
            "user", "add", "new.officer", "--role", "officer", "--office", "cumbria", "--as", "cumbria.officer", "--db",
            db,
        ])
        #expect(result.status == 1)
        #expect(result.stderr.contains("people-managed-by-chief-executive"))
        let ok = try await opcc(
            ["user", "add", "new.officer", "--role", "officer", "--office", "cumbria", "--db", db],
            environment: ["OPCC_USER": "cumbria.chief-executive"])
        #expect(ok.status == 0, "\(ok.stderr)")
        let list = try await opcc(["user", "list", "--office", "cumbria", "--db", db, "--json"])
        let people = try JSONDecoder().decode([[String: AnyDecodable]].self, from: Data(list.stdout.utf8))
        // Cumbria's seven, the new officer, and the demo grant round's four applicants and independent assessor.
        #expect(people.count == 13)
    }

    @Test func officeListJSONGivesEachOfficesDeadline() async throws {
        let db = temporaryDatabase()
        _ = try await opcc(["demo", "--db", db])
        let result = try await opcc(["office", "list", "--json", "--db", db])
        struct Office: Decodable {
            var id: String
            var part1DeadlineWorkingDays: Int
        }
        let offices = try JSONDecoder().decode([Office].self, from: Data(result.stdout.utf8))
        #expect(offices.map(\.id) == ["cumbria", "leicestershire", "lincolnshire", "west-midlands"])
        #expect(offices.first { $0.id == "lincolnshire" }?.part1DeadlineWorkingDays == 1)
    }

    @Test func theOfficeMustBeNamedWhenSeveralAreLoaded() async throws {
        let db = temporaryDatabase()
        _ = try await opcc(["demo", "--db", db])
        let result = try await opcc(["office", "show", "nowhere", "--db", db])
        #expect(result.status == 1)
        #expect(result.stderr.contains("no office 'nowhere'"))
    }

    @Test func workflowLintPassesOnTheShippedFilesAndNamesABadOne() async throws {
        let shipped = try await opcc(["workflow", "lint"])
        #expect(shipped.status == 0)
        #expect(shipped.stdout.contains("ok workflows/decision-request.yaml: decision-request v1"))
        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).yaml")
        let text = try String(
            contentsOf: repositoryRoot.appendingPathComponent("workflows/carry-forward.yaml"), encoding: .utf8
        ).replacingOccurrences(of: "guards: [reason-given]", with: "guards: [reason-givn]")
        try text.write(to: bad, atomically: true, encoding: .utf8)
        let result = try await opcc(["workflow", "lint", bad.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(bad.path): guard 'reason-givn': unknown guard"))
    }

    @Test func workflowLintChecksTheNotificationRulesAndNamesABadOne() async throws {
        let shipped = try await opcc(["workflow", "lint"])
        #expect(shipped.stdout.contains("ok workflows/notifications/decision-request.yaml: notification rules"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID().uuidString)")
            .appendingPathComponent("notifications")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let bad = folder.appendingPathComponent("quarterly-return.yaml")
        let text = try String(
            contentsOf: repositoryRoot.appendingPathComponent("workflows/notifications/quarterly-return.yaml"),
            encoding: .utf8
        ).replacingOccurrences(of: "on: accept", with: "on: acept")
        try text.write(to: bad, atomically: true, encoding: .utf8)
        let result = try await opcc(["workflow", "lint", bad.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(bad.path): rules[4].on 'acept': not an event of quarterly-return"))
    }

    @Test func workflowDiagramDrawsDot() async throws {
        let result = try await opcc(["workflow", "diagram", "decision-request", "--format", "dot"])
        #expect(result.status == 0)
        #expect(
            result.stdout.contains(
                "\"draft\" -> \"awaiting-sign-offs\" [label=\"submit [officer] if executive-summary-within-limit, "
                    + "part2-complete-before-submission\"];"))
        #expect(result.stdout.contains("\"published\" [peripheries=2];"))
    }

    @Test func aMissingHomeListsEveryPlaceLooked() async throws {
        let result = try await opcc(
            ["workflow", "list", "--home", "/nonexistent/opcc"], in: FileManager.default.temporaryDirectory)
        #expect(result.status == 1)
        #expect(result.stderr.contains("--home /nonexistent/opcc"))
    }
}

/// Decodes any JSON value (to count entries without naming their fields).
struct AnyDecodable: Decodable {
    init(from decoder: any Decoder) throws {}
}

@Suite("opcc help")
struct HelpTests {
    /// Every command and subcommand prints help with an example.
    @Test(arguments: [
        [], ["demo"], ["office"], ["office", "list"], ["office", "show"], ["user"], ["user", "add"], ["user", "list"],
        ["workflow"], ["workflow", "lint"], ["workflow", "list"], ["workflow", "diagram"], ["audit"],
        ["audit", "head"],
        ["audit", "verify"], ["audit", "log"], ["calendar"], ["calendar", "holidays"],
        ["calendar", "add-working-days"], ["calendar", "feed"], ["calendar", "feed", "create"],
        ["calendar", "feed", "revoke"], ["calendar", "feed", "show"], ["calendar", "public"],
        ["decision"], ["decision", "raise"], ["decision", "edit"], ["decision", "submit"], ["decision", "sign"],
        ["decision", "refer"], ["decision", "return"], ["decision", "decide"], ["decision", "defer"],
        ["decision", "publish"], ["decision", "withdraw"], ["decision", "correct"], ["decision", "show"],
        ["decision", "list"], ["decision", "notice"], ["decision", "part2"], ["decision", "import"],
        ["finance"], ["finance", "budget"], ["finance", "vire"], ["finance", "allocate"],
        ["finance", "allocate-split"],
        ["finance", "carry-forward"], ["finance", "carry-forward", "request"], ["finance", "carry-forward", "decide"],
        ["finance", "carry-forward", "confirm"], ["finance", "carry-forward", "settle"], ["finance", "agreements"],
        ["finance", "agreement"], ["finance", "agreement", "terminate"],
        ["finance", "agreement", "draft"], ["finance", "agreement", "assess"], ["finance", "agreement", "confirm"],
        ["finance", "agreement", "signature"], ["finance", "agreement", "sign"], ["finance", "agreement", "activate"],
        ["finance", "agreement", "pay"], ["finance", "agreement", "close"], ["finance", "agreement", "vary"],
        ["finance", "proposals"], ["finance", "refuse-proposal"], ["finance", "write-off"], ["finance", "reverse"],
        ["finance", "reconciliation"], ["finance", "check"],
        ["return"], ["return", "list"], ["return", "show"], ["return", "save"], ["return", "submit"],
        ["return", "accept"], ["return", "send-back"], ["return", "correct"], ["return", "waive"],
        ["return", "escalate"], ["return", "history"], ["return", "import-indicator"], ["deadlines"],
        ["deadlines", "sweep"], ["vli"], ["vli", "import"], ["vli", "score"], ["vli", "wards"], ["vli", "shortlist"],
        ["vli", "select"], ["vli", "show"], ["backup"], ["restore"],
        ["priorities"], ["priorities", "list"], ["priorities", "show"], ["priorities", "matrix"],
        ["priorities", "chart"], ["priorities", "spend"], ["priorities", "import"], ["priorities", "score"],
        ["priorities", "probability"], ["priorities", "close-scoring"], ["priorities", "reopen-scoring"],
        ["priorities", "decide"], ["priorities", "compel"], ["priorities", "set-count"],
        ["priorities", "set-priority"],
        ["priorities", "remove-priority"], ["priorities", "adopt"], ["priorities", "link"], ["priorities", "close"],
        ["priorities", "withdraw"],
        ["user", "email"], ["user", "notifications"], ["notify"], ["notify", "list"], ["notify", "read"],
        ["notify", "resend"],
    ])
    func everyCommandHasHelpWithAnExample(command: [String]) async throws {
        let result = try await opcc(command + ["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("USAGE:"))
        #expect(
            result.stdout.contains("opcc ")
                && (result.stdout.contains("Example") || result.stdout.contains("Start with")))
    }
}

@Suite("opcc serve")
struct ServeCommandTests {
    /// Issue 21 item 10: with its output going to a file, `serve` wrote its address and the demo sign-ins only when
    /// the buffer filled or the server stopped, so a person reading the log saw nothing.
    @Test func serveWritesItsAddressAndTheDemoSignInsAtOnceWhenItsOutputGoesToAFile() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = folder.appendingPathComponent("serve.log")
        try #require(FileManager.default.createFile(atPath: log.path, contents: nil))
        let output = try FileHandle(forWritingTo: log)
        defer { try? output.close() }
        let port = Int.random(in: 20_000...60_000)
        let process = Process()
        process.executableURL = opccExecutable
        process.arguments = [
            "serve", "--demo", "--db", folder.appendingPathComponent("serve.sqlite").path, "--port", String(port),
        ]
        process.currentDirectoryURL = repositoryRoot
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        var text = ""
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, process.isRunning, !text.contains("serving on") {
            try await Task.sleep(for: .milliseconds(250))
            text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        }
        #expect(process.isRunning, "the server stopped: \(text)")
        #expect(text.contains("serving on http://127.0.0.1:\(port)/"), "\(text)")
        #expect(text.contains("demo sign-ins"))
        // The demo's grant round makes the officer one of its two assessors, and its partners sign in too.
        #expect(text.contains("  cumbria.officer  (officer, assessor)"), "\(text)")
        #expect(text.contains("  barrow.youth  (applicant)"), "\(text)")
    }
}
